// The customer's case page at /c/<token>: the same URL read as JSON (status,
// public messages, approved offers) and a reply box -> POST /c/<token>/messages.
// Everything shown is set as text, never parsed as HTML.
import { api, ApiError } from '/assets/js/api.js';
import { el, mount } from '/assets/js/dom.js';

const main = document.getElementById('main');
const path = location.pathname.replace(/\/+$/, '');

const STATES = {
  new: ['open', 'Received: we will answer soon'],
  open: ['open', 'Open: we are working on it'],
  pending: ['waiting', 'Waiting for your answer'],
  resolved: ['done', 'Resolved'],
  closed: ['done', 'Closed'],
};
const WHO = { customer: 'You', agent: 'Support team', system: 'Update' };

function when(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function messageItem(m) {
  const author = WHO[m.author] ? m.author : 'system';
  return el('li', { class: author },
    el('div', { class: 'who' }, WHO[author], el('time', { class: 'when', datetime: m.created_at }, when(m.created_at))),
    el('p', { class: 'body' }, m.body));
}

function invalid() {
  document.title = 'Link not valid · truce';
  mount(main,
    el('h1', {}, 'This link is not valid'),
    el('section', { class: 'card' },
      el('p', {}, 'We could not find a case for this link. It may have been copied only in part, or the case may no longer exist.'),
      el('p', {}, 'Please check that you copied the whole link from our message, or ',
        el('a', { href: '/help' }, 'write to us from the help center'), '.')));
}

function render(c) {
  const [cls, text] = STATES[c.ticket.status] || ['open', c.ticket.status];
  document.title = `${c.ticket.subject} · Your case · truce`;
  const thread = el('ol', { class: 'thread', 'aria-label': 'Messages' }, c.messages.map(messageItem));
  const offers = c.offers.length
    ? el('section', { class: 'card', 'aria-labelledby': 'offers-h' },
      el('h2', { id: 'offers-h' }, 'What we offer you'),
      el('ul', { class: 'offers' }, c.offers.map((o) => el('li', {}, o.description,
        o.approved_at ? el('span', { class: 'muted' }, ` (${when(o.approved_at)})`) : null))))
    : null;
  const box = el('textarea', { id: 'reply', name: 'body', rows: 5, required: true, 'aria-describedby': 'reply-err' });
  const err = el('p', { id: 'reply-err', class: 'error', role: 'alert' });
  const sendBtn = el('button', { class: 'primary', type: 'submit' }, 'Send reply');
  const sent = el('p', { class: 'muted', role: 'status' });
  const form = el('form', { class: 'reply', 'aria-labelledby': 'reply-h' },
    el('h2', { id: 'reply-h' }, 'Reply'),
    el('label', { for: 'reply' }, 'Your message'), box, err, sendBtn, sent);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    sent.textContent = '';
    const body = box.value.trim();
    if (!body) {
      err.textContent = 'Please write your message first.';
      box.focus();
      return;
    }
    sendBtn.disabled = true;
    try {
      const m = await api('POST', `${path}/messages`, { body });
      thread.appendChild(messageItem(m));
      box.value = '';
      sent.textContent = 'Your reply was sent.';
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return invalid();
      err.textContent = e instanceof ApiError && e.status === 429
        ? 'Too many messages in a short time. Please wait a minute and try again.'
        : `Your reply could not be sent: ${e.message}.`;
    } finally {
      sendBtn.disabled = false;
    }
  });
  mount(main,
    el('div', { class: 'case-head' }, el('h1', {}, c.ticket.subject),
      el('span', { class: `state ${cls}` }, text)),
    el('p', { class: 'muted' }, `Case number ${c.ticket.id}. Keep this page's link private: anyone who has it can read your case.`),
    offers,
    el('section', { class: 'card', 'aria-labelledby': 'thread-h' },
      el('h2', { id: 'thread-h' }, 'Messages'),
      c.messages.length ? null : el('p', { class: 'muted' }, 'No messages yet.'), thread),
    el('section', { class: 'card' }, form));
}

async function load() {
  if (!/^\/c\/[^/]+$/.test(path)) return invalid();
  try {
    render(await api('GET', path));
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 400)) return invalid();
    mount(main, el('h1', {}, 'Your case'),
      el('p', { class: 'error', role: 'alert' }, `We could not load your case just now (${e.message}). Please try again in a moment.`));
  }
}

load();
