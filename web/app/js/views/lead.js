// The lead's views: the offers waiting for approval (#/approvals), the
// escalations a lead is told about (#/escalations) and the QA scores of the
// team's replies per agent (#/qa).  Each renders into `root` and fetches
// what it shows; every user-written text goes in as text.

import { el, mount, ago } from '../../../assets/js/dom.js';
import { offerSummary, stateBadge } from './offers.js';
import { kindLabel } from './composer.js';
import { sortableTable } from './table.js';

let uid = 0;
const SKILLS = ['listening', 'empathy', 'ownership', 'clarity', 'solution', 'professionalism', 'overall'];

function heading(text, id) {
  return el('h2', { id, class: 'lead-title' }, text);
}

function ticketLink(id, text) {
  return el('a', { href: `#/ticket/${id}` }, text || `Ticket #${id}`);
}

// id -> agent, from GET /api/v1/agents (leads may read it); {} when refused.
async function agentsById(ctx) {
  try {
    const r = await ctx.api('GET', '/api/v1/agents');
    const map = {};
    for (const a of (r && r.items) || r || []) map[a.id] = a;
    return map;
  } catch {
    return {};
  }
}

function failure(e, what) {
  if (e && e.status === 403) return el('p', { class: 'error' }, `Only a lead or admin sees ${what}.`);
  return el('p', { class: 'error' }, `${what[0].toUpperCase()}${what.slice(1)} could not be loaded: ${e.message}`);
}

// ---- approvals --------------------------------------------------------------

export async function renderApprovals(root, ctx) {
  const id = `approvals-${++uid}`;
  const body = el('div', { class: 'lead-body' }, el('p', { class: 'muted' }, 'Loading…'));
  const status = el('p', { class: 'lead-status', role: 'status' });
  mount(
    root,
    el(
      'section',
      { class: 'lead approvals', 'aria-labelledby': id },
      heading('Approvals', id),
      el('p', { class: 'muted' }, 'Offers above the proposing agent\u2019s authority wait here, oldest first.'),
      status,
      body,
    ),
  );
  let offers;
  let agents;
  try {
    [offers, agents] = await Promise.all([ctx.api('GET', '/api/v1/offers?limit=200'), agentsById(ctx)]);
  } catch (e) {
    mount(body, failure(e, 'the approval queue'));
    return;
  }
  const items = (offers && offers.items) || [];
  if (!items.length) {
    mount(body, el('p', { class: 'lead-empty' }, 'No offers wait for approval.'));
    return;
  }
  mount(body, el('ul', { class: 'approvals-list' }, items.map((o) => approvalItem(o, agents, ctx, status))));
}

function approvalItem(o, agents, ctx, status) {
  const noteId = `approval-note-${o.id}`;
  const who = agents[o.proposed_by];
  const note = el('input', { type: 'text', id: noteId, maxlength: '2000', autocomplete: 'off' });
  const approve = el('button', { type: 'button', class: 'primary' }, 'Approve');
  const reject = el('button', { type: 'button', class: 'danger' }, 'Reject');
  const error = el('p', { class: 'error', role: 'alert' });
  const state = el('span', { class: 'approval-state' }, stateBadge(o.state));
  const actions = el(
    'div',
    { class: 'approval-actions' },
    el('label', { for: noteId }, `Note on offer #${o.id}`),
    el('div', { class: 'approval-controls' }, note, approve, reject),
  );
  const li = el(
    'li',
    { class: 'approval', dataset: { offerId: String(o.id) } },
    el(
      'div',
      { class: 'approval-head' },
      el('strong', { class: 'approval-what' }, offerSummary(o)),
      ' ',
      state,
      ' ',
      el('span', { class: 'muted' }, 'for '),
      ticketLink(o.ticket_id),
    ),
    el(
      'p',
      { class: 'muted approval-meta' },
      `proposed by ${who ? who.name : `agent #${o.proposed_by}`} (${o.proposer_role}), ${ago(o.proposed_at)} ago`,
    ),
    o.note ? el('p', { class: 'approval-note' }, o.note) : null,
    actions,
    error,
  );
  async function decide(verb) {
    approve.disabled = true;
    reject.disabled = true;
    error.textContent = '';
    const text = note.value.trim();
    try {
      const r = await ctx.api('POST', `/api/v1/offers/${o.id}/${verb}`, text ? { note: text } : undefined);
      state.replaceChildren(stateBadge(r.state));
      actions.remove();
      li.classList.add('decided');
      status.textContent = `${offerSummary(r)} for ticket #${r.ticket_id}: ${r.state}.`;
    } catch (e) {
      error.textContent = e.message;
      approve.disabled = false;
      reject.disabled = false;
    }
  }
  approve.addEventListener('click', () => decide('approve'));
  reject.addEventListener('click', () => decide('reject'));
  return li;
}

