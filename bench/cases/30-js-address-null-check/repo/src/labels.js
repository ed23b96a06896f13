'use strict';

/** A printable shipping label; customers without an address get a placeholder line. */
function shippingLabel(customer) {
  const { street, city, postcode } = customer.address;
  return [customer.name, street, `${postcode} ${city}`].join('\n');
}

function labels(customers) {
  return customers.map(shippingLabel);
}

module.exports = { shippingLabel, labels };
