'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { Store } = require('../src/store');
const { importUsers } = require('../src/import');

function records(n) {
  return Array.from({ length: n }, (_, i) => ({ id: String(i + 1), name: `user ${i}`, email: `U${i}@X.ORG` }));
}

test('a slow store has every row when the import resolves', async () => {
  const store = new Store(5);
  assert.equal(await importUsers(store, records(4)), 4);
  assert.equal(store.count(), 4);
  assert.deepEqual(await store.get(4), { id: 4, name: 'user 3', email: 'u3@x.org' });
});

test('records are saved one after another, in order', async () => {
  const order = [];
  const store = new Store(1);
  const save = store.save.bind(store);
  store.save = async (row) => {
    order.push(`start ${row.id}`);
    await save(row);
    order.push(`end ${row.id}`);
  };
  await importUsers(store, records(3));
  assert.deepEqual(order, ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
});

test('a failing save rejects the import', async () => {
  const store = new Store(1);
  store.save = async () => {
    throw new Error('disk full');
  };
  await assert.rejects(importUsers(store, records(1)), /disk full/);
});
