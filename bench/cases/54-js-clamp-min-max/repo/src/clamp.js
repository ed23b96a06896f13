'use strict';

/** `value` limited to the range [lo, hi]. */
function clamp(value, lo, hi) {
  return Math.max(lo, Math.max(value, hi));
}

module.exports = { clamp };
