'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { groupBy } = require('../src/collections');
const { totalsByCustomer } = require('../src/orders');

test('groups keep every item in order', () => {
  const words = ['apple', 'avocado', 'banana', 'blueberry', 'cherry', 'apricot'];
  assert.deepEqual(groupBy(words, (w) => w[0]), {
    a: ['apple', 'avocado', 'apricot'], b: ['banana', 'blueberry'], c: ['cherry'],
  });
});

test('the items themselves are grouped, not copies', () => {
  const items = [{ k: 1 }, { k: 1 }];
  const groups = groupBy(items, (x) => x.k);
  assert.equal(groups[1][0], items[0]);
  assert.equal(groups[1][1], items[1]);
});

test('any iterable, numeric keys, nothing to group', () => {
  assert.deepEqual(groupBy(new Set([1, 2, 3, 4, 5]), (n) => n % 2), { 0: [2, 4], 1: [1, 3, 5] });
  assert.deepEqual(groupBy([], (x) => x), {});
});

test('many orders from one customer', () => {
  const orders = Array.from({ length: 10 }, (_, i) => ({ customer: 'zoe', cents: i + 1, status: 'paid' }));
  assert.deepEqual(totalsByCustomer(orders), { zoe: 55 });
});
