'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { parseDate, formatDate, addDays } = require('../src/dates');
const { dueDate } = require('../src/invoice');

test('parseDate gives the named day', () => {
  const d = parseDate('2024-03-15');
  assert.deepEqual([d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCDay()], [2024, 2, 15, 5]);
  assert.equal(parseDate('2023-01-01').getTime(), Date.UTC(2023, 0, 1));
  assert.equal(parseDate('2023-12-31').getTime(), Date.UTC(2023, 11, 31));
});

test('round trips on every month end', () => {
  for (const text of ['2023-01-31', '2023-02-28', '2024-02-29', '2023-04-30', '2023-12-31']) {
    assert.equal(formatDate(parseDate(text)), text);
    assert.equal(addDays(text, 0), text);
  }
});

test('adding days across months and years', () => {
  assert.equal(addDays('2023-12-20', 30), '2024-01-19');
  assert.equal(addDays('2023-02-28', 1), '2023-03-01');
  assert.equal(addDays('2024-02-28', 1), '2024-02-29');
  assert.equal(addDays('2024-03-01', -1), '2024-02-29');
  assert.equal(dueDate('2024-11-30', 'net30'), '2024-12-30');
});

test('bad dates are refused, real ones accepted', () => {
  for (const bad of ['2024-3-1', '2023-02-29', '2024-02-30', '2024-04-31', '2024-13-01', '2024-00-10', '2024-05-00']) {
    assert.throws(() => parseDate(bad), RangeError, bad);
  }
  for (const good of ['2024-02-29', '2024-04-30', '2024-05-31', '2024-12-31']) {
    assert.equal(formatDate(parseDate(good)), good);
  }
});
