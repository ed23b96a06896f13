'use strict';
const { escapeHtml } = require('./escape');

function renderComment(comment) {
  const author = escapeHtml(comment.author);
  const body = escapeHtml(comment.body).replace(/\n/g, '<br>');
  return `<li class="comment" title="${author}"><b>${author}</b>: ${body}</li>`;
}

function renderThread(comments) {
  return `<ul>${comments.map(renderComment).join('')}</ul>`;
}

module.exports = { renderComment, renderThread };
