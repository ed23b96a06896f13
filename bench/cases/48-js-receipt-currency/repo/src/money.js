'use strict';

const SYMBOLS = { USD: '$', EUR: '€', GBP: '£' };

function formatAmount(cents, currency = 'USD') {
  const symbol = SYMBOLS[currency];
  if (symbol === undefined) throw new RangeError(`unknown currency ${currency}`);
  return `${symbol}${(cents / 100).toFixed(2)}`;
}

module.exports = { formatAmount };
