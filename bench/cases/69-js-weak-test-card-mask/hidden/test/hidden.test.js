'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { maskCard, paymentLine } = require('../src/mask');

test('the last four digits are shown, the rest masked', () => {
  assert.equal(maskCard('4111 1111 1111 1234'), '************1234');
  assert.equal(maskCard('3782-822463-10005'), '***********0005');
});

test('a number of exactly four digits is shown whole', () => {
  assert.equal(maskCard('9876'), '9876');
  assert.equal(maskCard('98765'), '*8765');
});

test('the payment line', () => {
  assert.equal(paymentLine(4000056655665556), 'Paid by card ************5556');
});
