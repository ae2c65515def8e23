// The ticket view's suggestions panel (GET /api/v1/tickets/{id}/suggestions):
// articles that may answer the customer and similar resolved tickets with
// how they were resolved (approved offers, the lesson).  Snippets arrive as
// parts; hits are <mark> elements built with textContent, never HTML.
//
// An article's title opens it: a public one in the help center (a new tab,
// as the customer will see it), an internal one in the console's editor.
// "Insert link" puts "TITLE: URL" at the cursor of the reply composer, so an
// agent answers with an article in one click.
// (dom.js by a relative path, so node's tests/web/ can import this module)
import { el, mount } from '../../../assets/js/dom.js';
import { snippet } from './util.js';
import { insertion } from './composer.js';

// The help center's address of a public article, absolute (it goes to a
// customer): https://desk.example/help?article=refund-policy.
export function helpUrl(slug, origin) {
  return `${origin}/help?article=${encodeURIComponent(slug)}`;
}

// What "Insert link" writes: the title, a colon, the address.
export function linkLine(article, origin) {
  return `${article.title}: ${helpUrl(article.slug, origin)}`;
}

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

// Inserts the article's line at the composer's cursor (over a selection)
// and tells the composer with an input event, as typing would: its coach
// reviews the new draft.
function insertLink(box, article, said) {
  const view = box.closest('.view') || document;
  const draft = view.querySelector('#composer textarea');
  if (!draft || draft.disabled) {
    said.textContent = 'There is no reply box to insert into: the ticket is closed.';
    return;
  }
  const v = draft.value;
  const start = draft.selectionStart ?? v.length;
  const end = draft.selectionEnd ?? start;
  const rest = v.slice(0, start) + v.slice(end);
  const text = insertion(rest, start, linkLine(article, location.origin), ' ');
  draft.focus();
  draft.setRangeText(text, start, end, 'end');
  draft.dispatchEvent(new Event('input', { bubbles: true }));
  said.textContent = `Inserted the link to “${article.title}” in your reply.`;
}

function articleItem(a, box, said) {
  const pub = a.audience === 'public';
  const link = pub
    ? el('a', { class: 'sugg-title', href: helpUrl(a.slug, location.origin), target: '_blank', rel: 'noopener' },
      a.title, el('span', { class: 'visually-hidden' }, ' (help center, opens in a new tab)'))
    : el('a', { class: 'sugg-title', href: `#/kb/${a.id}` }, a.title);
  return el('li', {},
    link, pub ? null : el('span', { class: 'muted' }, ' (internal)'),
    el('div', {}, snippet(a.snippet)),
    pub ? el('button', { type: 'button', class: 'sugg-insert', 'aria-label': `Insert link: ${a.title}`,
      onclick: () => insertLink(box, a, said) }, 'Insert link') : null);
}

export async function mountSuggestions(box, ctx, ticket) {
  const s = await ctx.api('GET', `/api/v1/tickets/${ticket.id}/suggestions`);
  const arts = s.articles || [], sims = s.similar || [];
  const said = el('p', { class: 'muted sugg-said', role: 'status' });
  mount(box,
    el('h3', {}, 'Articles'),
    arts.length ? el('ul', { class: 'sugg-articles' }, arts.map((a) => articleItem(a, box, said)))
      : el('p', { class: 'muted' }, 'No article matches this ticket.'),
    said,
    el('h3', {}, 'Similar resolved tickets'),
    sims.length ? el('ul', { class: 'sugg-similar' }, sims.map(similar))
      : el('p', { class: 'muted' }, 'No similar resolved ticket.'));
}
