'use strict';

/** One user record from the import file, cleaned up. */
function normalise(raw) {
  return { id: Number(raw.id), name: raw.name.trim(), email: raw.email.trim().toLowerCase() };
}

/** Store every record; resolves, once all are stored, with how many there were. */
async function importUsers(store, records) {
  let saved = 0;
  for (const raw of records) {
    store.save(normalise(raw));
    saved += 1;
  }
  return saved;
}

module.exports = { importUsers, normalise };
