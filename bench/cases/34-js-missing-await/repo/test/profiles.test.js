'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadActiveProfiles } = require('../src/profiles');

const DB = {
  1: { id: 1, active: true },
  2: { id: 2, active: false },
  3: { id: 3, active: true },
};

async function fakeFetch(id) {
  await new Promise((resolve) => setTimeout(resolve, 1));
  return DB[id];
}

test('keeps active profiles', async () => {
  const profiles = await loadActiveProfiles([1, 2, 3], fakeFetch);
  assert.deepEqual(profiles.map((p) => p.id), [1, 3]);
});

test('no ids', async () => {
  assert.deepEqual(await loadActiveProfiles([], fakeFetch), []);
});
