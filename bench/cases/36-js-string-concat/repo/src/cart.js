'use strict';

class Cart {
  constructor() {
    this.lines = new Map();
  }

  /** Add `quantity` (a number or a form field string) of `sku`. */
  addToCart(sku, quantity) {
    const current = this.lines.get(sku) || 0;
    this.lines.set(sku, current + quantity);
  }

  count() {
    let total = 0;
    for (const q of this.lines.values()) total += q;
    return total;
  }
}

module.exports = { Cart };
