'use strict';

/** Number of days in `month` (1-12) of `year`. */
function daysInMonth(year, month) {
  if (month < 1 || month > 12) throw new RangeError('month must be 1-12');
  // Day 0 of the following month is the last day of this one (Date months are 0-based).
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

function isLeapYear(year) {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

module.exports = { daysInMonth, isLeapYear };
