// The ticket view (#/ticket/<id>): the case at a glance, the thread with each
// customer message's analysis (triggers highlighted from their byte spans),
// the risk trajectory, the six steps, the playbook, the customer's history,
// and the composer, offers, resolve, suggestions and (for leads) insight
// panels (views/composer.js, offers.js, resolve.js, suggestions.js,
// insight.js) mounted when they are there.
import { el, mount, ago, byteToIndex } from '/assets/js/dom.js';
import { lineChart, chartTable } from '/assets/js/chart.js';
import { levelBadge, human, slaText, timeEl, when, isLead } from './util.js';

const STEP_NAMES = {
  identify_cause: 'Identify the cause',
  understand_pain: 'Understand the pain',
  take_ownership: 'Take ownership',
  act_and_inform: 'Act and inform',
  review_and_learn: 'Review and learn',
  systemic_check: 'Systemic check',
};
const EMOTIONS = ['anger', 'annoyance', 'disappointment', 'anxiety', 'gratitude'];
const LEVEL_BANDS = [
  { from: 0, to: 25, color: '#1a7f37' },
  { from: 25, to: 50, color: '#9a6700' },
  { from: 50, to: 75, color: '#bc4c00' },
  { from: 75, to: 100, color: '#b91c1c' },
];

// The body with the triggers' spans (UTF-8 byte offsets) as <mark>s; text
// nodes only, so whatever the customer wrote stays text.
export function highlighted(body, triggers) {
  const text = String(body || '');
  const spans = (triggers || [])
    .map((t) => ({ kind: t.kind, a: byteToIndex(text, t.start), b: byteToIndex(text, t.end) }))
    .filter((s) => s.b > s.a)
    .sort((x, y) => x.a - y.a || y.b - x.b);
  const out = [];
  let at = 0;
  for (const s of spans) {
    if (s.a < at) continue; // overlaps the previous one: keep the first
    if (s.a > at) out.push(document.createTextNode(text.slice(at, s.a)));
    out.push(el('mark', { class: `trig t-${s.kind}`, title: human(s.kind) }, text.slice(s.a, s.b)));
    at = s.b;
  }
  if (at < text.length) out.push(document.createTextNode(text.slice(at)));
  return out;
}

function emotionBars(emotions) {
  const rows = EMOTIONS.filter((k) => emotions && typeof emotions[k] === 'number').map((k) => {
    const v = emotions[k];
    const fill = el('span', { class: `fill e-${k}` });
    fill.style.width = `${Math.round(v * 100)}%`; // CSSOM: allowed by the CSP, unlike style=""
    return el('li', {},
      el('span', { class: 'e-name' }, k),
      el('span', { class: 'bar', role: 'meter', 'aria-label': k, 'aria-valuemin': '0', 'aria-valuemax': '1', 'aria-valuenow': String(v) },
        fill),
      el('span', { class: 'e-val' }, v.toFixed(2)));
  });
  return el('ul', { class: 'emotions', 'aria-label': 'emotions' }, rows);
}

function analysisPanel(a) {
  if (!a) return null;
  const s = a.sentiment || {};
  const mood = s.compound <= -0.05 ? 'negative' : s.compound >= 0.05 ? 'positive' : 'neutral';
  return el('details', { class: 'analysis', open: a.level && a.level !== 'calm' },
    el('summary', {}, levelBadge(a.level), ` score ${a.score ?? '–'} · sentiment ${mood} (${(s.compound ?? 0).toFixed(2)})`,
      a.triggers && a.triggers.length ? ` · ${a.triggers.length} trigger${a.triggers.length === 1 ? '' : 's'}` : ''),
    emotionBars(a.emotions),
    a.triggers && a.triggers.length
      ? el('p', { class: 'chips', 'aria-label': 'triggers' }, [...new Set(a.triggers.map((t) => t.kind))].map((k) => el('span', { class: `chip trigger t-${k}` }, human(k))))
      : null,
    a.category ? el('p', { class: 'muted' }, `category: ${human(a.category)}${a.cause ? ` · cause: ${human(a.cause)}` : ''}`) : null);
}

function coachLine(c) {
  if (!c || !c.scores) return null;
  const sc = c.scores;
  return el('details', { class: 'coach-review' },
    el('summary', {}, `coach: overall ${sc.overall}`),
    el('p', { class: 'muted' }, Object.entries(sc).filter(([k]) => k !== 'overall').map(([k, v]) => `${k} ${v}`).join(' · ')),
    (c.findings || []).length
      ? el('ul', {}, c.findings.map((f) => el('li', {}, el('strong', {}, human(f.kind)), f.text ? ` “${f.text}”` : '', f.message ? ` — ${f.message}` : '')))
      : null);
}

