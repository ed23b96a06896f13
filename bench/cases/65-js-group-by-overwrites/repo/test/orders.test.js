'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { totalsByCustomer, topCustomer } = require('../src/orders');

const ORDERS = [
  { id: 1, customer: 'ana', cents: 1200, status: 'paid' },
  { id: 2, customer: 'ben', cents: 5000, status: 'paid' },
  { id: 3, customer: 'ana', cents: 3000, status: 'paid' },
  { id: 4, customer: 'ana', cents: 2500, status: 'paid' },
  { id: 5, customer: 'ben', cents: 9900, status: 'refunded' },
];

test('totals add up every paid order', () => {
  assert.deepEqual(totalsByCustomer(ORDERS), { ana: 6700, ben: 5000 });
});

test('the top customer', () => {
  assert.equal(topCustomer(ORDERS), 'ana');
});

test('no orders', () => {
  assert.deepEqual(totalsByCustomer([]), {});
  assert.equal(topCustomer([]), null);
});
