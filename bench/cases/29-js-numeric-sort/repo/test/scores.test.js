'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { topScores, average } = require('../src/scores');

test('single digit scores', () => {
  assert.deepEqual(topScores([3, 9, 5], 2), [9, 5]);
});

test('multi digit scores', () => {
  assert.deepEqual(topScores([9, 100, 25, 3], 2), [100, 25]);
});

test('average', () => {
  assert.equal(average([2, 4]), 3);
});
