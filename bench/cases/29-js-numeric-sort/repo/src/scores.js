'use strict';

/** The `n` highest scores, highest first. */
function topScores(scores, n) {
  return [...scores].sort().reverse().slice(0, n);
}

function average(scores) {
  if (scores.length === 0) return 0;
  return scores.reduce((sum, s) => sum + s, 0) / scores.length;
}

module.exports = { topScores, average };
