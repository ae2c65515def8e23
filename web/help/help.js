// The help center: the (not yet available) article search and the contact
// form -> POST /api/v1/public/contact -> the private case link to keep.
import { api, ApiError } from '/assets/js/api.js';

const FIELDS = ['name', 'email', 'subject', 'message'];
const LABELS = { name: 'your name', email: 'your email', subject: 'a subject', message: 'your message' };
const form = document.getElementById('contact');
const formErr = document.getElementById('form-err');
const send = document.getElementById('send');

function input(name) {
  return document.getElementById(name);
}

function setError(name, text) {
  const box = document.getElementById(`${name}-err`);
  box.textContent = text || '';
  if (text) input(name).setAttribute('aria-invalid', 'true');
  else input(name).removeAttribute('aria-invalid');
}

function clearErrors() {
  for (const f of FIELDS) setError(f, '');
  formErr.textContent = '';
}

// Required fields and a plausible email, checked before anything is sent.
function check() {
  let first = null;
  for (const f of FIELDS) {
    const v = input(f).value.trim();
    let msg = '';
    if (!v) msg = `Please enter ${LABELS[f]}.`;
    else if (f === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) msg = 'Please enter an email address like name@example.com.';
    setError(f, msg);
    if (msg && !first) first = f;
  }
  if (first) input(first).focus();
  return !first;
}

document.getElementById('search').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const q = input('q').value.trim();
  document.getElementById('search-result').textContent = q
    ? `No articles found for "${q}": the help articles are not available yet. Please use the contact form below.`
    : 'Type what you are looking for. The help articles are not available yet.';
});

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors();
  if (!check()) return;
  const body = {};
  for (const f of FIELDS) body[f] = input(f).value.trim();
  send.disabled = true;
  send.textContent = 'Sending…';
  try {
    const r = await api('POST', '/api/v1/public/contact', body);
    const url = new URL(r.case_url, location.origin).href;
    const link = document.getElementById('case-link');
    link.href = url;
    link.textContent = url;
    form.hidden = true;
    const done = document.getElementById('done');
    done.hidden = false;
    done.focus();
  } catch (e) {
    const field = e instanceof ApiError ? e.field : '';
    if (FIELDS.includes(field)) {
      setError(field, e.message);
      input(field).focus();
    } else if (e instanceof ApiError && e.status === 429) {
      formErr.textContent = 'Too many messages from here in a short time. Please wait a minute and try again.';
    } else {
      formErr.textContent = `Your message could not be sent: ${e.message}. Please try again.`;
    }
  } finally {
    send.disabled = false;
    send.textContent = 'Send';
  }
});

document.getElementById('copy').addEventListener('click', async () => {
  const status = document.getElementById('copied');
  try {
    await navigator.clipboard.writeText(document.getElementById('case-link').href);
    status.textContent = 'Copied.';
  } catch {
    status.textContent = 'Select the link above and copy it.';
  }
});
