// The composer: the agent writes a reply (or an internal note) and the reply
// coach (POST /api/v1/coach, docs/api.md "Reply coach") reviews the draft as
// they type.  Findings show twice: underlined in the draft (a mirror element
// behind a transparent textarea, holding the same text with <mark> spans at
// the findings' byte spans) and as a list, each with its message and, where
// the coach's suggestion is a rewrite, a one-click "Apply".  The skill scores
// are meters.
//
// Requests: the review runs ~300 ms after the last keystroke; a newer review
// aborts the one in flight (never more than one), and an answer for a draft
// that has changed since is dropped.

import { el, mount, byteToIndex } from '../../../assets/js/dom.js';

const DEBOUNCE_MS = 300;
const SKILLS = ['listening', 'empathy', 'ownership', 'clarity', 'solution', 'professionalism', 'overall'];
const KIND_LABELS = {
  no_acknowledgement: 'No acknowledgement',
  no_apology: 'No apology',
  hollow_apology: 'Hollow apology',
  no_thanks: 'No thanks',
  no_name: 'No name',
  blame: 'Blame',
  defensive: 'Defensive',
  condescending: 'Condescending',
  shouting: 'Shouting',
  jargon: 'Jargon',
  negative_phrasing: 'Negative phrasing',
  no_next_step: 'No next step',
  no_paraphrase: 'No paraphrase',
  no_open_question: 'No open question',
  wall_of_text: 'Wall of text',
  hard_to_read: 'Hard to read',
  no_greeting: 'No greeting',
  no_closing: 'No closing',
};
const SEVERITY_ORDER = { error: 0, warn: 1, info: 2 };

// Suggestions that are advice to the agent rather than words for the
// customer begin with one of these verbs ("Use plain words.").
const ADVICE = /^(describe|drop|say|use|lead|name|own|give|address|restate|ask|split|break|write|spell|open|end|keep|cut|avoid|replace|remove|try|stress|start|add|offer|explain|tell|check)\b/i;

let uid = 0;

export function kindLabel(kind) {
  return KIND_LABELS[kind] || String(kind || '').replace(/_/g, ' ');
}

function firstName(name) {
  const n = String(name || '').trim();
  return n ? n.split(/\s+/)[0] : '';
}

// Converts a review's findings to string indices into the text it reviewed.
export function findingRanges(text, findings) {
  return (findings || []).map((f) => ({
    finding: f,
    start: byteToIndex(text, f.start),
    end: byteToIndex(text, f.end),
  }));
}

// Where a range of `before` is in `after`, when the draft was edited in one
// place since (common prefix and suffix): the same range shifted, or null
// when the edit touched it.
export function mapRange(before, after, start, end) {
  if (before === after) return { start, end };
  let p = 0;
  const max = Math.min(before.length, after.length);
  while (p < max && before[p] === after[p]) p++;
  let s = 0;
  while (s < max - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
  const editEnd = before.length - s; // [p, editEnd) of before was replaced
  const delta = after.length - before.length;
  if (start === end) {
    // A point (something missing): it moves with the text around it.
    if (start <= p) return { start, end };
    if (start >= editEnd) return { start: start + delta, end: end + delta };
    return { start: p, end: p };
  }
  if (end <= p) return { start, end };
  if (start >= editEnd) return { start: start + delta, end: end + delta };
  return null;
}

// Non-overlapping, non-empty ranges in order: what the mirror underlines.
export function markRanges(ranges, length) {
  const sorted = ranges
    .filter((r) => r && r.end > r.start && r.start < length)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const out = [];
  let pos = 0;
  for (const r of sorted) {
    const start = Math.max(r.start, pos);
    const end = Math.min(r.end, length);
    if (end <= start) continue;
    out.push({ ...r, start, end });
    pos = end;
  }
  return out;
}

function matchCase(original, replacement) {
  if (!original || !replacement) return replacement;
  const o = original[0];
  const r = replacement[0];
  if (o === o.toUpperCase() && o !== o.toLowerCase()) return r.toUpperCase() + replacement.slice(1);
  if (o === o.toLowerCase() && o !== o.toUpperCase() && !/^I\b|^I'/.test(replacement)) {
    return r.toLowerCase() + replacement.slice(1);
  }
  return replacement;
}

// What "Apply" puts in the draft for a finding, or null when the coach's
// suggestion is advice to follow by hand.  Returns {start, end, text}, the
// string range of `draft` to replace and the words to put there.
export function fixFor(f, draft, range, { customerName = '', agentName = '' } = {}) {
  const { start, end } = range;
  const span = draft.slice(start, end);
  const sug = String(f.suggestion || '').trim();
  const quoted = sug.match(/"([^"]+)"|\u201c([^\u201d]+)\u201d/);
  const quote = quoted ? (quoted[1] || quoted[2]).trim() : '';
  const first = firstName(customerName);
  switch (f.kind) {
    case 'no_name':
    case 'no_greeting': {
      const greet = draft.match(/^\s*(hi|hello|hey|dear|good (morning|afternoon|evening))\b/i);
      if (greet && first && f.kind === 'no_name') {
        const at = greet[0].length;
        return { start: at, end: at, text: ` ${first}` };
      }
      if (greet || (f.kind === 'no_name' && !first)) return null;
      const text = first ? `Hi ${first},` : 'Hello,';
      return { start: 0, end: 0, text: insertion(draft, 0, text, '\n\n') };
    }
    case 'no_closing': {
      if (!quote) return null;
      const me = firstName(agentName);
      let text = quote;
      if (me) text = text.replace(/-\s*\S+$/, `- ${me}`);
      return { start: draft.length, end: draft.length, text: insertion(draft, draft.length, text, '\n\n') };
    }
    case 'shouting':
      if (/^!+$/.test(span)) return { start, end, text: '.' };
      if (/\p{Lu}/u.test(span)) {
        return { start, end, text: span[0] + span.slice(1).toLowerCase() };
      }
      return null;
    default:
      break;
  }
  if (start === end) {
    if (!quote) return null;
    return { start, end, text: insertion(draft, start, quote, ' ') };
  }
  let text = quote || (sug && !ADVICE.test(sug) ? sug : '');
  if (!text) return null;
  // A rewrite of a whole sentence keeps the sentence's end from the draft.
  if (/[.!?]$/.test(text) && /^[,;:.!?]/.test(draft.slice(end))) text = text.replace(/[.!?]+$/, '');
  return { start, end, text: matchCase(span, text) };
}

