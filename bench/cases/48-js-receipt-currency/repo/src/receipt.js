'use strict';
const { formatAmount } = require('./money');

function lineText(item) {
  return `${item.qty} x ${item.name}: ${formatAmount(item.cents * item.qty)}`;
}

// One line per item, then the total, all in `currency`.
function receipt(cart, currency = 'USD') {
  const lines = cart.map((item) => lineText(item));
  const total = cart.reduce((sum, item) => sum + item.cents * item.qty, 0);
  lines.push(`total: ${formatAmount(total, currency)}`);
  return lines.join('\n');
}

module.exports = { receipt };
