'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { normalize, findByEmail } = require('../src/users');

const USERS = [
  { id: 1, email: 'ada@example.com' },
  { id: 2, email: 'Alan@Example.com' },
];

test('normalize', () => {
  assert.equal(normalize('  X@Y.z '), 'x@y.z');
});

test('finds case-insensitively', () => {
  assert.equal(findByEmail(USERS, 'alan@example.COM')?.id, 2);
});

test('unknown email', () => {
  assert.equal(findByEmail(USERS, 'nobody@example.com'), null);
});