// ---- escalations ------------------------------------------------------------

export async function renderEscalations(root, ctx) {
  const id = `escalations-${++uid}`;
  const body = el('div', { class: 'lead-body' }, el('p', { class: 'muted' }, 'Loading…'));
  const risky = el('div', { class: 'lead-body escalations-risky' });
  const unreadOnly = el('input', { type: 'checkbox', id: `${id}-unread` });
  const markAll = el('button', { type: 'button', class: 'mark-all', hidden: true }, 'Mark all read');
  mount(
    root,
    el(
      'section',
      { class: 'lead escalations', 'aria-labelledby': id },
      heading('Escalations', id),
      el('p', { class: 'muted' }, 'What the escalation rules and routing told the leads, newest first.'),
      el(
        'div',
        { class: 'escalations-grid' },
        el(
          'div',
          { class: 'escalations-main' },
          el('div', { class: 'lead-filter' }, unreadOnly, el('label', { for: unreadOnly.id }, 'Unread only'), markAll),
          body,
        ),
        el(
          'aside',
          { class: 'escalations-side', 'aria-labelledby': `${id}-risky` },
          el('h3', { id: `${id}-risky` }, 'Open tickets at risk'),
          risky,
        ),
      ),
    ),
  );
  async function load() {
    try {
      const r = await ctx.api('GET', `/api/v1/notifications?limit=200${unreadOnly.checked ? '&unread=1' : ''}`);
      const items = (r && r.items) || [];
      if (!items.length) {
        mount(body, el('p', { class: 'lead-empty' }, unreadOnly.checked ? 'Nothing unread.' : 'No escalations.'));
        return;
      }
      const unread = items.filter((n) => !n.read).length;
      markAll.hidden = unread === 0;
      mount(
        body,
        el('p', { class: 'muted' }, `${items.length} notification${items.length === 1 ? '' : 's'}, ${unread} unread`),
        el('ul', { class: 'escalations-list' }, items.map((n) => notificationItem(n, ctx))),
      );
    } catch (e) {
      mount(body, failure(e, 'the escalations'));
    }
  }
  unreadOnly.addEventListener('change', load);
  // One request per notification (the API marks one at a time), in turn.
  markAll.addEventListener('click', async () => {
    markAll.disabled = true;
    for (const li of [...body.querySelectorAll('li.notification.unread')]) {
      if (li.markRead) await li.markRead();
    }
    markAll.disabled = false;
    markAll.hidden = body.querySelector('li.notification.unread') === null;
  });
  await Promise.all([load(), loadRisky(risky, ctx)]);
}

function notificationItem(n, ctx) {
  const li = el('li', { class: `notification${n.read ? '' : ' unread'}`, dataset: { notificationId: String(n.id) } });
  const mark = n.read
    ? null
    : el('button', { type: 'button', class: 'notification-read', 'aria-label': `Mark notification ${n.id} read` }, 'Mark read');
  const flag = el('span', { class: 'badge unread-badge' }, 'Unread');
  if (n.read) flag.hidden = true;
  mount(
    li,
    el(
      'div',
      { class: 'notification-main' },
      el(
        'div',
        { class: 'notification-head' },
        flag,
        el('span', { class: 'chip' }, n.kind),
        el('time', { datetime: n.created_at, class: 'muted' }, `${ago(n.created_at)} ago`),
      ),
      el('p', { class: 'notification-text' }, n.text),
    ),
    el(
      'div',
      { class: 'notification-actions' },
      n.ticket_id ? ticketLink(n.ticket_id, `Open ticket #${n.ticket_id}`) : null,
      mark,
    ),
  );
  if (mark) {
    li.markRead = async () => {
      mark.disabled = true;
      try {
        await ctx.api('POST', `/api/v1/notifications/${n.id}/read`);
        // The header's bell counts unread notifications: tell it.
        window.dispatchEvent(new Event('truce:notifications'));
        li.classList.remove('unread');
        flag.hidden = true;
        mark.remove();
        li.markRead = null;
      } catch (e) {
        mark.disabled = false;
        mark.textContent = `Mark read (failed: ${e.message})`;
      }
    };
    mark.addEventListener('click', () => li.markRead && li.markRead());
  }
  return li;
}

