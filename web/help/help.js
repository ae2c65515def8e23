// The help center: the published public articles (list, one article, the
// server's full-text search over them) and the contact form -> POST
// /api/v1/public/contact -> the private case link to keep.
import { api, ApiError } from '/assets/js/api.js';
import { cutUtf8 } from '/assets/js/dom.js';

// The server's limits on q, in bytes of UTF-8 (docs/api.md "The query").
const SEARCH_MAX_BYTES = 256;
const SUGGEST_MAX_BYTES = 4096;

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

// ---- help articles ---------------------------------------------------------

// The published public articles (GET /api/v1/public/articles): id, slug,
// title, tags.  Loaded once for the list, and searched by title and tags
// when the server's search cannot answer (searchArticles).
let articles = [];

function articleItem(a) {
  const li = document.createElement('li');
  const link = document.createElement('a');
  link.href = `/help?article=${encodeURIComponent(a.slug)}`;
  link.textContent = a.title;
  li.append(link);
  return li;
}

function showList(ul, items) {
  ul.replaceChildren(...items.map(articleItem));
}

// The server's full-text search (GET /api/v1/public/search); when it cannot
// answer, the articles whose title or tags hold every word of q.
export async function searchArticles(q) {
  try {
    const r = await api('GET', `/api/v1/public/search?q=${encodeURIComponent(cutUtf8(q, SEARCH_MAX_BYTES))}`);
    return (r.items || []).map((a) => ({ title: a.title, slug: a.slug, id: a.id }));
  } catch {
    /* fall back to the loaded list */
  }
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  return articles.filter((a) => {
    const hay = `${a.title} ${(a.tags || []).join(' ')}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

async function loadArticles() {
  const items = [];
  let cursor = '';
  // A help center has tens of articles; four pages of 100 is plenty.
  for (let i = 0; i < 4; i++) {
    const r = await api('GET', `/api/v1/public/articles?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...r.items);
    if (!r.next_cursor) break;
    cursor = r.next_cursor;
  }
  return items;
}

async function showArticle(key) {
  try {
    const a = await api('GET', `/api/v1/public/articles/${encodeURIComponent(key)}`);
    document.getElementById('article-title').textContent = a.title;
    document.title = `${a.title} · Help center · truce`;
    document.getElementById('article-tags').textContent =
      a.tags && a.tags.length ? `Topics: ${a.tags.join(', ')}` : '';
    // The one place server HTML is inserted: body_html is cmark's safe
    // output (raw HTML and javascript:/data: links are dropped on the server,
    // domain/kb.h), and the page's CSP (script-src 'self') blocks inline
    // script and event handlers whatever the HTML holds.
    document.getElementById('article-body').innerHTML = a.body_html;
    document.getElementById('article').hidden = false;
    document.querySelector('main > h1').hidden = true;
  } catch {
    document.getElementById('article-missing').hidden = false;
  }
}

async function init() {
  const key = new URLSearchParams(location.search).get('article');
  if (key) await showArticle(key);
  try {
    articles = await loadArticles();
  } catch {
    articles = [];
  }
  const note = document.getElementById('kb-note');
  note.hidden = articles.length > 0;
  document.getElementById('all-h').hidden = articles.length === 0;
  showList(document.getElementById('articles'), articles);
}

document.getElementById('search').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const q = input('q').value.trim();
  const result = document.getElementById('search-result');
  const hits = document.getElementById('search-hits');
  if (!articles.length) {
    hits.replaceChildren();
    result.textContent = q
      ? `No articles found for "${q}": the help articles are not available yet. Please use the contact form below.`
      : 'Type what you are looking for. The help articles are not available yet.';
    return;
  }
  if (!q) {
    hits.replaceChildren();
    result.textContent = 'Type what you are looking for.';
    return;
  }
  const found = await searchArticles(q);
  showList(hits, found);
  result.textContent = found.length
    ? `${found.length} article${found.length === 1 ? '' : 's'} found for "${q}".`
    : `No articles found for "${q}". Please use the contact form below.`;
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

// Deflection: as the customer types the form's subject and message, the
// articles that may already answer (GET /api/v1/public/suggest, at most one
// request per 500 ms of quiet), each with "This answered my question"
// (POST /api/v1/public/deflected), which counts the ticket avoided.
const suggestBox = document.createElement('div');
suggestBox.id = 'suggested';
suggestBox.setAttribute('aria-live', 'polite');
input('message').after(suggestBox);
let suggestTimer = 0;
let suggestSeq = 0;

function suggestion(a) {
  const li = document.createElement('li');
  const link = document.createElement('a');
  link.href = `/help?article=${encodeURIComponent(a.slug)}`;
  link.target = '_blank';
  link.textContent = a.title;
  const btn = document.createElement('button');
  btn.type = 'button';
  btn.className = 'answered';
  btn.textContent = 'This answered my question';
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try {
      await api('POST', '/api/v1/public/deflected', { article_id: a.id });
      const p = document.createElement('p');
      p.className = 'deflected';
      p.textContent = 'Glad it helped. You do not need to send the form.';
      suggestBox.replaceChildren(p);
    } catch {
      btn.disabled = false;
    }
  });
  li.append(link, ' ', btn);
  return li;
}

async function suggest() {
  const q = `${input('subject').value} ${input('message').value}`.trim();
  const seq = ++suggestSeq;
  if (q.length < 4) {
    suggestBox.replaceChildren();
    return;
  }
  let items = [];
  try {
    items = (await api('GET', `/api/v1/public/suggest?q=${encodeURIComponent(cutUtf8(q, SUGGEST_MAX_BYTES))}`)).items || [];
  } catch {
    return; /* suggestions are a help, never in the way */
  }
  if (seq !== suggestSeq) return;
  if (!items.length) {
    suggestBox.replaceChildren();
    return;
  }
  const h = document.createElement('p');
  h.textContent = 'These articles may answer your question:';
  const ul = document.createElement('ul');
  ul.replaceChildren(...items.map(suggestion));
  suggestBox.replaceChildren(h, ul);
}

for (const name of ['subject', 'message']) {
  input(name).addEventListener('input', () => {
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(suggest, 500);
  });
}

init();
