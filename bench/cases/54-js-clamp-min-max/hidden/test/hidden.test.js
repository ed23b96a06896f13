'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { clamp } = require('../src/clamp');
const { Channel } = require('../src/volume');

test('clamp keeps values inside the range and pins the rest to its ends', () => {
  for (let value = -20; value <= 20; value += 1) {
    const expected = value < -5 ? -5 : value > 7 ? 7 : value;
    assert.equal(clamp(value, -5, 7), expected, `clamp(${value}, -5, 7)`);
  }
  assert.equal(clamp(3, 3, 3), 3);
  assert.equal(clamp(0.5, 0, 1), 0.5);
});

test('a channel starts at 50 and never leaves 0..100', () => {
  const ch = new Channel('keys');
  assert.equal(ch.volume, 50);
  assert.equal(ch.turn(49), 99);
  assert.equal(ch.turn(2), 100);
  assert.equal(ch.turn(-101), 0);
  assert.equal(ch.turn(-1), 0);
  assert.equal(new Channel('fx', -3).volume, 0);
});