// An internal note's text with its @mentions set apart (text nodes only).
function withMentions(body) {
  const text = String(body || '');
  const out = [];
  let at = 0;
  for (const m of text.matchAll(/(^|[^\w@])(@[A-Za-z0-9._+-]*[A-Za-z0-9_])/g)) {
    const start = m.index + m[1].length;
    if (start > at) out.push(document.createTextNode(text.slice(at, start)));
    out.push(el('strong', { class: 'mention' }, m[2]));
    at = start + m[2].length;
  }
  if (at < text.length) out.push(document.createTextNode(text.slice(at)));
  return out;
}

function message(m) {
  const who = m.author === 'customer' ? 'Customer' : m.author === 'agent' ? (m.internal ? 'Internal note' : 'Agent') : human(m.author);
  const cls = `msg ${m.author}${m.internal ? ' internal' : ''}`;
  const body = m.author === 'customer' && m.analysis
    ? highlighted(m.body, m.analysis.triggers)
    : m.internal ? withMentions(m.body) : [document.createTextNode(String(m.body || ''))];
  return el('li', { class: cls, id: `m${m.id}` },
    el('article', { 'aria-label': `${who}, ${when(m.created_at)}` },
      el('header', {}, el('strong', {}, who), m.internal ? el('span', { class: 'chip note' }, 'not sent to the customer') : null,
        ' ', el('span', { class: 'muted' }, m.channel ? `${m.channel} · ` : '', timeEl(m.created_at))),
      el('p', { class: 'body' }, body),
      m.author === 'customer' ? analysisPanel(m.analysis) : null,
      m.author === 'agent' && !m.internal ? coachLine(m.coach) : null));
}

function trajectory(messages) {
  const pts = messages.filter((m) => m.author === 'customer' && m.analysis)
    .map((m, i) => ({ x: `#${i + 1}`, y: m.analysis.score, at: m.created_at, level: m.analysis.level }));
  if (!pts.length) return el('p', { class: 'muted' }, 'No analysed customer messages yet.');
  return el('div', { class: 'trajectory' },
    lineChart([{ name: 'risk', points: pts }], { title: 'Risk of each customer message', yMin: 0, yMax: 100, bands: LEVEL_BANDS, height: 120 }),
    chartTable('Risk of each customer message', ['message', 'time', 'score', 'level'],
      pts.map((p) => [p.x, when(p.at), p.y, p.level])));
}

function stepsPanel(steps) {
  if (!steps) return el('p', { class: 'muted' }, 'No steps for this ticket.');
  if (steps.applies === false) return el('p', { class: 'muted' }, 'The six steps apply to conflicts; this ticket is calm.');
  return el('div', {},
    el('p', {}, `${steps.done} of ${steps.steps.length} done${steps.next ? ` · next: ${STEP_NAMES[steps.next] || human(steps.next)}` : ''}`),
    el('ol', { class: 'steps' }, steps.steps.map((s) => el('li', { class: s.done ? 'done' : 'todo' },
      el('span', { class: 'tick', 'aria-hidden': 'true' }, s.done ? '✓' : '○'),
      el('span', {}, el('strong', {}, STEP_NAMES[s.step] || human(s.step)),
        el('span', { class: 'visually-hidden' }, s.done ? ' (done)' : ' (to do)'),
        s.done ? (s.evidence ? el('span', { class: 'muted' }, ` — ${s.evidence}`) : null)
          : (s.missing ? el('span', { class: 'missing' }, ` — missing: ${s.missing}`) : null))))));
}

function playbookPanel(pb) {
  if (!pb) return el('p', { class: 'muted' }, 'No playbook: the thread is calm.');
  const list = (title, items, n) => (items && items.length
    ? [el('h4', {}, title), el('ul', {}, items.slice(0, n).map((x) => el('li', {}, x)))] : null);
  const more = (title, items) => (items && items.length
    ? el('details', {}, el('summary', {}, `${title} (${items.length})`), el('ul', {}, items.map((x) => el('li', {}, x)))) : null);
  return el('div', { class: 'playbook' },
    el('p', {}, levelBadge(pb.level), ` ${human(pb.style)} style`,
      pb.triggers && pb.triggers.length ? ` · for ${pb.triggers.map(human).join(', ')}` : ''),
    list('Do', pb.steps, 5),
    more('All the steps', pb.steps.length > 5 ? pb.steps : null),
    more('Avoid', pb.avoid),
    more('Say it like this', pb.phrasings),
    more('Involve', pb.involve));
}

async function playbookFor(ctx, ticket) {
  const msgs = ticket.messages || [];
  let lastCustomer = -1;
  msgs.forEach((m, i) => { if (m.author === 'customer') lastCustomer = i; });
  for (let i = msgs.length - 1; i > lastCustomer; i--) {
    const m = msgs[i];
    if (m.author === 'agent' && !m.internal && m.coach) return m.coach.playbook;
  }
  const r = await ctx.api('POST', '/api/v1/coach', { draft: 'Thank you for your message.', ticket_id: ticket.id });
  return r.playbook;
}

