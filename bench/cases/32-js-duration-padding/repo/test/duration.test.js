'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { formatDuration } = require('../src/duration');

test('long track', () => {
  assert.equal(formatDuration(4520), '1:15:20');
});

test('minutes are padded', () => {
  assert.equal(formatDuration(3909), '1:05:09');
});

test('negative', () => {
  assert.throws(() => formatDuration(-1), RangeError);
});
