'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { buildQuery, parseQuery } = require('../src/query');

test('plain values', () => {
  assert.equal(buildQuery({ page: 2, size: 10 }), 'page=2&size=10');
});

test('undefined values are left out', () => {
  assert.equal(buildQuery({ page: 2, q: undefined }), 'page=2');
});

test('special characters round-trip', () => {
  const params = { 'search term': 'fish & chips', filter: 'a=b' };
  assert.equal(buildQuery(params), 'search%20term=fish%20%26%20chips&filter=a%3Db');
  assert.deepEqual(parseQuery(buildQuery(params)), params);
});
