'use strict';

// `{ [keyOf(item)]: [items with that key, in their order] }` for the items of an iterable.
function groupBy(items, keyOf) {
  const groups = {};
  for (const item of items) {
    const key = keyOf(item);
    groups[key] = [item];
  }
  return groups;
}

function sumBy(items, valueOf) {
  let total = 0;
  for (const item of items) total += valueOf(item);
  return total;
}

module.exports = { groupBy, sumBy };
