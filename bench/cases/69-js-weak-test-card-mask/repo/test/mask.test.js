'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { maskCard } = require('../src/mask');

test('a short number is shown as it is', () => {
  assert.equal(maskCard('123'), '123');
});

test('the masked number is as long as the number and starts masked', () => {
  const masked = maskCard('4111 1111 1111 1234');
  assert.equal(masked.length, 16);
  assert.ok(masked.startsWith('********'));
});
