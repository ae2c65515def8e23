// Small helpers the console's views share.
import { el, ago } from '/assets/js/dom.js';

export const LEVELS = ['calm', 'tense', 'heated', 'hostile'];
export const STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'];
export const CHANNELS = ['api', 'email', 'web', 'chat', 'phone'];
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
