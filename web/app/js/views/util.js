// Small helpers the console's views share.
// (dom.js by a relative path, so node's tests/web/ can import the views)
import { el, ago } from '../../../assets/js/dom.js';

export const LEVELS = ['calm', 'tense', 'heated', 'hostile'];
export const STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'];
export const CHANNELS = ['api', 'email', 'web', 'chat', 'phone'];
const LEAD_ROLES = new Set(['lead', 'admin']);
const DAY_MS = 86400000;

// Leads and admins read the reports (an agent gets 403 from them).
export function isLead(agent) {
  return !!agent && LEAD_ROLES.has(agent.role);
}

// The last n days up to today as the reports' from/to (YYYY-MM-DD, UTC,
// both days included).
export function lastDays(n, now = Date.now()) {
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  return { from: day(now - (n - 1) * DAY_MS), to: day(now) };
}

// A share 0..1 as a percentage with one decimal (null stays null).
export function pct(v) {
  return typeof v === 'number' ? Math.round(v * 1000) / 10 : null;
}

// A number rounded to `digits` with a unit, or "–" when there is none.
export function show(v, unit = '', digits = 1) {
  if (v === null || v === undefined) return '–';
  const f = 10 ** digits;
  return `${Math.round(v * f) / f}${unit}`;
}

// A median time in ms as "45 min", "5.5 h" or "3.2 d"; "–" for none.
export function duration(ms) {
  if (typeof ms !== 'number') return '–';
  const min = ms / 60000;
  if (min < 60) return show(min, ' min', 0);
  if (min < 48 * 60) return show(min / 60, ' h');
  return show(min / 1440, ' d');
}

export const TRIGGERS = ['churn_threat', 'legal_threat', 'public_threat', 'escalation_request',
  'repeat_contact', 'shouting', 'profanity', 'abuse', 'urgency', 'safety'];

export function levelBadge(level) {
  if (!level) return el('span', { class: 'badge none' }, 'no level');
  return el('span', { class: `badge ${level}`, title: `conflict level: ${level}` }, level);
}

// A search snippet (a list of {text, hit} parts, docs/api.md "Snippets"):
// hits become <mark>s, everything goes in as text nodes, never as HTML.
export function snippet(parts) {
  return el('span', { class: 'snippet' },
    (parts || []).map((p) => (p.hit ? el('mark', {}, p.text) : p.text)));
}

// A labelled <select>: [label, select] for a filter form; options are
// [value, text] pairs.
export function selectField(id, label, value, options) {
  const s = el('select', { id, name: id },
    options.map(([v, text]) => el('option', { value: v, selected: v === value }, text)));
  return [el('label', { for: id }, label), s];
}

// A filter form's wiring (the inbox's, the knowledge base's): submitting
// takes the search box's text into state.q (and calls onSubmit for other
// fields), clearing the box goes back to the unsearched list, a changed
// select filters at once into state[its id without `prefix`].  Each calls
// load(false): a fresh first page.
export function wireFilters({ form, search, state, prefix, load, onSubmit }) {
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    state.q = search.value;
    if (onSubmit) onSubmit();
    load(false);
  });
  // Clearing the box (its ✕, or deleting the text) is back to the list.
  search.addEventListener('input', () => {
    if (search.value.trim() || !state.q.trim()) return;
    state.q = '';
    load(false);
  });
  form.addEventListener('change', (ev) => {
    if (ev.target.tagName !== 'SELECT') return;
    state[ev.target.id.slice(prefix.length)] = ev.target.value;
    load(false);
  });
}

export function human(kind) {
  return String(kind || '').replace(/_/g, ' ');
}

// The triggers of a ticket, from its risk reasons ("public threat in the
// latest message", "abuse in the latest message", ...).
export function triggersOf(ticket) {
  const out = [];
  for (const r of ticket.risk_reasons || []) {
    const text = String(r.text || '');
    const m = text.match(/^(.*?) in the latest message$/);
    if (m) out.push(m[1]);
  }
  return out;
}

// The SLA as a short phrase and a state: "due in 17 min", "overdue 2 h", "breached".
export function slaText(ticket, now = Date.now()) {
  const breached = (ticket.sla_breached && ticket.sla_breached.length) || ticket.breached_at;
  if (!ticket.due_at) return { text: breached ? 'breached' : '—', state: breached ? 'breached' : 'none' };
  const left = Date.parse(ticket.due_at) - now;
  if (breached || left < 0) return { text: `breached ${ago(ticket.due_at, now)} ago`, state: 'breached' };
  return { text: `due in ${ago(ticket.due_at, now)}`, state: left < 15 * 60000 ? 'soon' : 'ok' };
}

// How long the customer has waited: since the ticket came in when nobody has
// answered yet, else since its last change.
export function waitingSince(ticket) {
  if (ticket.status === 'resolved' || ticket.status === 'closed') return null;
  return ticket.first_response_at ? ticket.updated_at : ticket.created_at;
}

export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function timeEl(iso, text) {
  return el('time', { datetime: iso, title: when(iso) }, text || when(iso));
}
