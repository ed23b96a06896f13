'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { isOpen } = require('../src/hours');

test('open at noon', () => {
  assert.equal(isOpen(new Date(2024, 4, 6, 12, 30)), true);
});

test('closed late in the evening', () => {
  assert.equal(isOpen(new Date(2024, 4, 6, 22, 0)), false);
});
