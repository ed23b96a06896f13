'use strict';
// Calendar dates as 'YYYY-MM-DD' strings, computed in UTC so that no time zone shifts a day.

const DAY_MS = 24 * 60 * 60 * 1000;

// The number of days in a month; `monthIndex` counts from 0 (January), as Date does.
function daysInMonth(year, monthIndex) {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

// 'YYYY-MM-DD' -> a Date at midnight UTC; a day the calendar does not have is a RangeError.
function parseDate(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) throw new RangeError(`not a date: ${text}`);
  const [, year, month, day] = match.map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`no such day: ${text}`);
  }
  return new Date(Date.UTC(year, month, day));
}

function formatDate(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

function addDays(text, days) {
  return formatDate(new Date(parseDate(text).getTime() + days * DAY_MS));
}

module.exports = { daysInMonth, parseDate, formatDate, addDays };
