'use strict';

/** Format seconds as H:MM:SS. */
function formatDuration(totalSeconds) {
  if (totalSeconds < 0) throw new RangeError('negative duration');
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return `${h}:${m}:${String(s).padStart(2, '0')}`;
}

module.exports = { formatDuration };
