'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { isOpen, sign, openHours } = require('../src/hours');

const at = (hour, minute = 0) => new Date(2024, 4, 6, hour, minute);

test('open from nine up to five', () => {
  assert.equal(isOpen(at(9)), true);
  assert.equal(isOpen(at(16, 59)), true);
  assert.equal(isOpen(at(17)), false);
});

test('closed in the early morning', () => {
  assert.equal(isOpen(at(3)), false);
  assert.equal(isOpen(at(8, 59)), false);
});

test('the open hours and the sign', () => {
  assert.deepEqual(openHours(), [9, 10, 11, 12, 13, 14, 15, 16]);
  assert.equal(sign(at(7)), 'Closed, open again at 9:00');
  assert.equal(sign(at(10)), 'Open');
});
