'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { receipt } = require('../src/receipt');

const CART = [
  { name: 'tea', qty: 2, cents: 350 },
  { name: 'scone', qty: 1, cents: 275 },
];

test('dollars by default', () => {
  assert.equal(receipt(CART), '2 x tea: $7.00\n1 x scone: $2.75\ntotal: $9.75');
});

test('every line in the chosen currency', () => {
  assert.equal(receipt(CART, 'EUR'), '2 x tea: €7.00\n1 x scone: €2.75\ntotal: €9.75');
});
