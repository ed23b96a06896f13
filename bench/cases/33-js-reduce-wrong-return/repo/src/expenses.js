'use strict';

/** Sum of amounts per category. */
function totalsByCategory(expenses) {
  return expenses.reduce((acc, expense) => {
    acc[expense.category] = (acc[expense.category] || 0) + expense.amount;
    return expense;
  }, {});
}

function biggestCategory(expenses) {
  const totals = totalsByCategory(expenses);
  return Object.keys(totals).sort((a, b) => totals[b] - totals[a])[0] ?? null;
}

module.exports = { totalsByCategory, biggestCategory };
