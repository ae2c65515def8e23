// The agent console: login, the header, and a router on location.hash.
// Views are modules exporting render(root, ctx) with
// ctx = {api, me, params, navigate}; the routes are in ROUTES below.

import { api, ApiError, login, logout, whoami } from '/assets/js/api.js';
import { el, mount, ago } from '/assets/js/dom.js';
import { isLead as leadRole } from './views/util.js';

const main = document.getElementById('main');
const top = document.getElementById('top');
const status = document.getElementById('status');
let me = null;
let renderSeq = 0;

// hash pattern -> [module, export name, lead only]
const ROUTES = [
  [/^#\/inbox$/, './views/inbox.js', 'render', false],
  [/^#\/ticket\/(\d+)$/, './views/ticket.js', 'render', false],
  [/^#\/dashboard$/, './views/dashboard.js', 'render', false],
  [/^#\/kb$/, './views/kb.js', 'renderList', false],
  [/^#\/kb\/new$/, './views/kb.js', 'renderEditor', false],
  [/^#\/kb\/(\d+)$/, './views/kb.js', 'renderEditor', false],
  [/^#\/approvals$/, './views/lead.js', 'renderApprovals', true],
  [/^#\/escalations$/, './views/lead.js', 'renderEscalations', true],
  [/^#\/qa$/, './views/lead.js', 'renderQa', true],
];

const NAV = [
  ['#/inbox', 'Inbox', false],
  ['#/approvals', 'Approvals', true],
  ['#/escalations', 'Escalations', true],
  ['#/qa', 'QA', true],
  ['#/dashboard', 'Dashboard', false],
  ['#/kb', 'Knowledge base', false],
];

export function announce(text) {
  status.textContent = text;
}

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function isLead() {
  return leadRole(me);
}

function renderHeader() {
  if (!me) {
    top.hidden = true;
    top.replaceChildren();
    return;
  }
  top.hidden = false;
  const current = location.hash.split('/').slice(0, 2).join('/');
  const links = NAV.filter(([, , lead]) => !lead || isLead()).map(([href, label]) =>
    el('li', {}, el('a', { href, 'aria-current': current === href ? 'page' : null }, label)));
  const bell = el('button', { type: 'button', class: 'bell', id: 'notif', 'aria-expanded': 'false', 'aria-controls': 'notif-list' }, '…');
  const panel = el('div', { class: 'notif-panel', id: 'notif-list', hidden: true, role: 'region', 'aria-label': 'Notifications' });
  bell.addEventListener('click', () => toggleNotifications(bell, panel));
  panel.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      panel.hidden = true;
      bell.setAttribute('aria-expanded', 'false');
      bell.focus();
    }
  });
  mount(top,
    el('a', { class: 'brand', href: '#/inbox' }, 'truce'),
    el('nav', { 'aria-label': 'Main' }, el('ul', {}, links)),
    el('div', { class: 'who' },
      el('div', { class: 'notif' }, bell, panel),
      el('span', { class: 'me', title: me.email }, `${me.name} (${me.role})`),
      el('button', { type: 'button', onclick: doLogout }, 'Log out')));
  refreshNotifications();
}

let unreadItems = [];

// Counts the unread notifications into the header's bell (the one on the
// page when the answer comes: the header is redrawn on every route).
let notifSeq = 0;
// A view that marks notifications read says so with this event.
window.addEventListener('truce:notifications', () => refreshNotifications());
async function refreshNotifications() {
  const seq = ++notifSeq;
  try {
    const r = await api('GET', '/api/v1/notifications?unread=1&limit=100');
    const bell = document.getElementById('notif');
    if (!bell || seq !== notifSeq) return;
    unreadItems = r.items || [];
    const n = `${unreadItems.length}${r.next_cursor ? '+' : ''}`;
    bell.textContent = n;
    bell.setAttribute('aria-label', `Notifications: ${n} unread`);
    bell.classList.toggle('has', unreadItems.length > 0);
  } catch {
    const bell = document.getElementById('notif');
    if (!bell || seq !== notifSeq) return;
    bell.textContent = '?';
    bell.setAttribute('aria-label', 'Notifications unavailable');
  }
}

function toggleNotifications(bell, panel) {
  const open = panel.hidden;
  panel.hidden = !open;
  bell.setAttribute('aria-expanded', String(open));
  if (!open) return;
  const items = unreadItems.slice(0, 20).map((n) => {
    const link = el('a', { href: n.ticket_id ? `#/ticket/${n.ticket_id}` : '#/inbox' }, n.text);
    link.addEventListener('click', async () => {
      panel.hidden = true;
      bell.setAttribute('aria-expanded', 'false');
      try {
        await api('POST', `/api/v1/notifications/${n.id}/read`);
      } catch {
        /* still unread: it shows again next time */
      }
      refreshNotifications();
    });
    return el('li', {}, link, el('span', { class: 'muted' }, ` · ${ago(n.created_at)} ago`));
  });
  mount(panel,
    el('h2', {}, 'Unread notifications'),
    items.length ? el('ul', {}, items) : el('p', { class: 'muted' }, 'Nothing new.'));
  const first = panel.querySelector('a');
  if (first) first.focus();
}

async function doLogout() {
  try {
    await logout();
  } catch {
    /* the session is gone either way */
  }
  me = null;
  renderHeader();
  showLogin();
}

function showLogin(message) {
  const err = el('p', { class: 'error', id: 'login-error', role: 'alert' }, message || '');
  const email = el('input', { id: 'login-email', name: 'email', type: 'email', autocomplete: 'username', required: true });
  const password = el('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const button = el('button', { type: 'submit', class: 'primary' }, 'Log in');
  const form = el('form', { class: 'login', 'aria-labelledby': 'login-title', novalidate: true },
    el('h1', { id: 'login-title' }, 'Log in to truce'),
    el('p', { class: 'muted' }, 'The agent console: conversations by risk, with coaching.'),
    el('label', { for: 'login-email' }, 'Email'), email,
    el('label', { for: 'login-password' }, 'Password'), password,
    err,
    el('p', {}, button));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    if (!email.value || !password.value) {
      err.textContent = 'Enter your email and password.';
      return;
    }
    button.disabled = true;
    try {
      me = await login(email.value.trim(), password.value);
      if (!location.hash || location.hash === '#/login') location.hash = '#/inbox';
      renderHeader();
      route();
    } catch (e) {
      err.textContent = e instanceof ApiError && e.status === 401
        ? 'Wrong email or password.'
        : `Could not log in: ${e.message}`;
      password.select();
    } finally {
      button.disabled = false;
    }
  });
  document.title = 'Log in · truce';
  mount(main, form);
  email.focus();
}

async function route() {
  if (!me) return showLogin();
  const hash = location.hash || '#/inbox';
  let found = null;
  for (const [re, mod, fn, lead] of ROUTES) {
    const m = hash.match(re);
    if (m) found = { mod, fn, lead, params: m.slice(1) };
  }
  renderHeader();
  const seq = ++renderSeq;
  if (!found) return navigate('#/inbox');
  if (found.lead && !isLead()) {
    mount(main, el('h1', {}, 'Not for your role'), el('p', {}, 'This view is for leads and admins.'));
    return;
  }
  let view;
  try {
    const m = await import(found.mod);
    view = m[found.fn];
    if (typeof view !== 'function') throw new Error('no view');
  } catch {
    if (seq !== renderSeq) return;
    const title = hash.slice(2).split('/')[0];
    mount(main, el('h1', {}, title[0].toUpperCase() + title.slice(1)), el('p', { class: 'muted' }, 'Coming soon.'));
    return;
  }
  if (seq !== renderSeq) return;
  const root = el('div', { class: 'view' });
  mount(main, root);
  const ctx = { api, me, params: found.params, navigate, isCurrent: () => seq === renderSeq };
  try {
    await view(root, ctx);
    // A keyboard or screen-reader user starts at the new view, not at the
    // link that is gone; the title says where they are.
    if (seq === renderSeq && (!document.activeElement || document.activeElement === document.body)) {
      main.focus({ preventScroll: true });
    }
    if (seq === renderSeq) announce(document.title.replace(/ · truce$/, ''));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      me = null;
      renderHeader();
      return showLogin('Your session has ended; log in again.');
    }
    mount(root, el('p', { class: 'error', role: 'alert' }, `Could not show this view: ${e.message}`));
  }
}

window.addEventListener('hashchange', route);
// A view's background call (a button's, a timer's) that finds the session
// gone brings the login form back too.
window.addEventListener('unhandledrejection', (ev) => {
  if (ev.reason instanceof ApiError && ev.reason.status === 401 && me) {
    ev.preventDefault();
    me = null;
    renderHeader();
    showLogin('Your session has ended; log in again.');
  }
});

(async () => {
  try {
    me = await whoami();
  } catch (e) {
    mount(main, el('p', { class: 'error', role: 'alert' }, `The server did not answer: ${e.message}`));
    return;
  }
  route();
})();
