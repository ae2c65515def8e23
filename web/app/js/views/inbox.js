// The inbox (#/inbox): tickets by risk, filters, search, paging and keyboard
// navigation (j/k move, Enter opens, "/" searches).  A search of messages
// and subjects goes to the full-text index (GET /api/v1/search, best match
// first, a snippet per ticket); the filters narrow the risk-ordered list and
// a search by subject or customer, not the full-text ranking, and say so.
import { el, mount, ago, cutUtf8 } from '/assets/js/dom.js';
import { LEVELS, STATUSES, CHANNELS, levelBadge, triggersOf, slaText, waitingSince, timeEl, snippet, selectField as select, wireFilters } from './util.js';

// The filters survive a trip to a ticket and back.
const state = { who: '', level: '', status: '', channel: '', q: '', scope: 'text' };
const FILTERS = ['who', 'level', 'status', 'channel'];
let keyHandler = null;

// True when the list is the full-text search's ranking.
function textSearch() {
  return state.scope === 'text' && state.q.trim() !== '';
}

function listQuery(cursor) {
  const p = new URLSearchParams({ sort: 'risk', limit: '25' });
  if (state.who === 'mine') p.set('assignee', 'me');
  if (state.who === 'unassigned') p.set('assignee', 'none');
  if (state.level) p.set('level', state.level);
  if (state.status) p.set('status', state.status);
  if (state.channel) p.set('channel', state.channel);
  if (state.q.trim()) p.set('q', cutUtf8(state.q.trim(), 200)); // the server's limits are bytes
  if (cursor) p.set('cursor', cursor);
  return `/api/v1/tickets?${p}`;
}

function searchQuery(cursor) {
  const p = new URLSearchParams({ type: 'ticket', q: cutUtf8(state.q.trim(), 256), limit: '25' });
  if (cursor) p.set('cursor', cursor);
  return `/api/v1/search?${p}`;
}

function row(t) {
  const since = waitingSince(t);
  const sla = slaText(t);
  const chips = triggersOf(t);
  return el('li', { class: `row level-${t.level || 'none'}`, dataset: { id: String(t.id) } },
    el('div', { class: 'c-level' }, levelBadge(t.level), el('span', { class: 'risk', title: 'risk score' }, `risk ${t.risk ?? '–'}`)),
    el('div', { class: 'c-main' },
      el('a', { class: 'subject', href: `#/ticket/${t.id}` }, t.subject || '(no subject)'),
      el('div', { class: 'meta muted' },
        `#${t.id} · ${t.customer ? t.customer.name || t.customer.email : 'unknown customer'} · ${t.channel} · ${t.status}${t.priority ? ` · ${t.priority}` : ''}`),
      chips.length ? el('div', { class: 'chips', 'aria-label': 'triggers' }, chips.map((c) => el('span', { class: 'chip trigger' }, c))) : null),
    el('div', { class: 'c-wait' }, since ? [el('span', { class: 'k' }, 'waiting '), timeEl(since, ago(since))] : el('span', { class: 'muted' }, '—')),
    el('div', { class: `c-sla sla-${sla.state}`, dataset: { ticket: JSON.stringify({ due_at: t.due_at, breached_at: t.breached_at, sla_breached: t.sla_breached }) } },
      el('span', { class: 'k' }, 'SLA '), el('span', { class: 'v' }, sla.text)),
    el('div', { class: 'c-assignee' }, el('span', { class: 'k' }, 'assignee '),
      t.assignee ? t.assignee.name : el('span', { class: 'muted' }, 'unassigned')));
}

// A full-text hit: the ticket's subject, status and the matching snippet
// (the best message's, or the subject's when only the subject matched).
function hitRow(h) {
  return el('li', { class: 'row hit', dataset: { id: String(h.id) } },
    el('div', { class: 'c-main' },
      el('a', { class: 'subject', href: `#/ticket/${h.id}` }, h.subject || '(no subject)'),
      el('div', { class: 'meta muted' }, `#${h.id} · ${h.status}${h.message_id ? '' : ' · in the subject'}`),
      el('p', { class: 'hit-snippet' }, snippet(h.snippet))));
}

