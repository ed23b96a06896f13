'use strict';

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** An in-memory table with an asynchronous API, like a database client. */
class Store {
  constructor(latencyMs = 1) {
    this.latencyMs = latencyMs;
    this.rows = new Map();
  }

  async save(row) {
    await delay(this.latencyMs);
    this.rows.set(row.id, row);
  }

  async get(id) {
    await delay(this.latencyMs);
    return this.rows.get(id);
  }

  count() {
    return this.rows.size;
  }
}

module.exports = { Store };
