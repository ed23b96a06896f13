'use strict';
const { addDays } = require('./dates');

const TERMS = { net14: 14, net30: 30, prepaid: 0 };

// The date an invoice issued on `issued` ('YYYY-MM-DD') falls due under its payment terms.
function dueDate(issued, terms = 'net30') {
  if (!(terms in TERMS)) throw new RangeError(`unknown payment terms: ${terms}`);
  return addDays(issued, TERMS[terms]);
}

module.exports = { TERMS, dueDate };
