'use strict';

// Characters that are markup in HTML text and attribute values, with the entity shown in their place.
const ENTITIES = [
  [/</g, '&lt;'],
  [/>/g, '&gt;'],
  [/"/g, '&quot;'],
  [/'/g, '&#39;'],
];

// `text` safe to put between tags or in a quoted attribute: shown exactly as written, never parsed.
function escapeHtml(text) {
  let out = String(text);
  for (const [pattern, entity] of ENTITIES) {
    out = out.replace(pattern, entity);
  }
  return out;
}

module.exports = { escapeHtml };
