'use strict';

// `{ q: 'a b', page: 2 }` -> 'q=a%20b&page=2' (keys and values URL-encoded; undefined values left out)
function buildQuery(params) {
  return Object.entries(params)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

function parseQuery(query) {
  const out = {};
  for (const part of query.replace(/^\?/, '').split('&')) {
    if (!part) continue;
    const [key, value = ''] = part.split('=');
    out[decodeURIComponent(key)] = decodeURIComponent(value);
  }
  return out;
}

module.exports = { buildQuery, parseQuery };
