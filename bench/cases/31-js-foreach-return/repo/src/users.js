'use strict';

function normalize(email) {
  return email.trim().toLowerCase();
}

/** The user with this email (case-insensitive), or null. */
function findByEmail(users, email) {
  users.forEach((user) => {
    if (normalize(user.email) === normalize(email)) {
      return user;
    }
  });
  return null;
}

module.exports = { normalize, findByEmail };
