'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { Channel } = require('../src/volume');

test('turning the knob moves the volume', () => {
  const drums = new Channel('drums', 40);
  assert.equal(drums.turn(15), 55);
  assert.equal(drums.turn(-5), 50);
});

test('the volume stays within 0..100', () => {
  const bass = new Channel('bass', 250);
  assert.equal(bass.volume, 100);
  assert.equal(bass.turn(-500), 0);
});
