'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { DEFAULTS, loadConfig } = require('../src/config');

test('no user settings', () => {
  assert.deepEqual(loadConfig(), DEFAULTS);
});

test('a nested setting keeps its siblings', () => {
  const cfg = loadConfig({ server: { port: 9000 } });
  assert.deepEqual(cfg.server, { host: 'localhost', port: 9000 });
  assert.deepEqual(cfg.log, { level: 'info', color: true });
});

test('arrays are replaced, not merged', () => {
  assert.deepEqual(loadConfig({ plugins: ['metrics'] }).plugins, ['metrics']);
});

test('the defaults are not changed', () => {
  loadConfig({ log: { level: 'debug' } });
  assert.equal(DEFAULTS.log.level, 'info');
});
