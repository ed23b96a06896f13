'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { Store } = require('../src/store');
const { importUsers } = require('../src/import');

const RECORDS = [
  { id: '1', name: ' Ada ', email: 'ADA@example.com' },
  { id: '2', name: 'Grace', email: ' grace@example.com' },
];

test('every record is stored once the import resolves', async () => {
  const store = new Store();
  assert.equal(await importUsers(store, RECORDS), 2);
  assert.equal(store.count(), 2);
  assert.deepEqual(await store.get(2), { id: 2, name: 'Grace', email: 'grace@example.com' });
});

test('an empty import stores nothing', async () => {
  const store = new Store();
  assert.equal(await importUsers(store, []), 0);
  assert.equal(store.count(), 0);
});
