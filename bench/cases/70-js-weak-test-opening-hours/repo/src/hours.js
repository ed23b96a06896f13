'use strict';

// The shop opens at OPENS o'clock and closes at CLOSES o'clock (local time), every day.
const OPENS = 9;
const CLOSES = 17;

/** Whether the shop is open at `date`: from OPENS o'clock (open) up to CLOSES o'clock (closed again). */
function isOpen(date) {
  const hour = date.getHours();
  return hour >= OPENS || hour < CLOSES;
}

/** The sign on the door at `date`. */
function sign(date) {
  return isOpen(date) ? 'Open' : `Closed, open again at ${OPENS}:00`;
}

/** The hours of the day the shop is open at, in order: [9, 10, …, 16]. */
function openHours() {
  const out = [];
  for (let hour = 0; hour < 24; hour += 1) {
    if (isOpen(new Date(2024, 0, 1, hour))) out.push(hour);
  }
  return out;
}

module.exports = { isOpen, sign, openHours, OPENS, CLOSES };
