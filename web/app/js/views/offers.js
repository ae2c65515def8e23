// A ticket's offers (docs/api.md "Offers within authority"): the list with
// each offer's state, and a form to propose one.  An offer within the
// agent's authority is approved at once (the customer is told); one above it
// waits for a lead's approval.  The server's errors show next to the field
// they name.

import { el, mount, ago } from '../../../assets/js/dom.js';

const KINDS = [
  ['refund', 'Refund'],
  ['replacement', 'Replacement'],
  ['credit', 'Credit'],
  ['discount', 'Discount'],
  ['alternative', 'Alternative'],
  ['apology_only', 'Apology only'],
];
const NEEDS_AMOUNT = new Set(['refund', 'credit', 'discount']);
const STATE_TEXT = {
  pending: 'waits for a lead\u2019s approval',
  approved: 'approved: the customer sees it',
  rejected: 'rejected',
  withdrawn: 'withdrawn',
};

let uid = 0;

export function kindName(kind) {
  const k = KINDS.find(([v]) => v === kind);
  return k ? k[1] : String(kind || '');
}

export function offerSummary(o) {
  const money = o.amount !== null && o.amount !== undefined ? ` ${o.amount} ${o.currency || ''}`.trimEnd() : '';
  return `${kindName(o.kind)}${money}`;
}

export function stateBadge(state) {
  return el('span', { class: `badge offer-state offer-${state}` }, state);
}

export function mountOffers(root, ctx, ticket) {
  const id = `offers-${++uid}`;
  const list = el('ul', { class: 'offers-list', 'aria-live': 'polite' });
  const listStatus = el('p', { class: 'muted offers-empty' });

  const fields = {};
  const errors = {};
  function fieldRow(name, labelText, control, extra) {
    control.id = `${id}-${name}`;
    errors[name] = el('span', { class: 'error field-error', id: `${id}-${name}-error` });
    control.setAttribute('aria-describedby', errors[name].id);
    fields[name] = control;
    return el('div', { class: `offers-field offers-field-${name}` }, el('label', { for: control.id }, labelText), control, extra, errors[name]);
  }

  const kind = el('select', {}, KINDS.map(([v, t]) => el('option', { value: v }, t)));
  const amount = el('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', placeholder: 'e.g. 80.00', size: '8' });
  const currency = el('input', {
    type: 'text',
    autocomplete: 'off',
    maxlength: '3',
    size: '4',
    value: 'EUR',
    pattern: '[A-Z]{3}',
    title: 'three capital letters, such as EUR',
  });
  const note = el('textarea', { rows: '2', maxlength: '2000', placeholder: 'What is offered and why (for the approver)' });
  const submit = el('button', { type: 'submit', class: 'primary' }, 'Propose offer');
  const result = el('p', { class: 'offers-result', role: 'status' });
  const formError = el('p', { class: 'error', role: 'alert' });
  const closed = ticket.status === 'closed';

  const moneyRow = el(
    'div',
    { class: 'offers-money' },
    fieldRow('amount', 'Amount', amount),
    fieldRow('currency', 'Currency', currency),
  );
  const form = el(
    'form',
    { class: 'offers-form', 'aria-labelledby': `${id}-form-head`, novalidate: true },
    el('h4', { id: `${id}-form-head` }, 'Propose an offer'),
    el('div', { class: 'offers-row' }, fieldRow('kind', 'Kind', kind), moneyRow),
    fieldRow('note', 'Note for the approver', note),
    el('div', { class: 'offers-actions' }, submit),
    formError,
    result,
  );

  mount(
    root,
    el(
      'section',
      { class: 'offers', 'aria-labelledby': `${id}-head` },
      el('h3', { id: `${id}-head`, class: 'visually-hidden' }, 'Offers'),
      listStatus,
      list,
      closed ? el('p', { class: 'muted' }, 'The ticket is closed: no more offers.') : form,
    ),
  );

  function syncKind() {
    const apology = kind.value === 'apology_only';
    moneyRow.hidden = apology;
    amount.required = NEEDS_AMOUNT.has(kind.value);
  }
  kind.addEventListener('change', syncKind);
  syncKind();

  function clearErrors() {
    for (const e of Object.values(errors)) e.textContent = '';
    for (const f of Object.values(fields)) f.removeAttribute('aria-invalid');
    formError.textContent = '';
  }

  function showError(e) {
    const field = String(e.field || '').replace(/^offer\./, '');
    if (errors[field]) {
      errors[field].textContent = e.message;
      fields[field].setAttribute('aria-invalid', 'true');
      if (field === 'amount' || field === 'currency') moneyRow.hidden = false;
      fields[field].focus();
    } else {
      formError.textContent = e.message;
    }
  }

  function renderOffer(o) {
    const mine = ctx.me && o.proposed_by === ctx.me.id;
    const withdraw =
      o.state === 'pending' && mine
        ? el('button', { type: 'button', class: 'offers-withdraw', onclick: () => withdrawOffer(o) }, 'Withdraw')
        : null;
    return el(
      'li',
      { class: `offers-item offer-${o.state}`, dataset: { offerId: String(o.id) } },
      el(
        'div',
        { class: 'offers-item-head' },
        el('strong', {}, offerSummary(o)),
        ' ',
        stateBadge(o.state),
        ' ',
        el('span', { class: 'muted offers-state-text' }, STATE_TEXT[o.state] || ''),
      ),
      o.note ? el('p', { class: 'offers-note' }, o.note) : null,
      o.decision_note ? el('p', { class: 'offers-note muted' }, `Lead: ${o.decision_note}`) : null,
      el('p', { class: 'muted offers-meta' }, `proposed ${ago(o.proposed_at)} ago by ${o.proposer_role}${mine ? ' (you)' : ''}`),
      withdraw,
    );
  }

  async function load() {
    try {
      const r = await ctx.api('GET', `/api/v1/tickets/${ticket.id}/offers?limit=200`);
      const items = (r && r.items) || [];
      list.replaceChildren(...items.map(renderOffer));
      listStatus.textContent = items.length ? '' : 'No offers yet.';
      listStatus.hidden = items.length > 0;
    } catch (e) {
      listStatus.hidden = false;
      listStatus.textContent = `Offers could not be loaded: ${e.message}`;
    }
  }

  async function withdrawOffer(o) {
    try {
      await ctx.api('POST', `/api/v1/offers/${o.id}/withdraw`);
      result.textContent = `${offerSummary(o)} withdrawn.`;
    } catch (e) {
      result.textContent = `Not withdrawn: ${e.message}`;
    }
    await load();
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors();
    result.textContent = '';
    const body = { kind: kind.value };
    if (kind.value !== 'apology_only') {
      const a = amount.value.trim();
      if (a) {
        body.amount = a;
        body.currency = currency.value.trim().toUpperCase() || null;
      }
    }
    if (note.value.trim()) body.note = note.value;
    submit.disabled = true;
    try {
      const o = await ctx.api('POST', `/api/v1/tickets/${ticket.id}/offers`, body);
      result.textContent =
        o.state === 'pending'
          ? `${offerSummary(o)} is above your authority: it waits for a lead\u2019s approval.`
          : `${offerSummary(o)} approved: the customer is told.`;
      result.className = `offers-result offer-${o.state}`;
      amount.value = '';
      note.value = '';
      await load();
    } catch (e) {
      showError(e);
    } finally {
      submit.disabled = false;
    }
  });

  load();
  return { reload: load };
}
