'use strict';
const { groupBy, sumBy } = require('./collections');

// Each customer's spending in cents, over the paid orders only.
function totalsByCustomer(orders) {
  const paid = orders.filter((order) => order.status === 'paid');
  const totals = {};
  for (const [customer, list] of Object.entries(groupBy(paid, (order) => order.customer))) {
    totals[customer] = sumBy(list, (order) => order.cents);
  }
  return totals;
}

// The customer who spent the most (the first of them on a tie).
function topCustomer(orders) {
  let best = null;
  for (const [customer, cents] of Object.entries(totalsByCustomer(orders))) {
    if (best === null || cents > best.cents) best = { customer, cents };
  }
  return best && best.customer;
}

module.exports = { totalsByCustomer, topCustomer };