export async function render(root, ctx) {
  const search = el('input', { id: 'f-q', name: 'q', type: 'search', value: state.q, maxlength: '200', placeholder: 'Search messages and subjects', 'aria-keyshortcuts': '/' });
  const form = el('form', { class: 'filters', role: 'search', 'aria-label': 'Filter tickets' },
    el('div', { class: 'f search' }, el('label', { for: 'f-q' }, 'Search'), search),
    el('div', { class: 'f' }, select('f-scope', 'Look in', state.scope, [['text', 'Messages and subjects'], ['customer', 'Subject or customer']])),
    el('div', { class: 'f' }, select('f-who', 'Assignee', state.who, [['', 'Anyone'], ['mine', 'Mine'], ['unassigned', 'Unassigned']])),
    el('div', { class: 'f' }, select('f-level', 'Level', state.level, [['', 'Any'], ...LEVELS.map((l) => [l, l])])),
    el('div', { class: 'f' }, select('f-status', 'Status', state.status, [['', 'Any'], ...STATUSES.map((s) => [s, s])])),
    el('div', { class: 'f' }, select('f-channel', 'Channel', state.channel, [['', 'Any'], ...CHANNELS.map((c) => [c, c])])),
    el('div', { class: 'f go' }, el('button', { type: 'submit' }, 'Apply')));
  const note = el('p', { class: 'muted search-note', id: 'search-note', hidden: true },
    'The filters do not apply here: a search of messages ranks every ticket by relevance. To filter, clear the search or look in subject or customer.');
  const list = el('ol', { class: 'inbox', id: 'inbox-list' });
  const heads = el('div', { class: 'inbox-head', 'aria-hidden': 'true' },
    el('span', {}, 'Level'), el('span', {}, 'Ticket'), el('span', {}, 'Waiting'), el('span', {}, 'SLA'), el('span', {}, 'Assignee'));
  const info = el('p', { class: 'muted', role: 'status' });
  const more = el('button', { type: 'button', class: 'more', hidden: true }, 'Load more');
  mount(root,
    el('div', { class: 'view-head' },
      el('h1', {}, 'Inbox'),
      el('p', { class: 'muted keys' }, 'Keys: j / k move, Enter opens, / searches')),
    form, note, info, heads, list, more);
  document.title = 'Inbox · truce';

  // The page says which list it shows: the ranking (no columns, the filters
  // off and why) or the risk-ordered list.
  function showMode() {
    const text = textSearch();
    for (const f of FILTERS) form.elements[`f-${f}`].disabled = text;
    note.hidden = !text;
    heads.hidden = text;
    list.setAttribute('aria-label', text ? `Tickets matching “${state.q.trim()}”, best match first` : 'Tickets, highest risk first');
  }
  showMode();

  let cursor = null;
  let selected = -1;
  let rows = [];

  function selectRow(i, focus = true) {
    rows = [...list.querySelectorAll('li.row')];
    if (!rows.length) return;
    selected = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach((r, k) => r.classList.toggle('selected', k === selected));
    const link = rows[selected].querySelector('a.subject');
    if (focus) link.focus();
    rows[selected].scrollIntoView({ block: 'nearest' });
  }

  // Only the latest load draws: a slower answer to an older filter is dropped.
  let loadSeq = 0;
  async function load(append) {
    const seq = ++loadSeq;
    info.textContent = 'Loading…';
    list.setAttribute('aria-busy', 'true');
    try {
      const text = textSearch();
      const at = append ? cursor : null;
      const r = await ctx.api('GET', text ? searchQuery(at) : listQuery(at));
      if (seq !== loadSeq) return;
      if (!append) {
        list.replaceChildren();
        selected = -1;
        showMode();
      }
      for (const t of r.items || []) list.appendChild(text ? hitRow(t) : row(t));
      cursor = r.next_cursor || null;
      more.hidden = !cursor;
      const n = list.children.length;
      const none = text ? `No ticket mentions “${state.q.trim()}”.` : 'No tickets match these filters.';
      info.textContent = n ? `${n} ticket${n === 1 ? '' : 's'}${text ? ', best match first' : ''}${cursor ? ' (more below)' : ''}` : none;
    } catch (e) {
      if (e.status === 401) throw e;
      if (seq !== loadSeq) return;
      info.textContent = '';
      list.replaceChildren(el('li', { class: 'error', role: 'alert' }, `Could not load the tickets: ${e.message}`));
    } finally {
      if (seq === loadSeq) list.setAttribute('aria-busy', 'false');
    }
  }

  wireFilters({ form, search, state, prefix: 'f-', load });
  more.addEventListener('click', () => load(true));
  list.addEventListener('click', (ev) => {
    const li = ev.target.closest('li.row');
    if (li && ev.target.tagName !== 'A') ctx.navigate(`#/ticket/${li.dataset.id}`);
  });
  list.addEventListener('focusin', (ev) => {
    const li = ev.target.closest('li.row');
    if (li) {
      rows = [...list.querySelectorAll('li.row')];
      selected = rows.indexOf(li);
      rows.forEach((r, k) => r.classList.toggle('selected', k === selected));
    }
  });

  if (keyHandler) document.removeEventListener('keydown', keyHandler);
  keyHandler = (ev) => {
    if (!root.isConnected) {
      document.removeEventListener('keydown', keyHandler);
      keyHandler = null;
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const tag = ev.target.tagName;
    const typing = tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA' || ev.target.isContentEditable;
    if (ev.key === 'Escape' && typing) {
      ev.target.blur();
      selectRow(Math.max(selected, 0));
      return;
    }
    if (typing) return;
    if (ev.key === '/') {
      ev.preventDefault();
      search.focus();
      search.select();
    } else if (ev.key === 'j') {
      ev.preventDefault();
      selectRow(selected + 1);
    } else if (ev.key === 'k') {
      ev.preventDefault();
      selectRow(selected < 0 ? 0 : selected - 1);
    } else if (ev.key === 'Enter' && selected >= 0 && tag !== 'A' && tag !== 'BUTTON') {
      ev.preventDefault();
      ctx.navigate(`#/ticket/${rows[selected].dataset.id}`);
    }
  };
  document.addEventListener('keydown', keyHandler);

  // The SLA countdowns move on while the inbox is open.
  const tick = setInterval(() => {
    if (!root.isConnected) return clearInterval(tick);
    for (const cell of list.querySelectorAll('.c-sla')) {
      const now = slaText(JSON.parse(cell.dataset.ticket));
      cell.className = `c-sla sla-${now.state}`;
      cell.querySelector('.v').textContent = now.text;
    }
  }, 30000);

  await load(false);
}
