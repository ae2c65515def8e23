// Resolving a ticket.  A conflict (the six steps apply) resolves with a
// lesson: its cause, what went wrong and what would prevent it (docs/api.md
// "The six steps, lessons and problems"), asked in a small form and sent
// with the status in one PATCH.  The server's errors show in place.

import { el, mount } from '../../../assets/js/dom.js';

const LESSON_FIELDS = [
  ['cause', 'Cause', 'What caused it, e.g. the billing job ran twice'],
  ['what_went_wrong', 'What went wrong', 'What the customer went through'],
  ['prevention', 'What would prevent it', 'The change that stops it happening again'],
];

let uid = 0;

// Whether resolving this ticket needs a lesson: the steps apply and no
// lesson is recorded yet (the review_and_learn step is not done).
export function needsLesson(ticket) {
  const s = ticket && ticket.steps;
  if (!s || !s.applies) return false;
  const learn = (s.steps || []).find((x) => x.step === 'review_and_learn');
  return !(learn && learn.done && learn.source === 'evidence');
}

export function mountResolve(root, ctx, ticket, onDone) {
  const id = `resolve-${++uid}`;
  const status = el('p', { class: 'resolve-status', role: 'status' });
  const error = el('p', { class: 'error', role: 'alert' });
  const done = ticket.status === 'resolved' || ticket.status === 'closed';
  const button = el('button', { type: 'button', class: 'primary resolve-button' }, 'Resolve');

  const inputs = {};
  const fieldErrors = {};
  const rows = LESSON_FIELDS.map(([name, label, placeholder]) => {
    const input = el('textarea', {
      id: `${id}-${name}`,
      rows: '2',
      maxlength: '2000',
      required: true,
      placeholder,
      'aria-describedby': `${id}-${name}-error`,
    });
    inputs[name] = input;
    fieldErrors[name] = el('span', { class: 'error field-error', id: `${id}-${name}-error` });
    return el('div', { class: 'resolve-field' }, el('label', { for: input.id }, label), input, fieldErrors[name]);
  });
  const submit = el('button', { type: 'submit', class: 'primary' }, 'Resolve with this lesson');
  const cancel = el('button', { type: 'button' }, 'Cancel');
  const form = el(
    'form',
    { class: 'resolve-lesson', 'aria-labelledby': `${id}-lesson-head`, novalidate: true, hidden: true },
    el('h4', { id: `${id}-lesson-head` }, 'The lesson of this conflict'),
    el(
      'p',
      { class: 'muted' },
      'This ticket was a conflict. Before it is resolved, write down what the team can learn from it.',
    ),
    rows,
    el('div', { class: 'resolve-actions' }, submit, cancel),
  );

  mount(
    root,
    el(
      'section',
      { class: 'resolve', 'aria-label': 'Resolve' },
      done ? el('p', { class: 'muted' }, `This ticket is ${ticket.status}.`) : button,
      form,
      status,
      error,
    ),
  );

  function clearErrors() {
    error.textContent = '';
    for (const [name] of LESSON_FIELDS) {
      fieldErrors[name].textContent = '';
      inputs[name].removeAttribute('aria-invalid');
    }
  }

  function openForm() {
    form.hidden = false;
    button.hidden = true;
    inputs.cause.focus();
  }

  async function patch(body) {
    clearErrors();
    button.disabled = true;
    submit.disabled = true;
    status.textContent = 'Resolving…';
    try {
      const t = await ctx.api('PATCH', `/api/v1/tickets/${ticket.id}`, body);
      status.textContent = 'Resolved.';
      form.hidden = true;
      button.hidden = true;
      if (onDone) onDone(t);
    } catch (e) {
      status.textContent = '';
      const field = String(e.field || '');
      const sub = field.replace(/^lesson\./, '');
      if (field === 'lesson' && form.hidden) {
        // The server wants a lesson we did not know was needed.
        openForm();
        error.textContent = e.message;
      } else if (field.startsWith('lesson.') && fieldErrors[sub]) {
        fieldErrors[sub].textContent = e.message;
        inputs[sub].setAttribute('aria-invalid', 'true');
        inputs[sub].focus();
      } else {
        error.textContent = e.message;
      }
    } finally {
      button.disabled = false;
      submit.disabled = false;
    }
  }

  button.addEventListener('click', () => {
    if (needsLesson(ticket)) openForm();
    else patch({ status: 'resolved' });
  });
  cancel.addEventListener('click', () => {
    form.hidden = true;
    button.hidden = false;
    clearErrors();
    button.focus();
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors();
    const lesson = {};
    let missing = null;
    for (const [name] of LESSON_FIELDS) {
      lesson[name] = inputs[name].value.trim();
      if (!lesson[name] && !missing) missing = name;
    }
    if (missing) {
      fieldErrors[missing].textContent = 'Please fill this in.';
      inputs[missing].setAttribute('aria-invalid', 'true');
      inputs[missing].focus();
      return;
    }
    patch({ status: 'resolved', lesson });
  });
}
