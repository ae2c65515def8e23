// The dashboard's Breakdown card: the overview's numbers per channel,
// category, level, agent, day or week over the dashboard's range (GET
// /api/v1/reports/overview?by=…), one row per group in the server's order
// (natural for channels and levels, most tickets first for categories and
// agents, in time for days and weeks) until a column head sorts it, the
// whole desk in the footer, and the same report as CSV.
import { el, mount } from '/assets/js/dom.js';
import { pct, show, duration } from './util.js';
import { sortableTable } from './table.js';

const BY = [['channel', 'Channel'], ['category', 'Category'], ['level', 'Level'],
  ['agent', 'Agent'], ['day', 'Day'], ['week', 'Week']];

// The choice survives a new range and a trip away from the dashboard.
let by = 'channel';

function url(q, format) {
  const p = new URLSearchParams({ from: q.from, to: q.to, by });
  if (format) p.set('format', format);
  return `/api/v1/reports/overview?${p}`;
}

// A group as a row of raw values (what sorts); g is kept for the tooltips.
function row(g, key) {
  return {
    key, g, tickets: g.tickets, conflict_rate: g.conflict_rate,
    first_response: g.first_response.median_ms, resolution: g.resolution.median_ms,
    sla: g.sla.met_rate, reopen: g.reopen.rate, escalation: g.escalation.rate,
    deescalation: g.deescalation.rate, csat: g.surveys.csat.avg,
  };
}

// column key -> [head, text of the value, tooltip from the group]
const FORMAT = {
  tickets: ['Tickets', String, null],
  conflict_rate: ['Conflict rate', (v) => show(pct(v), '%'), (g) => `${g.conflicts} of ${g.tickets} reached tense or above`],
  first_response: ['Median first response', duration, (g) => `over ${g.first_response.n} replied`],
  resolution: ['Median resolution', duration, (g) => `over ${g.resolution.n} resolved`],
  sla: ['SLA met', (v) => show(pct(v), '%'), (g) => `${g.sla.met} met, ${g.sla.breached} breached`],
  reopen: ['Reopen rate', (v) => show(pct(v), '%'), (g) => `${g.reopen.reopened} of ${g.reopen.resolved} resolved`],
  escalation: ['Escalation rate', (v) => show(pct(v), '%'), (g) => `${g.escalation.escalated} escalated`],
  deescalation: ['De-escalation rate', (v) => show(pct(v), '%'), (g) => `${g.deescalation.fell} of ${g.deescalation.threads} heated threads calmer`],
  csat: ['CSAT avg', (v) => show(v, '', 2), (g) => `${g.surveys.csat.n} answers`],
};

function cell(r, key) {
  if (key === 'key') return { text: r.key };
  const [, text, detail] = FORMAT[key];
  return { text: r[key] === null || r[key] === undefined ? '–' : text(r[key]), title: detail ? detail(r.g) : null };
}

// A bucket's start as its day; the other keys as they come.
function keyText(g) {
  return by === 'day' || by === 'week' ? String(g.key).slice(0, 10) : g.key;
}

// The card for the range q ({from, to}); it loads itself.
export function breakdownCard(ctx, q) {
  const select = el('select', { id: 'bd-by', name: 'by' },
    BY.map(([v, label]) => el('option', { value: v, selected: v === by }, label)));
  const csv = el('a', { class: 'csv' }, 'CSV');
  const status = el('p', { class: 'muted dash-note', role: 'status' });
  const table = el('div', { class: 'table-wrap' });
  const card = el('section', { class: 'dash-card', id: 'c-breakdown', 'aria-labelledby': 'c-breakdown-h' },
    el('div', { class: 'dash-card-head' }, el('h2', { id: 'c-breakdown-h' }, 'Breakdown'), csv),
    el('div', { class: 'bd-controls' }, el('label', { for: 'bd-by' }, 'Break down by'), select),
    status, table);

  let seq = 0;
  async function load() {
    const mine = ++seq;
    const label = BY.find(([v]) => v === by)[1];
    csv.href = url(q, 'csv');
    csv.setAttribute('download', `truce-overview-by-${by}-${q.from}-${q.to}.csv`);
    csv.setAttribute('aria-label', `Breakdown by ${label.toLowerCase()}: download as CSV`);
    status.textContent = 'Loading…';
    table.setAttribute('aria-busy', 'true');
    try {
      const r = await ctx.api('GET', url(q));
      if (mine !== seq) return;
      const rows = r.groups.map((g) => row(g, keyText(g)));
      sortableTable(table, {
        columns: [['key', label, 'text'], ...Object.entries(FORMAT).map(([k, [head]]) => [k, head, 'num'])],
        rows, foot: row(r.total, 'All'), cell, className: 'breakdown',
        caption: `The overview by ${label.toLowerCase()}, ${q.from} to ${q.to}`,
      });
      status.textContent = `${rows.length} ${rows.length === 1 ? 'row' : 'rows'} by ${label.toLowerCase()}; tickets opened from ${q.from} to ${q.to}.`;
    } catch (e) {
      if (e.status === 401) throw e;
      if (mine !== seq) return;
      mount(table);
      status.textContent = `Could not load the breakdown: ${e.message}`;
    } finally {
      if (mine === seq) table.setAttribute('aria-busy', 'false');
    }
  }

  select.addEventListener('change', () => {
    by = select.value;
    load();
  });
  load();
  return card;
}
