'use strict';

/** Fetch every profile and keep the active ones, in id order. */
async function loadActiveProfiles(ids, fetchProfile) {
  const profiles = ids.map((id) => fetchProfile(id));
  return profiles.filter((profile) => profile.active);
}

module.exports = { loadActiveProfiles };