// Open tickets on legal hold or at a heated or hostile level, riskiest first
// (one request: the first page of the inbox sorted by risk).
async function loadRisky(box, ctx) {
  try {
    const r = await ctx.api('GET', '/api/v1/tickets?sort=risk&limit=50');
    const items = ((r && r.items) || []).filter(
      (t) =>
        !['resolved', 'closed'].includes(t.status) && (t.legal_hold || t.level === 'heated' || t.level === 'hostile'),
    );
    if (!items.length) {
      mount(box, el('p', { class: 'lead-empty' }, 'No open ticket is heated, hostile or on legal hold.'));
      return;
    }
    mount(
      box,
      el(
        'ul',
        { class: 'risky-list' },
        items.map((t) =>
          el(
            'li',
            { class: 'risky' },
            el(
              'div',
              { class: 'risky-head' },
              el('span', { class: `badge ${t.level}` }, t.level),
              ' ',
              ticketLink(t.id, `#${t.id} ${t.subject}`),
            ),
            el(
              'div',
              { class: 'risky-meta' },
              t.legal_hold ? el('span', { class: 'chip legal' }, 'legal hold') : null,
              (t.tags || []).map((tag) => el('span', { class: 'chip' }, tag)),
              el(
                'span',
                { class: 'muted' },
                `risk ${t.risk} · ${t.status} · ${t.assignee ? t.assignee.name : 'unassigned'}`,
              ),
            ),
          ),
        ),
      ),
    );
  } catch (e) {
    mount(box, failure(e, 'the tickets'));
  }
}

// ---- QA ---------------------------------------------------------------------

// Adds one /qa answer's agents into `into` (email -> totals).
export function mergeAgents(into, agents) {
  for (const a of agents || []) {
    const t =
      into[a.agent] ||
      (into[a.agent] = { agent: a.agent, replies: 0, skipped: 0, findings: 0, warnings: 0, sums: {}, kinds: {} });
    t.replies += a.replies || 0;
    t.skipped += a.skipped || 0;
    t.findings += a.findings || 0;
    t.warnings += a.warnings || 0;
    for (const k of SKILLS) {
      const v = a.scores && a.scores[k];
      if (typeof v === 'number' && a.replies) t.sums[k] = (t.sums[k] || 0) + v * a.replies;
    }
    for (const [k, n] of Object.entries(a.kinds || {})) t.kinds[k] = (t.kinds[k] || 0) + n;
  }
  return into;
}

// The table's rows: one per agent, scores as means over their replies.
export function qaRows(totals, names = {}) {
  return Object.values(totals).map((t) => {
    const row = {
      agent: names[t.agent] || t.agent,
      email: t.agent,
      replies: t.replies,
      skipped: t.skipped,
      findings: t.findings,
      warnings: t.warnings,
    };
    for (const k of SKILLS) row[k] = t.replies && t.sums[k] !== undefined ? Math.round((t.sums[k] / t.replies) * 10) / 10 : null;
    const top = Object.entries(t.kinds).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    row.top_finding = top ? `${kindLabel(top[0])} (${top[1]})` : '';
    return row;
  });
}

// Overall first: on a phone the table scrolls sideways, and the agent's
// name (sticky) and overall score are what a lead looks for.
const QA_COLUMNS = [
  ['agent', 'Agent', 'text'],
  ['overall', 'Overall', 'num'],
  ...SKILLS.filter((k) => k !== 'overall').map((k) => [k, k[0].toUpperCase() + k.slice(1), 'num']),
  ['replies', 'Replies', 'num'],
  ['skipped', 'Skipped', 'num'],
  ['findings', 'Findings', 'num'],
  ['warnings', 'Warnings', 'num'],
  ['top_finding', 'Top finding', 'text'],
];

