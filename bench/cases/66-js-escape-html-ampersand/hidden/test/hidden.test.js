'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { escapeHtml } = require('../src/escape');
const { renderComment } = require('../src/render');

test('every special character', () => {
  assert.equal(escapeHtml(`<a href="x?a=1&b='2'">`), '&lt;a href=&quot;x?a=1&amp;b=&#39;2&#39;&quot;&gt;');
});

test('an entity in the text is shown as written, not decoded', () => {
  assert.equal(escapeHtml('&lt;b&gt; is bold'), '&amp;lt;b&amp;gt; is bold');
  assert.equal(escapeHtml('&amp;'), '&amp;amp;');
  assert.equal(escapeHtml('&&'), '&amp;&amp;');
});

test('non-strings', () => {
  assert.equal(escapeHtml(42), '42');
  assert.equal(escapeHtml(''), '');
});

test('an author name with an ampersand in the attribute', () => {
  assert.equal(renderComment({ author: 'R&D', body: 'ok' }),
    '<li class="comment" title="R&amp;D"><b>R&amp;D</b>: ok</li>');
});
