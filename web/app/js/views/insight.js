// The ticket view's Insight panel, for leads and admins (the reports answer
// an agent 403, so ticket.js mounts this only for a lead): over the last 30
// days, the ticket's category beside the whole desk (GET
// /api/v1/reports/overview?by=category: its tickets, conflict rate, median
// resolution and reopen rate), and what of this ticket is rising this week
// above the 4 weeks before (GET /api/v1/reports/emerging?ticket=: its
// category, and the phrases of its customer messages).
import { el, mount } from '/assets/js/dom.js';
import { human, lastDays, pct, show, duration } from './util.js';

const DAYS = 30;
const RISING_DAYS = 7; // emerging compares them with the 4 periods as long before
const NONE = '(none)'; // the overview's key for tickets without a category

function rate(v) {
  return show(pct(v), '%');
}

// [label, text of a group, its detail (a tooltip: the counts behind it)]
const ROWS = [
  ['Tickets', (g) => String(g.tickets), () => null],
  ['Conflict rate', (g) => rate(g.conflict_rate), (g) => `${g.conflicts} of ${g.tickets} reached tense or above`],
  ['Median resolution', (g) => duration(g.resolution.median_ms), (g) => `over ${g.resolution.n} resolved`],
  ['Reopen rate', (g) => rate(g.reopen.rate), (g) => `${g.reopen.reopened} of ${g.reopen.resolved} resolved were reopened`],
];

function compare(name, group, total) {
  const cell = (g, [, text, detail]) => (g ? el('td', { class: 'num', title: detail(g) }, text(g)) : el('td', { class: 'num' }, '–'));
  return el('table', { class: 'insight-table' },
    el('caption', { class: 'visually-hidden' }, `Tickets opened in the last ${DAYS} days: this ticket's category against the whole desk`),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'Measure')),
      el('th', { scope: 'col' }, name), el('th', { scope: 'col' }, 'Desk'))),
    el('tbody', {}, ROWS.map((row) => el('tr', {}, el('th', { scope: 'row' }, row[0]), cell(group, row), cell(total, row)))));
}

function rising(it) {
  return [`${it.count} tickets this week, ${it.baseline} in the 4 weeks before`, el('span', { class: 'lift' }, ` · ×${show(it.lift)}`)];
}

// items: the emerging items this ticket is part of (the report filtered by
// the server, as its examples list only the first few tickets).
function emergingPart(items) {
  const cat = items.find((it) => it.kind === 'category');
  const phrases = items.filter((it) => it.kind === 'phrase');
  if (!cat && !phrases.length) return el('p', { class: 'muted' }, `Nothing about this ticket is rising this week above the ${RISING_DAYS * 4} days before.`);
  return el('div', { class: 'insight-emerging' },
    el('h3', {}, 'Rising'),
    el('ul', {},
      cat ? el('li', { class: 'emerging-category' }, el('strong', {}, `Category ${human(cat.key)}`), ': ', rising(cat)) : null,
      phrases.map((it) => el('li', { class: 'emerging-phrase' }, el('strong', { title: `stems: ${it.key}` }, `“${it.text || it.key}”`), ': ', rising(it)))),
    phrases.length ? el('p', { class: 'muted' }, `Phrases of this ticket's customer messages (and their other forms), rising in the last ${RISING_DAYS} days.`) : null);
}

export async function mountInsight(box, ctx, ticket) {
  const range = lastDays(DAYS);
  const p = new URLSearchParams(range);
  const week = new URLSearchParams({ ...lastDays(RISING_DAYS), ticket: String(ticket.id) });
  const [overview, emerging] = await Promise.all([
    ctx.api('GET', `/api/v1/reports/overview?${p}&by=category`),
    ctx.api('GET', `/api/v1/reports/emerging?${week}`),
  ]);
  const key = ticket.category || NONE;
  const group = (overview.groups || []).find((g) => g.key === key) || null;
  const name = ticket.category ? human(ticket.category) : 'No category';
  mount(box,
    el('p', { class: 'muted insight-range' }, `Tickets opened in the last ${DAYS} days (${range.from} to ${range.to}).`),
    compare(name, group, overview.total),
    group ? null : el('p', { class: 'muted' }, `No ${ticket.category ? `${name} ` : ''}ticket was opened in the last ${DAYS} days.`),
    emergingPart(emerging.items || []));
}
