'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { totalsByCategory, biggestCategory } = require('../src/expenses');

const EXPENSES = [
  { category: 'food', amount: 12 },
  { category: 'travel', amount: 30 },
  { category: 'food', amount: 8 },
];

test('totals per category', () => {
  assert.deepEqual(totalsByCategory(EXPENSES), { food: 20, travel: 30 });
});

test('biggest', () => {
  assert.equal(biggestCategory(EXPENSES), 'travel');
});

test('empty', () => {
  assert.equal(biggestCategory([]), null);
});