function csvCell(v) {
  if (v === null || v === undefined) return '';
  const s = String(v);
  // A leading =, +, - or @ would be a formula to a spreadsheet.
  const safe = /^[=+\-@]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows, columns = QA_COLUMNS) {
  const keys = [['email', 'email'], ...columns].map((c) => c[0]);
  const lines = [keys.join(',')];
  for (const r of rows) lines.push(keys.map((k) => csvCell(r[k])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

async function pool(items, n, fn) {
  let next = 0;
  const workers = Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  });
  await Promise.all(workers);
}

export async function renderQa(root, ctx) {
  const id = `qa-${++uid}`;
  const count = el(
    'select',
    { id: `${id}-count` },
    ['25', '50', '100'].map((v) => el('option', { value: v, selected: v === '50' }, v)),
  );
  const run = el('button', { type: 'button' }, 'Score again');
  const download = el('a', { class: 'button qa-download', download: 'qa-scores-per-agent.csv', hidden: true }, 'Download CSV');
  const status = el('p', { class: 'muted qa-status', role: 'status' });
  const table = el('div', { class: 'table-wrap' });
  mount(
    root,
    el(
      'section',
      { class: 'lead qa', 'aria-labelledby': id },
      heading('QA scores per agent', id),
      el(
        'p',
        { class: 'muted' },
        'Every sent reply of the recently updated tickets, reviewed by the coach against the thread before it. Scores are 0\u2013100, means over each agent\u2019s replies.',
      ),
      el(
        'div',
        { class: 'qa-controls' },
        el('label', { for: count.id }, 'Tickets (most recently updated)'),
        count,
        run,
        download,
      ),
      status,
      table,
    ),
  );

  let rows = [];
  let sort = ['overall', 'descending']; // kept when "Score again" redraws
  let url = null;

  // Scores coloured by band; the agent's row head carries their email.
  function qaCell(r, key, type) {
    const v = r[key];
    const text = v === null || v === undefined ? '–' : String(v);
    if (key === 'agent') return { text, title: r.email };
    const band = SKILLS.includes(key) && typeof v === 'number' ? (v >= 80 ? ' good' : v >= 50 ? ' fair' : ' poor') : '';
    return { text, cls: type + band };
  }

  function renderTable() {
    sortableTable(table, {
      columns: QA_COLUMNS, rows, caption: 'QA scores per agent', className: 'qa-table',
      sortKey: sort[0], sortDir: sort[1], cell: qaCell,
      onSort: (sorted, key, dir) => {
        sort = [key, dir];
        if (url) URL.revokeObjectURL(url);
        url = URL.createObjectURL(new Blob([toCsv(sorted)], { type: 'text/csv' }));
        download.href = url;
        download.hidden = false;
      },
    });
  }

  async function score() {
    run.disabled = true;
    download.hidden = true;
    status.textContent = 'Finding recent tickets…';
    try {
      const [list, agents] = await Promise.all([
        ctx.api('GET', `/api/v1/tickets?sort=updated&limit=${count.value}`),
        agentsById(ctx),
      ]);
      const tickets = ((list && list.items) || []).filter((t) => t.first_response_at);
      const totals = {};
      let done = 0;
      let failed = 0;
      status.textContent = `Scoring the replies of ${tickets.length} tickets…`;
      await pool(tickets, 3, async (t) => {
        try {
          const r = await ctx.api('POST', '/api/v1/qa', { ticket_id: t.id });
          mergeAgents(totals, r.agents);
        } catch {
          failed++;
        }
        done++;
        status.textContent = `Scoring the replies of ${tickets.length} tickets… ${done} done`;
      });
      const names = {};
      for (const a of Object.values(agents)) names[a.email] = a.name;
      rows = qaRows(totals, names);
      const replies = rows.reduce((n, r) => n + r.replies, 0);
      status.textContent =
        `${replies} replies by ${rows.length} agent${rows.length === 1 ? '' : 's'} in ${tickets.length} tickets` +
        (failed ? `; ${failed} tickets could not be scored` : '') +
        '.';
      if (rows.length) renderTable();
      else mount(table, el('p', { class: 'lead-empty' }, 'No sent replies to score yet.'));
    } catch (e) {
      status.textContent = '';
      mount(table, failure(e, 'the QA scores'));
    } finally {
      run.disabled = false;
    }
  }

  run.addEventListener('click', score);
  count.addEventListener('change', score);
  await score();
}