// Words inserted at `at` with the separator they need on either side
// (also the Suggestions panel's "Insert link").
export function insertion(draft, at, text, sep) {
  const before = draft.slice(0, at);
  const after = draft.slice(at);
  let t = text;
  if (before && !/\s$/.test(before)) t = sep + t;
  if (after && !/^\s/.test(after)) t += sep === ' ' ? ' ' : sep;
  else if (!after && !before) t = text;
  return t;
}

export function mountComposer(root, ctx, ticket, onSent) {
  const id = `composer-${++uid}`;
  const state = {
    review: null, // the last review
    reviewed: '', // the draft it reviewed
    ranges: [], // its findings' string ranges in `reviewed`
    timer: null,
    inflight: null, // {controller, seq}
    seq: 0,
    sending: false,
  };
  const closed = ticket && ticket.status === 'closed';

  const textarea = el('textarea', {
    id: `${id}-draft`,
    class: 'composer-input',
    rows: '5',
    spellcheck: 'true',
    'aria-describedby': `${id}-status ${id}-hint`,
    disabled: closed,
  });
  const mirror = el('div', { class: 'composer-mirror', 'aria-hidden': 'true' });
  const field = el('div', { class: 'composer-field' }, mirror, textarea);
  const label = el('label', { for: textarea.id, class: 'composer-label' }, 'Your reply');

  const replyRadio = el('input', { type: 'radio', name: `${id}-mode`, id: `${id}-reply`, value: 'reply', checked: true });
  const noteRadio = el('input', { type: 'radio', name: `${id}-mode`, id: `${id}-note`, value: 'note' });
  const mode = el(
    'fieldset',
    { class: 'composer-mode' },
    el('legend', { class: 'visually-hidden' }, 'Send as'),
    el('span', { class: 'composer-mode-option' }, replyRadio, el('label', { for: replyRadio.id }, 'Reply to customer')),
    el('span', { class: 'composer-mode-option' }, noteRadio, el('label', { for: noteRadio.id }, 'Internal note')),
  );

  const status = el('p', { id: `${id}-status`, class: 'composer-status muted', role: 'status', 'aria-live': 'polite' });
  const sendBtn = el('button', { type: 'button', class: 'primary composer-send', disabled: true }, 'Send reply');
  const hint = el('span', { id: `${id}-hint`, class: 'composer-hint muted' }, 'Ctrl+Enter sends');
  const sendError = el('p', { class: 'composer-error error', role: 'alert' });
  const actions = el('div', { class: 'composer-actions' }, sendBtn, hint);

  const findingsHead = el('h3', { class: 'composer-subhead', id: `${id}-findings-head` }, 'Coach');
  const findingsList = el('ul', { class: 'composer-findings', 'aria-labelledby': findingsHead.id });
  const scores = el('div', { class: 'composer-scores', role: 'group', 'aria-label': 'Skill scores' });
  const coach = el('div', { class: 'composer-coach' }, findingsHead, scores, findingsList);

  const form = el(
    'section',
    { class: 'composer', 'aria-label': 'Composer' },
    mode,
    label,
    field,
    status,
    sendError,
    actions,
    coach,
  );
  mount(root, form);

  if (closed) status.textContent = 'This ticket is closed: it takes no more messages.';
  const isNote = () => noteRadio.checked;

  // ---- the mirror ----------------------------------------------------------

  function currentRanges() {
    const text = textarea.value;
    return state.ranges.map((r) => {
      const m = mapRange(state.reviewed, text, r.start, r.end);
      return m ? { ...r, ...m } : null;
    });
  }

  function renderMirror() {
    const text = textarea.value;
    const nodes = [];
    let pos = 0;
    if (!isNote()) {
      for (const r of markRanges(currentRanges(), text.length)) {
        if (r.start > pos) nodes.push(document.createTextNode(text.slice(pos, r.start)));
        nodes.push(
          el('mark', { class: `finding sev-${r.finding.severity} kind-${r.finding.kind}` }, text.slice(r.start, r.end)),
        );
        pos = r.end;
      }
    }
    nodes.push(document.createTextNode(text.slice(pos)));
    // A trailing newline needs something after it to take up its line.
    nodes.push(document.createTextNode('\u200b'));
    mirror.replaceChildren(...nodes);
    mirror.scrollTop = textarea.scrollTop;
  }

  function autosize() {
    textarea.style.height = 'auto';
    textarea.style.height = `${textarea.scrollHeight + 2}px`;
  }

  // ---- the coach's review --------------------------------------------------

  function clearReview() {
    state.review = null;
    state.reviewed = '';
    state.ranges = [];
    findingsList.replaceChildren();
    scores.replaceChildren();
    coach.hidden = true;
  }

  function schedule(delay = DEBOUNCE_MS) {
    clearTimeout(state.timer);
    state.timer = setTimeout(review, delay);
  }

  async function review() {
    state.timer = null;
    const draft = textarea.value;
    if (isNote() || !draft.trim()) {
      abortInflight();
      clearReview();
      renderMirror();
      status.textContent = isNote() ? 'Internal notes are not coached; only your team sees them.' : '';
      return;
    }
    if (draft === state.reviewed && state.review) return;
    abortInflight();
    const seq = ++state.seq;
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    state.inflight = { controller, seq };
    status.textContent = 'Checking your draft…';
    form.classList.add('checking');
    try {
      const r = await ctx.api('POST', '/api/v1/coach', { draft, ticket_id: ticket.id }, {
        signal: controller ? controller.signal : undefined,
      });
      if (seq !== state.seq) return; // a newer review was asked for
      if (textarea.value !== draft) {
        // Typed on while this one ran: the next review is already scheduled.
        if (!state.timer) schedule();
        return;
      }
      showReview(draft, r);
    } catch (e) {
      if (seq !== state.seq || (e && e.name === 'AbortError')) return;
      status.textContent = `The coach could not review the draft: ${e.message}`;
    } finally {
      if (seq === state.seq) {
        state.inflight = null;
        form.classList.remove('checking');
      }
    }
  }

  function abortInflight() {
    if (state.inflight) {
      state.seq++;
      if (state.inflight.controller) state.inflight.controller.abort();
      state.inflight = null;
      form.classList.remove('checking');
    }
  }

  function showReview(draft, r) {
    state.review = r;
    state.reviewed = draft;
    state.ranges = findingRanges(draft, r.findings);
    renderMirror();
    renderFindings();
    renderScores(r.scores || {});
    coach.hidden = false;
    const n = (r.findings || []).length;
    const serious = (r.findings || []).filter((f) => f.severity !== 'info').length;
    status.textContent =
      n === 0
        ? 'The coach has nothing to add.'
        : `${n} finding${n === 1 ? '' : 's'}${serious ? `, ${serious} to fix` : ''}.`;
  }

  function renderFindings() {
    const order = state.ranges
      .map((r, i) => ({ ...r, i }))
      .sort(
        (a, b) =>
          (SEVERITY_ORDER[a.finding.severity] ?? 3) - (SEVERITY_ORDER[b.finding.severity] ?? 3) ||
          a.start - b.start ||
          a.i - b.i,
      );
    const items = order.map((r) => {
      const f = r.finding;
      const fix = fixFor(f, state.reviewed, r, {
        customerName: ticket.customer && ticket.customer.name,
        agentName: ctx.me && ctx.me.name,
      });
      const applyBtn = fix
        ? el(
            'button',
            {
              type: 'button',
              class: 'composer-apply',
              'aria-label': `Apply: ${kindLabel(f.kind)}${f.text ? ` "${f.text}"` : ''}`,
              title: fix.text.trim() ? `Puts in: ${fix.text.trim()}` : undefined,
              onclick: () => apply(r.i),
            },
            'Apply',
          )
        : null;
      return el(
        'li',
        { class: `composer-finding sev-${f.severity}`, dataset: { kind: f.kind } },
        el(
          'div',
          { class: 'composer-finding-head' },
          el('span', { class: `sev sev-${f.severity}` }, f.severity),
          el('strong', {}, kindLabel(f.kind)),
          f.text ? el('q', { class: 'composer-finding-text' }, f.text) : null,
        ),
        el('p', { class: 'composer-finding-message' }, f.message || ''),
        f.suggestion ? el('p', { class: 'composer-finding-suggestion muted' }, f.suggestion) : null,
        applyBtn,
      );
    });
    findingsList.replaceChildren(...items);
    if (!items.length) findingsList.replaceChildren(el('li', { class: 'composer-finding none muted' }, 'No findings: this reads well.'));
  }

  function renderScores(s) {
    const rows = SKILLS.map((k) => {
      const v = Number.isFinite(s[k]) ? s[k] : null;
      const mid = `${id}-score-${k}`;
      return el(
        'div',
        { class: `composer-score${k === 'overall' ? ' overall' : ''}` },
        el('label', { for: mid }, k[0].toUpperCase() + k.slice(1)),
        el('meter', {
          id: mid,
          min: '0',
          max: '100',
          low: '50',
          high: '80',
          optimum: '100',
          value: String(v ?? 0),
          title: v === null ? 'no score' : `${v} of 100`,
        }),
        el('span', { class: 'composer-score-value' }, v === null ? '–' : String(v)),
      );
    });
    scores.replaceChildren(...rows);
  }

  function apply(i) {
    const r = state.ranges[i];
    if (!r) return;
    const text = textarea.value;
    const m = mapRange(state.reviewed, text, r.start, r.end);
    if (!m) {
      status.textContent = 'The draft changed there since the review; wait for the new one.';
      return;
    }
    const fix = fixFor(r.finding, text, m, {
      customerName: ticket.customer && ticket.customer.name,
      agentName: ctx.me && ctx.me.name,
    });
    if (!fix) return;
    textarea.value = text.slice(0, fix.start) + fix.text + text.slice(fix.end);
    // The new words are selected: the agent sees what changed and can type
    // over an example that does not fit this case.
    const lead = fix.text.length - fix.text.trimStart().length;
    const trail = fix.text.length - fix.text.trimEnd().length;
    textarea.focus();
    textarea.setSelectionRange(fix.start + lead, fix.start + fix.text.length - trail);
    onInput();
    schedule(0);
  }

  // ---- sending -------------------------------------------------------------

  async function send() {
    const body = textarea.value;
    if (state.sending || closed || !body.trim()) return;
    state.sending = true;
    sendBtn.disabled = true;
    sendError.textContent = '';
    const internal = isNote();
    try {
      const msg = await ctx.api('POST', `/api/v1/tickets/${ticket.id}/messages`, { body, internal });
      clearTimeout(state.timer);
      abortInflight();
      textarea.value = '';
      clearReview();
      autosize();
      renderMirror();
      status.textContent = internal ? 'Note added.' : 'Reply sent.';
      if (onSent) onSent(msg);
    } catch (e) {
      sendError.textContent = `Not sent: ${e.message}`;
    } finally {
      state.sending = false;
      sendBtn.disabled = !textarea.value.trim() || closed;
    }
  }

  // ---- events --------------------------------------------------------------

  function onInput() {
    autosize();
    renderMirror();
    sendBtn.disabled = state.sending || closed || !textarea.value.trim();
    sendError.textContent = '';
  }

  function onMode() {
    const note = isNote();
    label.textContent = note ? 'Your note (only the team sees it)' : 'Your reply';
    sendBtn.textContent = note ? 'Add note' : 'Send reply';
    form.classList.toggle('note', note);
    schedule(0);
  }

  textarea.addEventListener('input', () => {
    onInput();
    schedule();
  });
  textarea.addEventListener('scroll', () => {
    mirror.scrollTop = textarea.scrollTop;
  });
  textarea.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      send();
    }
  });
  replyRadio.addEventListener('change', onMode);
  noteRadio.addEventListener('change', onMode);
  sendBtn.addEventListener('click', send);

  clearReview();
  renderMirror();
  return {
    textarea,
    focus: () => textarea.focus(),
    setDraft(text) {
      textarea.value = text;
      onInput();
      schedule(0);
    },
  };
}
