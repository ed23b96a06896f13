'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { shippingLabel, labels } = require('../src/labels');

const ADA = { name: 'Ada', address: { street: '1 Main St', city: 'Leeds', postcode: 'LS1' } };

test('full label', () => {
  assert.equal(shippingLabel(ADA), 'Ada\n1 Main St\nLS1 Leeds');
});

test('missing address', () => {
  assert.equal(shippingLabel({ name: 'Bob' }), 'Bob\n(no address on file)');
});

test('many labels', () => {
  assert.equal(labels([ADA, ADA]).length, 2);
});
