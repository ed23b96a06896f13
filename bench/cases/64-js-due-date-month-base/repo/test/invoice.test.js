'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { dueDate } = require('../src/invoice');

test('net 14 across the end of January', () => {
  assert.equal(dueDate('2024-01-31', 'net14'), '2024-02-14');
});

test('net 30 from mid-February of a leap year', () => {
  assert.equal(dueDate('2024-02-15', 'net30'), '2024-03-16');
});

test('prepaid is due on the day', () => {
  assert.equal(dueDate('2023-06-30', 'prepaid'), '2023-06-30');
});

test('unknown terms are refused', () => {
  assert.throws(() => dueDate('2024-01-01', 'net90'), RangeError);
});
