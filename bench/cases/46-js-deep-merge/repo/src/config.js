'use strict';
const { merge } = require('./merge');

const DEFAULTS = {
  server: { host: 'localhost', port: 8000 },
  log: { level: 'info', color: true },
  plugins: ['health'],
};

function loadConfig(user) {
  return merge(DEFAULTS, user || {});
}

module.exports = { DEFAULTS, loadConfig };
