// The dashboard (#/dashboard): the desk's trends over a date range from
// GET /api/v1/reports/trends, drawn with /assets/js/chart.js, the tickets
// the help center deflected, the insights of the range and the breakdown
// table (views/breakdown.js).  Every chart
// carries its numbers as a (visually hidden) table and a link to the same
// report as CSV.  The report is for leads and admins; an agent is told so.

import { el, mount } from '/assets/js/dom.js';
import { ApiError } from '/assets/js/api.js';
import { lineChart, barChart, sparkBars, chartTable } from '/assets/js/chart.js';
import { pct, show, duration, lastDays } from './util.js';
import { breakdownCard } from './breakdown.js';

const LEVELS = ['calm', 'tense', 'heated', 'hostile'];
const LEVEL_COLORS = { calm: '#1a7f37', tense: '#9a6700', heated: '#bc4c00', hostile: '#b91c1c' };

function ensureStyles() {
  if (document.querySelector('link[data-view="dashboard"]')) return;
  document.head.appendChild(el('link', { rel: 'stylesheet', href: '/app/css/dashboard.css', dataset: { view: 'dashboard' } }));
}

// "11-05" for a bucket's start.
function label(b) {
  return b.start.slice(5, 10);
}

function sum(buckets, f) {
  return buckets.reduce((a, b) => a + (f(b) || 0), 0);
}

function share(num, den) {
  return den ? num / den : null;
}

function reportUrl(q, format) {
  const p = new URLSearchParams({ from: q.from, to: q.to, bucket: q.bucket });
  if (format) p.set('format', format);
  return `/api/v1/reports/trends?${p}`;
}

// A chart's card: heading, the chart, its table and the CSV link.
function card(id, title, chart, table, q, note, empty) {
  return el('section', { class: 'dash-card', 'aria-labelledby': `${id}-h`, id },
    el('div', { class: 'dash-card-head' },
      el('h2', { id: `${id}-h` }, title),
      el('a', {
        class: 'csv', href: reportUrl(q, 'csv'), download: `truce-trends-${q.from}-${q.to}.csv`,
        'aria-label': `${title}: download the numbers as CSV`,
      }, 'CSV')),
    note ? el('p', { class: 'muted dash-note' }, note) : null,
    empty ? el('p', { class: 'dash-empty' }, empty) : null,
    chart, table);
}

function tile(name, value, detail, ...extra) {
  return el('div', { class: 'tile' },
    el('div', { class: 'tile-name' }, name),
    el('div', { class: 'tile-value' }, value),
    detail ? el('div', { class: 'tile-detail muted' }, detail) : null, ...extra);
}

// The tickets the help center's articles avoided (GET /api/v1/reports/deflection):
// the range's total, a column per day and the days as a (visually hidden) table.
function deflectionTile(d) {
  const t = tile('Deflected', String(d.total), 'tickets avoided by help articles',
    sparkBars(d.days.map((x) => ({ x: x.day, y: x.deflected })),
      { title: 'Tickets avoided by help articles per day' }),
    chartTable('Tickets avoided by help articles per day', ['Day', 'Deflected'],
      d.days.map((x) => [x.day, x.deflected])));
  t.id = 't-deflected';
  return t;
}

