'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { renderComment, renderThread } = require('../src/render');

test('plain text is unchanged', () => {
  assert.equal(renderComment({ author: 'ana', body: 'Nice post' }),
    '<li class="comment" title="ana"><b>ana</b>: Nice post</li>');
});

test('markup in a comment is shown, not parsed', () => {
  assert.equal(renderComment({ author: 'ben', body: 'Fish & chips <3' }),
    '<li class="comment" title="ben"><b>ben</b>: Fish &amp; chips &lt;3</li>');
});

test('a thread', () => {
  assert.equal(renderThread([{ author: 'a', body: 'x' }, { author: 'b', body: 'y\nz' }]),
    '<ul><li class="comment" title="a"><b>a</b>: x</li><li class="comment" title="b"><b>b</b>: y<br>z</li></ul>');
});
