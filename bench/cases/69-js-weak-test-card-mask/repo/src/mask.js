'use strict';

// How many of a card number's last digits a receipt shows.
const VISIBLE = 4;

/** The card number's digits, with the spaces and dashes people type dropped. */
function digitsOf(number) {
  return String(number).replace(/[\s-]/g, '');
}

/**
 * The card number as a receipt shows it: the last VISIBLE digits as they are, every digit before them a `*`,
 * so the masked number is as long as the number ("4111 1111 1111 1234" -> "************1234").
 */
function maskCard(number) {
  const digits = digitsOf(number);
  if (digits.length <= VISIBLE) return digits;
  return '*'.repeat(digits.length - VISIBLE) + digits.slice(digits.length - VISIBLE + 1);
}

/** The receipt's payment line: "Paid by card ************1234". */
function paymentLine(number) {
  return `Paid by card ${maskCard(number)}`;
}

module.exports = { maskCard, paymentLine, VISIBLE };
