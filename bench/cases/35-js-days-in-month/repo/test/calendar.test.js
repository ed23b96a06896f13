'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { daysInMonth, isLeapYear } = require('../src/calendar');

test('leap years', () => {
  assert.equal(isLeapYear(2024), true);
  assert.equal(isLeapYear(1900), false);
});

test('february', () => {
  assert.equal(daysInMonth(2024, 2), 29);
  assert.equal(daysInMonth(2023, 2), 28);
});

test('april and december', () => {
  assert.equal(daysInMonth(2024, 4), 30);
  assert.equal(daysInMonth(2024, 12), 31);
});