async function customerPanel(ctx, ticket, box) {
  if (!ticket.customer) return mount(box, el('p', { class: 'muted' }, 'No customer.'));
  const c = await ctx.api('GET', `/api/v1/customers/${ticket.customer.id}`);
  const others = (c.tickets || []).filter((t) => t.id !== ticket.id);
  let surveys = c.surveys;
  if (!Array.isArray(surveys)) {
    const done = (c.tickets || []).filter((t) => t.status === 'resolved' || t.status === 'closed').slice(0, 5);
    const lists = await Promise.all(done.map((t) => ctx.api('GET', `/api/v1/tickets/${t.id}/surveys`).catch(() => ({ items: [] }))));
    surveys = lists.flatMap((l) => l.items || []);
  }
  const answered = surveys.filter((s) => s.state === 'answered' || s.answered_at);
  mount(box,
    el('p', {}, el('strong', {}, c.name || c.email || `customer ${c.id}`),
      c.email ? el('span', { class: 'muted' }, ` · ${c.email}`) : null,
      el('br'), el('span', { class: 'muted' }, `customer since ${when(c.created_at)}`)),
    el('h4', {}, 'Other tickets'),
    others.length
      ? el('ul', { class: 'history' }, others.map((t) => el('li', {}, levelBadge(t.level), ' ',
        el('a', { href: `#/ticket/${t.id}` }, t.subject || `#${t.id}`), el('span', { class: 'muted' }, ` · ${t.status} · ${ago(t.created_at)} ago`))))
      : el('p', { class: 'muted' }, 'None: this is their first ticket.'),
    el('h4', {}, 'Survey answers'),
    answered.length
      ? el('ul', { class: 'surveys' }, answered.map((s) => el('li', {},
        `#${s.ticket_id}: `, ['csat', 'nps', 'ces'].filter((k) => s[k] !== null && s[k] !== undefined).map((k) => `${k.toUpperCase()} ${s[k]}`).join(' · ') || 'no scores',
        s.comment ? el('q', {}, s.comment) : null)))
      : el('p', { class: 'muted' }, 'No answered surveys.'));
}

// Mounts a helper's panel (composer, offers, resolve) when its module is
// there; "coming soon" otherwise.
async function mountPanel(box, path, fn, ...args) {
  try {
    const m = await import(path);
    if (typeof m[fn] !== 'function') throw new Error('missing');
    await m[fn](box, ...args);
  } catch (e) {
    if (e && e.status === 401) throw e;
    mount(box, el('p', { class: 'muted' }, e && e.message && e.message !== 'missing' && !/import|module|fetch/i.test(e.message)
      ? `Could not show this panel: ${e.message}` : 'Coming soon.'));
  }
}

const CLOCK_NAMES = { first_response: 'First response', next_response: 'Next response', resolution: 'Resolution' };