function totals(buckets, key) {
  const t = new Map();
  for (const b of buckets) for (const [k, n] of Object.entries(b[key] || {})) t.set(k, (t.get(k) || 0) + n);
  return [...t.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function insightUrl(kind, q, format) {
  const p = new URLSearchParams({ from: q.from, to: q.to });
  if (format) p.set('format', format);
  return `/api/v1/reports/${kind}?${p}`;
}

// Emerging problems are a short-window signal: the last 7 days of the range
// (all of it when shorter), against the 4 periods as long before.
function risingRange(q) {
  const week = lastDays(7, Date.parse(q.to));
  return { from: week.from > q.from ? week.from : q.from, to: q.to };
}

function csvLink(kind, q, title) {
  return el('a', {
    class: 'csv', href: insightUrl(kind, q, 'csv'), download: `truce-${kind}-${q.from}-${q.to}.csv`,
    'aria-label': `${title}: download as CSV`,
  }, 'CSV');
}

// The insights of the range (GET /api/v1/reports/{overview,agents,emerging}):
// tiles, the emerging problems with example tickets, and a table per agent.
// A report that failed to load is left out.
function renderInsights(ins, q) {
  const parts = [];
  const o = ins.overview;
  if (o) {
    parts.push(el('div', { class: 'tiles insights', role: 'group', 'aria-label': 'Times and rates for tickets opened in the range' },
      tile('Median first response', duration(o.first_response.median_ms), `${o.first_response.n} tickets replied`),
      tile('Median resolution', duration(o.resolution.median_ms), `${o.resolution.n} tickets resolved`),
      tile('Reopen rate', show(pct(o.reopen.rate), '%'), `${o.reopen.reopened} of ${o.reopen.resolved} resolved`),
      tile('Escalation rate', show(pct(o.escalation.rate), '%'), `${o.escalation.escalated} heated or escalated by a rule`)));
  }
  const em = ins.emerging;
  if (em) {
    const rq = risingRange(q);
    const items = em.items.map((it) => el('li', {},
      el('strong', { title: it.kind === 'phrase' ? `stems: ${it.key}` : null }, it.kind === 'category' ? `Category: ${it.key}` : `“${it.text || it.key}”`),
      el('span', { class: 'muted', title: `p = ${it.p.toPrecision(2)}, q = ${it.q.toPrecision(2)} (false discovery rate)` },
        ` ${it.count} tickets now, ${it.baseline} in the 4 periods before · ×${show(it.lift, '', 1)} · `),
      it.example_tickets.map((id, i) => [i ? ', ' : '', el('a', { href: `#/ticket/${id}` }, `#${id}`)])));
    parts.push(el('section', { class: 'dash-card', id: 'c-emerging', 'aria-labelledby': 'c-emerging-h' },
      el('div', { class: 'dash-card-head' }, el('h2', { id: 'c-emerging-h' }, 'Emerging problems'), csvLink('emerging', rq, 'Emerging problems')),
      el('p', { class: 'muted dash-note' }, `Categories and phrases of customer messages from ${rq.from} to ${rq.to}, significantly above the 4 periods as long before.`),
      items.length ? el('ul', { class: 'emerging' }, items) : el('p', { class: 'dash-empty' }, 'Nothing is rising above its baseline.')));
  }
  const ag = ins.agents;
  if (ag) {
    const rows = ag.agents.map((a) => [a.agent_id === null ? 'Unassigned' : a.name, a.tickets,
      duration(a.first_response.median_ms), duration(a.resolution.median_ms),
      show(pct(a.reopen.rate), ''), show(a.surveys.csat.avg, '', 2), show(pct(a.deescalation.rate), '')]);
    parts.push(el('section', { class: 'dash-card', id: 'c-agents', 'aria-labelledby': 'c-agents-h' },
      el('div', { class: 'dash-card-head' }, el('h2', { id: 'c-agents-h' }, 'Agents'), csvLink('agents', q, 'Agents')),
      el('table', {},
        el('thead', {}, el('tr', {}, ['Agent', 'Tickets', 'Median first response', 'Median resolution',
          'Reopen %', 'CSAT', 'De-escalation %'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c) => el('td', {}, String(c)))))))));
  }
  return parts;
}

