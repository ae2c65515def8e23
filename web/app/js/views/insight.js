// The ticket view's Insight panel, for leads and admins (the reports answer
// an agent 403, so ticket.js mounts this only for a lead): over the last 30
// days, the ticket's category beside the whole desk (GET
// /api/v1/reports/overview?by=category: its tickets, conflict rate, median
// resolution and reopen rate), and what of this ticket is rising above its
// baseline (GET /api/v1/reports/emerging: its category, and the phrases
// whose example tickets include it).
import { el, mount } from '/assets/js/dom.js';
import { human, lastDays, pct, show, duration } from './util.js';

const DAYS = 30;
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
  return [`${it.count} now, ${it.baseline} in the 4 periods before`, el('span', { class: 'lift' }, ` · ×${show(it.lift)}`)];
}

function emergingPart(items, ticket) {
  const cat = items.find((it) => it.kind === 'category' && it.key === ticket.category);
  const phrases = items.filter((it) => it.kind === 'phrase' && (it.example_tickets || []).includes(ticket.id));
  if (!cat && !phrases.length) return el('p', { class: 'muted' }, 'Nothing about this ticket is rising above its baseline.');
  return el('div', { class: 'insight-emerging' },
    el('h3', {}, 'Rising'),
    el('ul', {},
      cat ? el('li', { class: 'emerging-category' }, el('strong', {}, `Category ${human(cat.key)}`), ': ', rising(cat)) : null,
      phrases.map((it) => el('li', { class: 'emerging-phrase' }, el('strong', {}, `“${it.key}”`), ': ', rising(it)))),
    phrases.length ? el('p', { class: 'muted' }, 'Phrases (stemmed) of customer messages this ticket is an example of.') : null);
}

export async function mountInsight(box, ctx, ticket) {
  const range = lastDays(DAYS);
  const p = new URLSearchParams(range);
  const [overview, emerging] = await Promise.all([
    ctx.api('GET', `/api/v1/reports/overview?${p}&by=category`),
    ctx.api('GET', `/api/v1/reports/emerging?${p}`),
  ]);
  const key = ticket.category || NONE;
  const group = (overview.groups || []).find((g) => g.key === key) || null;
  const name = ticket.category ? human(ticket.category) : 'No category';
  mount(box,
    el('p', { class: 'muted insight-range' }, `Tickets opened in the last ${DAYS} days (${range.from} to ${range.to}).`),
    compare(name, group, overview.total),
    group ? null : el('p', { class: 'muted' }, `No ${ticket.category ? `${name} ` : ''}ticket was opened in the last ${DAYS} days.`),
    emergingPart(emerging.items || [], ticket));
}
