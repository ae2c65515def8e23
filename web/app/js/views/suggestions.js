// The ticket view's suggestions panel (GET /api/v1/tickets/{id}/suggestions):
// articles that may answer the customer and similar resolved tickets with
// how they were resolved (approved offers, the lesson).  Snippets arrive as
// parts; hits are <mark> elements built with textContent, never HTML.
import { el, mount } from '/assets/js/dom.js';
import { snippet } from './util.js';

function offerText(o) {
  const amount = o.amount ? ` ${(o.amount / 100).toFixed(2)} ${o.currency || ''}` : '';
  return `${o.kind.replace(/_/g, ' ')}${amount}${o.note ? ` (${o.note})` : ''}`;
}

function similar(t) {
  const r = t.resolution || {};
  return el('li', {},
    el('a', { href: `#/ticket/${t.id}` }, `#${t.id} ${t.subject || ''}`),
    el('span', { class: 'muted' }, ` · ${t.status}`),
    el('div', {}, snippet(t.snippet)),
    (r.offers || []).length ? el('div', { class: 'res-offers' }, 'Resolved with: ',
      r.offers.map(offerText).join('; ')) : null,
    r.lesson ? el('div', { class: 'res-lesson' }, 'Lesson: ', r.lesson.cause, ' — ',
      r.lesson.prevention) : null);
}

export async function mountSuggestions(box, ctx, ticket) {
  const s = await ctx.api('GET', `/api/v1/tickets/${ticket.id}/suggestions`);
  const arts = s.articles || [], sims = s.similar || [];
  mount(box,
    el('h3', {}, 'Articles'),
    arts.length ? el('ul', { class: 'sugg-articles' }, arts.map((a) => el('li', {},
      el('strong', {}, a.title), a.audience === 'internal' ? el('span', { class: 'muted' }, ' (internal)') : null,
      el('div', {}, snippet(a.snippet)))))
      : el('p', { class: 'muted' }, 'No article matches this ticket.'),
    el('h3', {}, 'Similar resolved tickets'),
    sims.length ? el('ul', { class: 'sugg-similar' }, sims.map(similar))
      : el('p', { class: 'muted' }, 'No similar resolved ticket.'));
}