function renderReport(out, rep, q, ins = {}) {
  const bs = rep.buckets;
  const x = bs.map(label);
  const opened = sum(bs, (b) => b.opened);
  const conflicts = sum(bs, (b) => b.conflicts);
  const met = sum(bs, (b) => b.sla.met);
  const breached = sum(bs, (b) => b.sla.breached);
  const csatN = sum(bs, (b) => b.surveys.csat.n);
  const csatSum = sum(bs, (b) => (b.surveys.csat.avg || 0) * b.surveys.csat.n);
  const npsN = sum(bs, (b) => b.surveys.nps.n);
  const npsScoreSum = sum(bs, (b) => (b.surveys.nps.score || 0) * b.surveys.nps.n);
  const threads = sum(bs, (b) => b.deescalation.threads);
  const fell = sum(bs, (b) => b.deescalation.fell);

  const summary = el('div', { class: 'tiles', role: 'group', 'aria-label': 'Totals for the range' },
    tile('Tickets opened', String(opened)),
    tile('Conflict rate', show(pct(share(conflicts, opened)), '%'), `${conflicts} reached tense or above`),
    tile('SLA met', show(pct(share(met, met + breached)), '%'), `${met} of ${met + breached} resolved`),
    tile('CSAT', show(share(csatSum, csatN), ' / 5'), `${csatN} answers`),
    tile('NPS', show(share(npsScoreSum, npsN), '', 0), `${npsN} answers`),
    tile('De-escalation', show(pct(share(fell, threads)), '%'), `${fell} of ${threads} heated threads`),
    ins.deflection ? deflectionTile(ins.deflection) : null);

  const rateRows = bs.map((b) => [b.start.slice(0, 10), b.opened, b.conflicts, pct(b.conflict_rate)]);
  const conflict = card('c-conflict', 'Conflict rate',
    lineChart([{ name: 'conflict rate', color: '#b91c1c', points: bs.map((b, i) => ({ x: x[i], y: pct(b.conflict_rate) })) }],
      { title: 'Conflict rate over time, percent of tickets opened', unit: '%', yMin: 0, yMax: 100 }),
    chartTable('Conflict rate per bucket', ['Bucket', 'Opened', 'Conflicts', 'Rate %'], rateRows), q,
    'Share of tickets opened that reached tense or above.');

  const levels = card('c-levels', 'Tickets by level',
    lineChart(LEVELS.map((l) => ({ name: l, color: LEVEL_COLORS[l], points: bs.map((b, i) => ({ x: x[i], y: b.by_level[l] })) })),
      { title: 'Tickets opened per bucket by peak conflict level' }),
    chartTable('Tickets opened by peak level', ['Bucket', ...LEVELS], bs.map((b) => [b.start.slice(0, 10), ...LEVELS.map((l) => b.by_level[l])])), q);
  levels.insertBefore(legend(LEVELS.map((l) => [l, LEVEL_COLORS[l]])), levels.querySelector('svg'));

  const cats = totals(bs, 'by_category');
  const byCat = card('c-category', 'By category',
    barChart(cats.map(([k, n]) => ({ label: k, value: n })), { title: 'Tickets opened in the range by category', labelWidth: 130 }),
    chartTable('Tickets by category', ['Category', 'Tickets'], cats), q);

  const chans = totals(bs, 'by_channel').filter(([, n]) => n > 0);
  const byChan = card('c-channel', 'By channel',
    barChart(chans.map(([k, n]) => ({ label: k, value: n })), { title: 'Tickets opened in the range by channel', color: '#6639ba' }),
    chartTable('Tickets by channel', ['Channel', 'Tickets'], chans), q);

  const sla = card('c-sla', 'SLA met',
    lineChart([{ name: 'SLA met', color: '#1a7f37', points: bs.map((b, i) => ({ x: x[i], y: pct(b.sla.met_rate) })) }],
      { title: 'Share of resolved tickets that met every SLA target, percent', unit: '%', yMin: 0, yMax: 100 }),
    chartTable('SLA per bucket', ['Bucket', 'Met', 'Breached', 'Met %'], bs.map((b) => [b.start.slice(0, 10), b.sla.met, b.sla.breached, pct(b.sla.met_rate)])), q,
    'Tickets resolved in each bucket whose SLA clocks were all met.',
    met + breached ? null : 'No ticket was resolved in this range.');

  const surveyRows = bs.map((b) => [b.start.slice(0, 10), b.surveys.csat.avg, b.surveys.csat.n, b.surveys.nps.avg,
    b.surveys.nps.score, b.surveys.nps.n, b.surveys.ces.avg, b.surveys.ces.n]);
  const surveys = card('c-surveys', 'CSAT and CES',
    lineChart([
      { name: 'CSAT (1–5)', color: '#0b5cad', points: bs.map((b, i) => ({ x: x[i], y: b.surveys.csat.avg })) },
      { name: 'CES (1–7)', color: '#9a6700', points: bs.map((b, i) => ({ x: x[i], y: b.surveys.ces.avg })) },
    ], { title: 'Average CSAT and CES per bucket', yMin: 0, yMax: 7 }),
    chartTable('Survey answers per bucket', ['Bucket', 'CSAT avg', 'CSAT n', 'NPS avg', 'NPS score', 'NPS n', 'CES avg', 'CES n'], surveyRows), q,
    null, csatN + sum(bs, (b) => b.surveys.ces.n) ? null : 'No survey was answered in this range.');
  surveys.insertBefore(legend([['CSAT (1–5)', '#0b5cad'], ['CES (1–7, higher is easier)', '#9a6700']]), surveys.querySelector('svg'));

  const nps = card('c-nps', 'NPS',
    lineChart([{ name: 'NPS', color: '#6639ba', points: bs.map((b, i) => ({ x: x[i], y: b.surveys.nps.score })) }],
      { title: 'Net promoter score per bucket, -100 to 100', yMin: -100, yMax: 100 }),
    chartTable('NPS per bucket', ['Bucket', 'NPS score', 'Answers'], bs.map((b) => [b.start.slice(0, 10), b.surveys.nps.score, b.surveys.nps.n])), q,
    'Promoters (9–10) minus detractors (0–6), in percent of answers.',
    npsN ? null : 'No survey was answered in this range.');

  const deesc = card('c-deesc', 'De-escalation rate',
    lineChart([{ name: 'de-escalation', color: '#1a7f37', points: bs.map((b, i) => ({ x: x[i], y: pct(b.deescalation.rate) })) }],
      { title: 'Share of heated threads whose customer calmed after the first reply, percent', unit: '%', yMin: 0, yMax: 100 }),
    chartTable('De-escalation per bucket', ['Bucket', 'Heated threads', 'Calmer after the reply', 'Rate %'],
      bs.map((b) => [b.start.slice(0, 10), b.deescalation.threads, b.deescalation.fell, pct(b.deescalation.rate)])), q,
    'Heated or hostile threads whose next customer message scored lower after the first agent reply.',
    threads ? null : 'No heated thread has had a reply and a customer answer in this range.');

  mount(out, summary, el('div', { class: 'dash-grid' }, conflict, levels, byCat, byChan, sla, deesc, surveys, nps),
    ...renderInsights(ins, q));
}

