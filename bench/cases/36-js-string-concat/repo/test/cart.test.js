'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { Cart } = require('../src/cart');

test('numbers', () => {
  const cart = new Cart();
  cart.addToCart('tea', 2);
  assert.equal(cart.count(), 2);
});

test('form input strings', () => {
  const cart = new Cart();
  cart.addToCart('tea', '2');
  cart.addToCart('tea', '3');
  assert.equal(cart.lines.get('tea'), 5);
});