// The ticket's SLA clocks: state, how much of the target is used, when due.
function slaPanel(sla) {
  const clocks = sla && sla.clocks ? Object.entries(sla.clocks).filter(([, c]) => c.state !== 'none') : [];
  if (!clocks.length) return el('p', { class: 'muted' }, 'No SLA clock is running.');
  return el('ul', { class: 'clocks' }, clocks.map(([name, c]) => {
    const fill = el('span', { class: `fill ${c.breached_at ? 'over' : c.percent >= 75 ? 'near' : 'fine'}` });
    fill.style.width = `${Math.min(100, c.percent || 0)}%`;
    const due = c.breached_at ? `breached ${ago(c.breached_at)} ago`
      : c.state === 'running' && c.due_at ? `due in ${ago(c.due_at)}` : c.state;
    return el('li', {},
      el('span', { class: 'c-name' }, CLOCK_NAMES[name] || human(name)),
      el('span', { class: 'bar', role: 'meter', 'aria-label': `${CLOCK_NAMES[name] || name}: ${c.percent || 0}% of the target used`,
        'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(Math.min(100, c.percent || 0)) }, fill),
      el('span', { class: `c-due ${c.breached_at ? 'sla-breached' : ''}` }, due));
  }));
}

function section(id, title, ...children) {
  return el('section', { class: 'panel', 'aria-labelledby': `${id}-h`, id },
    el('h2', { id: `${id}-h` }, title), ...children);
}

export async function render(root, ctx) {
  const id = ctx.params[0];
  let ticket;
  try {
    ticket = await ctx.api('GET', `/api/v1/tickets/${id}`);
  } catch (e) {
    if (e.status === 404) {
      mount(root, el('h1', {}, 'No such ticket'), el('p', {}, el('a', { href: '#/inbox' }, 'Back to the inbox')));
      return;
    }
    throw e;
  }
  if (!ctx.isCurrent || ctx.isCurrent()) show(root, ctx, ticket);
}

function show(root, ctx, ticket) {
  const reload = async () => {
    const t = await ctx.api('GET', `/api/v1/tickets/${ticket.id}`);
    if (root.isConnected) show(root, ctx, t);
  };
  document.title = `#${ticket.id} ${ticket.subject || ''} · truce`;
  const sla = slaText(ticket);
  const msgs = ticket.messages || [];
  const facts = el('dl', { class: 'facts' },
    el('div', {}, el('dt', {}, 'Status'), el('dd', {}, ticket.status)),
    el('div', {}, el('dt', {}, 'Priority'), el('dd', {}, ticket.priority || '—')),
    el('div', {}, el('dt', {}, 'Level'), el('dd', {}, levelBadge(ticket.level), ` risk ${ticket.risk ?? '–'}`)),
    el('div', {}, el('dt', {}, 'Assignee'), el('dd', {}, ticket.assignee ? ticket.assignee.name : 'unassigned')),
    el('div', {}, el('dt', {}, 'SLA'), el('dd', { class: `sla-${sla.state}` }, sla.text)),
    el('div', {}, el('dt', {}, 'Customer'), el('dd', {}, ticket.customer ? ticket.customer.name || ticket.customer.email : '—')),
    el('div', {}, el('dt', {}, 'Channel'), el('dd', {}, ticket.channel)),
    ticket.category ? el('div', {}, el('dt', {}, 'Category'), el('dd', {}, human(ticket.category))) : null);

  const composerBox = el('div', { class: 'mount', id: 'composer' }, el('p', { class: 'muted' }, 'Loading the composer…'));
  const offersBox = el('div', { class: 'mount', id: 'offers' }, el('p', { class: 'muted' }, 'Loading…'));
  const resolveBox = el('div', { class: 'mount', id: 'resolve' }, el('p', { class: 'muted' }, 'Loading…'));
  const playBox = el('div', {}, el('p', { class: 'muted' }, 'Loading the playbook…'));
  const custBox = el('div', {}, el('p', { class: 'muted' }, 'Loading…'));
  const suggBox = el('div', { class: 'mount', id: 'suggestions' }, el('p', { class: 'muted' }, 'Loading…'));
  // The reports behind the Insight panel are for leads: an agent gets none.
  const insightBox = isLead(ctx.me)
    ? el('div', { class: 'mount', id: 'insight' }, el('p', { class: 'muted', role: 'status' }, 'Loading the numbers…')) : null;

  mount(root,
    el('p', { class: 'crumbs' }, el('a', { href: '#/inbox' }, '← Inbox')),
    el('h1', { class: 'ticket-title' }, el('span', { class: 'muted' }, `#${ticket.id} `), ticket.subject || '(no subject)'),
    facts,
    (ticket.risk_reasons || []).length
      ? el('p', { class: 'reasons muted' }, 'Why: ', ticket.risk_reasons.map((r) => r.text).join('; ')) : null,
    el('div', { class: 'ticket-grid' },
      el('div', { class: 'col-thread' },
        section('thread', `Conversation (${msgs.length})`,
          el('ol', { class: 'thread' }, msgs.map(message))),
        section('reply', 'Reply', composerBox),
        section('playbook', 'Playbook for this case', playBox)),
      el('div', { class: 'col-side' },
        section('risk', 'Risk trajectory', trajectory(msgs)),
        section('sla', 'SLA', slaPanel(ticket.sla)),
        section('steps', 'The six steps', stepsPanel(ticket.steps)),
        section('offers-panel', 'Offers', offersBox),
        section('resolve-panel', 'Resolve', resolveBox),
        section('customer', 'Customer', custBox),
        insightBox ? section('insight-panel', 'Insight', insightBox) : null,
        section('suggestions-panel', 'Suggestions', suggBox))));

  playbookFor(ctx, ticket).then((pb) => mount(playBox, playbookPanel(pb)),
    (e) => mount(playBox, el('p', { class: 'muted' }, `No playbook: ${e.message}`)));
  customerPanel(ctx, ticket, custBox).catch((e) => mount(custBox, el('p', { class: 'error' }, `Could not load the customer: ${e.message}`)));
  mountPanel(composerBox, './composer.js', 'mountComposer', ctx, ticket, reload);
  mountPanel(offersBox, './offers.js', 'mountOffers', ctx, ticket);
  mountPanel(resolveBox, './resolve.js', 'mountResolve', ctx, ticket, reload);
  mountPanel(suggBox, './suggestions.js', 'mountSuggestions', ctx, ticket);
  if (insightBox) mountPanel(insightBox, './insight.js', 'mountInsight', ctx, ticket);
}
