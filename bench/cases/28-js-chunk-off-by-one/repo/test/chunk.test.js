'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { chunk } = require('../src/chunk');

test('even split', () => {
  assert.deepEqual(chunk([1, 2, 3, 4], 2), [[1, 2], [3, 4]]);
});

test('trailing item kept', () => {
  assert.deepEqual(chunk([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
});

test('rejects zero size', () => {
  assert.throws(() => chunk([1], 0), RangeError);
});