// A legend of colour swatches (SVG fills: the CSP allows no inline style).
function swatch(color) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'swatch');
  svg.setAttribute('viewBox', '0 0 12 12');
  const r = document.createElementNS(ns, 'rect');
  for (const [k, v] of Object.entries({ width: 12, height: 12, rx: 2, fill: color })) r.setAttribute(k, String(v));
  svg.appendChild(r);
  return svg;
}

function legend(items) {
  return el('ul', { class: 'legend', 'aria-hidden': 'true' },
    items.map(([name, color]) => el('li', {}, swatch(color), name)));
}

export async function render(root, ctx) {
  ensureStyles();
  const q = { ...lastDays(30), bucket: 'day' };
  const from = el('input', { type: 'date', id: 'dash-from', name: 'from', value: q.from, required: true });
  const to = el('input', { type: 'date', id: 'dash-to', name: 'to', value: q.to, required: true });
  const bucket = el('select', { id: 'dash-bucket', name: 'bucket' },
    el('option', { value: 'day' }, 'Day'), el('option', { value: 'week' }, 'Week'));
  const error = el('p', { class: 'error', role: 'alert' });
  const out = el('div', { class: 'dash-out', 'aria-live': 'polite' }, el('p', { class: 'muted' }, 'Loading…'));
  const form = el('form', { class: 'filters dash-range', 'aria-label': 'Date range' },
    el('div', { class: 'f' }, el('label', { for: 'dash-from' }, 'From'), from),
    el('div', { class: 'f' }, el('label', { for: 'dash-to' }, 'To'), to),
    el('div', { class: 'f' }, el('label', { for: 'dash-bucket' }, 'Per'), bucket),
    el('div', { class: 'f' }, el('button', { class: 'primary', type: 'submit' }, 'Show')));
  mount(root,
    el('div', { class: 'view-head' }, el('h1', {}, 'Dashboard'),
      el('p', { class: 'muted' }, 'Conflicts, SLA, surveys and de-escalation over time.')),
    form, error, out);

  async function load() {
    error.textContent = '';
    try {
      const optional = (kind) => ctx.api('GET', insightUrl(kind, kind === 'emerging' ? risingRange(q) : q))
        .catch(() => null);
      const [rep, overview, agents, emerging, deflection] = await Promise.all([ctx.api('GET', reportUrl(q)),
        optional('overview'), optional('agents'), optional('emerging'), optional('deflection')]);
      if (ctx.isCurrent && !ctx.isCurrent()) return;
      renderReport(out, rep, q, { overview, agents, emerging, deflection });
      out.appendChild(breakdownCard(ctx, { from: q.from, to: q.to }));
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) {
        mount(out, el('p', {}, 'The dashboard is for leads and admins.'));
        return;
      }
      if (e instanceof ApiError && e.status === 400) {
        error.textContent = `Cannot show this range: ${e.message}`;
        return;
      }
      throw e;
    }
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!from.value || !to.value) {
      error.textContent = 'Choose both dates.';
      return;
    }
    if (from.value > to.value) {
      error.textContent = 'The start date must be on or before the end date.';
      return;
    }
    q.from = from.value;
    q.to = to.value;
    q.bucket = bucket.value;
    load().catch((e) => { error.textContent = `Could not load the report: ${e.message}`; });
  });
  await load();
}
