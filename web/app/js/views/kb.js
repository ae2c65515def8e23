// The knowledge base (docs/api.md "Knowledge base"): the articles list
// (#/kb) and the article editor (#/kb/new, #/kb/{id}) with its preview and
// version history.
//
// Roles: any agent writes drafts; publishing, changing a published article
// and deleting take a lead or an admin, so only they are offered those
// controls.  The server decides in the end: its 403 is shown as it comes.
// A save sends the version it was based on; the server's 409 keeps the edit
// on the page and offers the latest version beside it.
//
// The preview is the server's rendering (cmark with its safe defaults): the
// saved `body_html`, and as the author types, POST /api/v1/articles/preview
// 300 ms after the last keystroke, one request in flight at a time; the
// console never turns Markdown into HTML itself.
import { el, mount, ago, cutUtf8 } from '../../../assets/js/dom.js';
import { isLead, snippet, timeEl, when, selectField, wireFilters } from './util.js';
import { sortableTable } from './table.js';

const AUDIENCES = ['internal', 'public'];
const ART_STATUSES = ['draft', 'published'];
const LIST_PAGE = 25;
const SEARCH_PAGE = 50;
// Search results stop after 500 (docs/api.md): at most this many pages.
const SEARCH_PAGES_MAX = 10;

// ---- pure parts (tests/web/) ----------------------------------------------

// "refunds, policy  late-parcel" -> ["refunds", "policy", "late-parcel"]:
// commas or blanks separate, empty ones and repeats are dropped.
export function parseTags(text) {
  const out = [];
  for (const t of String(text || '').split(/[,\s]+/)) {
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

// The body of a save: POST for a new article, PATCH (with the version the
// edit is based on) for one that exists.  A blank slug is left to the
// server (made from the title; on PATCH, left as it is); status is only
// sent by a lead, the only one offered it.
export function articleRequest(values, article, lead) {
  const out = {
    title: String(values.title || '').trim(),
    body: String(values.body || ''),
    tags: parseTags(values.tags),
    audience: values.audience,
  };
  const slug = String(values.slug || '').trim();
  if (slug) out.slug = slug;
  if (lead && values.status) out.status = values.status;
  if (article) out.version = article.version;
  return out;
}

// ---- the server's HTML, rebuilt -------------------------------------------

// What cmark writes (docs/api.md "Rendering").  The server already drops raw
// HTML and script URLs; the console, which holds the agent's session, does
// not rest on that alone: the HTML is parsed into an inert document (nothing
// in it loads or runs) and rebuilt from these elements and attributes only.
const TAGS = new Set(['P', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'UL', 'OL', 'LI', 'A', 'EM',
  'STRONG', 'CODE', 'PRE', 'BLOCKQUOTE', 'HR', 'BR', 'IMG']);
const ATTRS = { A: ['href', 'title'], IMG: ['src', 'alt', 'title'], OL: ['start'], CODE: ['class'] };

// A link or image address that cannot run anything: relative, http(s),
// mailto, or (images) a data: image.  Browsers drop tabs and newlines from
// URLs and leading blanks, so they are dropped before the scheme is read.
function safeUrl(raw, tag) {
  const v = String(raw).replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+/, '');
  if (!/^[a-z][a-z0-9+.-]*:/i.test(v)) return true;
  if (/^(https?|mailto):/i.test(v)) return true;
  return tag === 'IMG' && /^data:image\/(png|gif|jpeg|webp);/i.test(v);
}

function rebuild(node) {
  if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.nodeValue);
  if (node.nodeType !== Node.ELEMENT_NODE) return null; // comments: "raw HTML omitted"
  if (node.tagName === 'SCRIPT' || node.tagName === 'STYLE') return null;
  const kids = [...node.childNodes].map(rebuild);
  if (!TAGS.has(node.tagName)) return kids; // an unknown element: its content only
  const attrs = {};
  for (const name of ATTRS[node.tagName] || []) {
    const v = node.getAttribute(name);
    if (v === null) continue;
    if ((name === 'href' || name === 'src') && !safeUrl(v, node.tagName)) continue;
    if (name === 'class' && !/^language-[\w+-]+$/.test(v)) continue;
    attrs[name] = v;
  }
  // A link opens beside the console, never in place of it.
  if (node.tagName === 'A') Object.assign(attrs, { target: '_blank', rel: 'noopener noreferrer' });
  return el(node.tagName.toLowerCase(), attrs, kids);
}

export function serverHtml(html) {
  const doc = new DOMParser().parseFromString(String(html || ''), 'text/html');
  return [...doc.body.childNodes].map(rebuild);
}

// ---- shared bits ------------------------------------------------------------

function statusChip(status) {
  return el('span', { class: `chip kb-${status}` }, status);
}

function helpHref(slug) {
  return `/help?article=${encodeURIComponent(slug)}`;
}

// Who wrote a version: the server names the editor (agents cannot list agents).
function authorOf(x) {
  if (!x.edited_by) return 'an import (truce kb import)';
  return x.edited_by_name || `agent #${x.edited_by}`;
}

// ---- the list ---------------------------------------------------------------

// The filters survive a trip to an article; `flash` is what the next view
// drawn says first (a delete's or a new draft's outcome, across navigate()).
const state = { q: '', audience: '', status: '', tag: '', flash: '' };

function listQuery(cursor) {
  const p = new URLSearchParams({ limit: String(LIST_PAGE) });
  if (state.audience) p.set('audience', state.audience);
  if (state.status) p.set('status', state.status);
  if (state.tag.trim()) p.set('tag', state.tag.trim());
  if (cursor) p.set('cursor', cursor);
  return `/api/v1/articles?${p}`;
}

function searchQuery(cursor) {
  const p = new URLSearchParams({ type: 'article', q: cutUtf8(state.q.trim(), 256), limit: String(SEARCH_PAGE) });
  if (cursor) p.set('cursor', cursor);
  return `/api/v1/search?${p}`;
}

// Search items carry audience and status: the filters narrow them here.
function keptByFilters(item) {
  return (!state.audience || item.audience === state.audience) &&
    (!state.status || item.status === state.status);
}

function listCell(row, key) {
  switch (key) {
    case 'title':
      return { text: el('a', { class: 'kb-link', href: `#/kb/${row.id}` }, row.title) };
    case 'status':
      return { text: statusChip(row.status) };
    case 'tags':
      return { text: row.tags && row.tags.length ? row.tags.join(', ') : '–' };
    case 'updated_at':
      return { text: timeEl(row.updated_at, `${ago(row.updated_at)} ago`) };
    case 'match':
      return { text: snippet(row.snippet), cls: 'text match' };
    default:
      return { text: row[key] === null || row[key] === undefined ? '–' : String(row[key]) };
  }
}

const LIST_COLUMNS = [['title', 'Title', 'text'], ['audience', 'Audience', 'text'],
  ['status', 'Status', 'text'], ['tags', 'Tags', 'text'], ['updated_at', 'Updated', 'text'],
  ['version', 'Version', 'num']];
const SEARCH_COLUMNS = [['title', 'Title', 'text'], ['audience', 'Audience', 'text'],
  ['status', 'Status', 'text'], ['match', 'Match', 'text']];

export async function renderList(root, ctx) {
  document.title = 'Knowledge base · truce';
  const search = el('input', { id: 'kb-q', name: 'q', type: 'search', value: state.q, maxlength: '200',
    placeholder: 'Words in titles, tags and bodies' });
  const tag = el('input', { id: 'kb-tag', name: 'tag', value: state.tag, maxlength: '64', spellcheck: 'false' });
  const form = el('form', { class: 'filters', role: 'search', 'aria-label': 'Filter articles' },
    el('div', { class: 'f search' }, el('label', { for: 'kb-q' }, 'Search'), search),
    el('div', { class: 'f' }, selectField('kb-audience', 'Audience', state.audience,
      [['', 'Any'], ...AUDIENCES.map((a) => [a, a])])),
    el('div', { class: 'f' }, selectField('kb-status', 'Status', state.status,
      [['', 'Any'], ...ART_STATUSES.map((s) => [s, s])])),
    el('div', { class: 'f kb-tag' }, el('label', { for: 'kb-tag' }, 'Tag'), tag),
    el('div', { class: 'f go' }, el('button', { type: 'submit' }, 'Apply')));
  const note = el('p', { class: 'muted search-note', id: 'kb-search-note', hidden: true },
    'A search ranks the articles by relevance; audience and status narrow it, the tag filter does not apply. Clear the search for the whole list.');
  const info = el('p', { class: 'muted', role: 'status', id: 'kb-info' });
  const box = el('div', { class: 'table-wrap', id: 'kb-list' });
  const more = el('button', { type: 'button', class: 'more', hidden: true }, 'Load more');
  const flash = state.flash ? el('p', { class: 'kb-flash', role: 'status' }, state.flash) : null;
  state.flash = '';
  mount(root,
    el('div', { class: 'view-head' },
      el('h1', {}, 'Knowledge base'),
      el('a', { class: 'button primary', href: '#/kb/new' }, 'New article')),
    flash, form, note, info, box, more);

  let rows = [];
  let cursor = null;
  let sortKey = null;
  let sortDir = 'descending';
  let loadSeq = 0;

  const searching = () => state.q.trim() !== '';

  function draw() {
    const text = searching();
    tag.disabled = text;
    note.hidden = !text;
    if (!rows.length) {
      mount(box, el('p', { class: 'muted kb-empty' }, text
        ? `No article matches “${state.q.trim()}”${state.audience || state.status ? ' with these filters' : ''}.`
        : state.audience || state.status || state.tag.trim()
          ? 'No article matches these filters.'
          : 'No articles yet: write the first one with “New article”.'));
      return;
    }
    sortableTable(box, {
      columns: text ? SEARCH_COLUMNS : LIST_COLUMNS,
      rows: rows.map((r) => ({ ...r, match: text ? (r.snippet || []).map((p) => p.text).join('') : undefined })),
      caption: text ? `Articles matching “${state.q.trim()}”, best match first` : 'Articles, oldest first',
      className: 'kb-table',
      cell: listCell,
      sortKey,
      sortDir,
      onSort: (_, k, d) => {
        sortKey = k;
        sortDir = d;
      },
    });
  }

  async function load(append) {
    const seq = ++loadSeq;
    const text = searching();
    info.textContent = 'Loading…';
    box.setAttribute('aria-busy', 'true');
    try {
      let at = append ? cursor : null;
      let kept = [];
      // A page of matches the filters empty entirely is followed by the next.
      for (let pages = 0; pages < SEARCH_PAGES_MAX; pages++) {
        const r = await ctx.api('GET', text ? searchQuery(at) : listQuery(at));
        if (seq !== loadSeq) return;
        kept = text ? (r.items || []).filter(keptByFilters) : r.items || [];
        at = r.next_cursor || null;
        if (!text || kept.length || !at) break;
      }
      if (!append) {
        rows = [];
        sortKey = null;
      }
      rows.push(...kept);
      cursor = at;
      more.hidden = !cursor;
      draw();
      const n = rows.length;
      info.textContent = n
        ? `${n} article${n === 1 ? '' : 's'}${text ? ', best match first' : ''}${cursor ? ' (more below)' : ''}`
        : '';
    } catch (e) {
      if (e.status === 401) throw e;
      if (seq !== loadSeq) return;
      info.textContent = '';
      mount(box, el('p', { class: 'error', role: 'alert' }, `Could not load the articles: ${e.message}`));
    } finally {
      if (seq === loadSeq) box.setAttribute('aria-busy', 'false');
    }
  }

  wireFilters({ form, search, state, prefix: 'kb-', load, onSubmit: () => { state.tag = tag.value; } });
  more.addEventListener('click', () => load(true));

  await load(false);
}

// ---- the editor -------------------------------------------------------------

export async function renderEditor(root, ctx) {
  const id = ctx.params[0];
  let article = null;
  if (id) {
    try {
      article = await ctx.api('GET', `/api/v1/articles/${id}`);
    } catch (e) {
      if (e.status !== 404) throw e;
      document.title = 'No such article · truce';
      mount(root, el('h1', {}, 'No such article'),
        el('p', {}, el('a', { href: '#/kb' }, 'Back to the knowledge base')));
      return;
    }
  }
  if (!ctx.isCurrent || ctx.isCurrent()) editor(root, ctx, article);
}

function editor(root, ctx, first) {
  const lead = isLead(ctx.me);
  let article = first; // the article as last loaded or saved; null while new
  let saving = false;

  const title = el('input', { id: 'kb-title', name: 'title', required: true, maxlength: '200', autocomplete: 'off' });
  const slug = el('input', { id: 'kb-slug', name: 'slug', maxlength: '100', spellcheck: 'false',
    autocomplete: 'off', 'aria-describedby': 'kb-slug-hint', placeholder: 'made from the title' });
  const tags = el('input', { id: 'kb-tags', name: 'tags', spellcheck: 'false', autocomplete: 'off',
    'aria-describedby': 'kb-tags-hint' });
  const [audienceLabel, audience] = selectField('kb-audience-f', 'Audience', 'internal',
    [['internal', 'Internal: agents only'], ['public', 'Public: the help center']]);
  const statusField = lead
    ? selectField('kb-status-f', 'Status', 'draft', [['draft', 'Draft'], ['published', 'Published']])
    : null;
  const status = statusField ? statusField[1] : null;
  const body = el('textarea', { id: 'kb-body', name: 'body', rows: '18', spellcheck: 'true',
    'aria-describedby': 'kb-body-hint' });

  const heading = el('h1', { class: 'kb-heading' });
  const meta = el('p', { class: 'muted kb-meta' });
  const locked = el('p', { class: 'kb-locked', id: 'kb-locked', hidden: true });
  const error = el('p', { class: 'error', id: 'kb-error', role: 'alert' });
  const saved = el('p', { class: 'muted', id: 'kb-saved', role: 'status' });
  const conflictBox = el('div', { class: 'kb-conflict', id: 'kb-conflict', role: 'alert', hidden: true });
  const keptBox = el('section', { class: 'kb-kept', id: 'kb-kept', 'aria-labelledby': 'kb-kept-h', hidden: true });
  const saveBtn = el('button', { type: 'submit', class: 'primary', id: 'kb-save' }, 'Save draft');
  const deleteBtn = lead ? el('button', { type: 'button', class: 'danger', id: 'kb-delete', hidden: true }, 'Delete…') : null;
  const confirmBox = el('div', { class: 'kb-confirm', id: 'kb-confirm', hidden: true });
  const fields = el('fieldset', { class: 'kb-fields' },
    el('legend', { class: 'visually-hidden' }, 'The article'),
    el('label', { for: 'kb-title' }, 'Title'), title,
    el('div', { class: 'kb-row' },
      el('div', {}, el('label', { for: 'kb-slug' }, 'Slug (optional)'), slug,
        el('p', { class: 'hint muted', id: 'kb-slug-hint' }, 'Lowercase letters, digits and dashes: the help center’s address for it.')),
      el('div', {}, el('label', { for: 'kb-tags' }, 'Tags'), tags,
        el('p', { class: 'hint muted', id: 'kb-tags-hint' }, 'Separated by commas or spaces.'))),
    el('div', { class: 'kb-row' },
      el('div', {}, audienceLabel, audience),
      statusField ? el('div', {}, statusField)
        : el('div', {}, el('p', { class: 'hint muted kb-draft-only' }, 'You write drafts; a lead or an admin publishes them.'))),
    el('label', { for: 'kb-body' }, 'Body (Markdown)'), body,
    el('p', { class: 'hint muted', id: 'kb-body-hint' }, 'CommonMark: # headings, **bold**, *italic*, - lists, [links](https://…). HTML tags are dropped.'));
  const form = el('form', { class: 'kb-form', 'aria-labelledby': 'kb-form-h', novalidate: true },
    el('h2', { id: 'kb-form-h', class: 'visually-hidden' }, 'Edit'),
    fields, error, conflictBox,
    el('div', { class: 'kb-actions' }, saveBtn, deleteBtn, saved),
    confirmBox);

  const previewNote = el('p', { class: 'muted kb-preview-note', id: 'kb-preview-note' });
  const preview = el('div', { class: 'kb-preview', id: 'kb-preview' });
  const helpLink = el('p', { class: 'kb-help-link', hidden: true });
  const history = el('div', { id: 'kb-history' });

  mount(root,
    el('p', { class: 'crumbs' }, el('a', { href: '#/kb' }, '← Knowledge base')),
    heading, meta, locked,
    el('div', { class: 'kb-grid' },
      el('section', { class: 'panel' }, form, keptBox),
      el('section', { class: 'panel', 'aria-labelledby': 'kb-preview-h' },
        el('h2', { id: 'kb-preview-h' }, 'Preview'), previewNote, helpLink, preview)),
    article ? el('section', { class: 'panel kb-history', 'aria-labelledby': 'kb-history-h' },
      el('h2', { id: 'kb-history-h' }, 'History'), history) : null);

  // ---- drawing ----

  // An agent may not change a published article: the form is read-only.
  const readOnly = () => !!article && article.status === 'published' && !lead;

  function fill(a) {
    title.value = a.title;
    slug.value = a.slug;
    tags.value = (a.tags || []).join(', ');
    audience.value = a.audience;
    if (status) status.value = a.status;
    body.value = a.body_markdown || '';
  }

  function drawHead() {
    document.title = `${article ? article.title : 'New article'} · Knowledge base · truce`;
    mount(heading, article ? article.title : 'New article');
    mount(meta, article
      ? [statusChip(article.status), ` ${article.audience} · version ${article.version} · /${article.slug} · updated `,
        timeEl(article.updated_at, `${ago(article.updated_at)} ago`)]
      : 'A draft until a lead publishes it.');
    locked.hidden = !readOnly();
    locked.textContent = readOnly() ? 'This article is published: only a lead or an admin can change it.' : '';
    fields.disabled = readOnly();
    saveBtn.hidden = readOnly();
    if (deleteBtn) deleteBtn.hidden = !article;
    labelSave();
    const live = article && article.status === 'published' && article.audience === 'public';
    helpLink.hidden = !live;
    if (live) {
      mount(helpLink, el('a', { href: helpHref(article.slug), target: '_blank', rel: 'noopener' },
        'Open it in the help center', el('span', { class: 'visually-hidden' }, ' (opens in a new tab)')));
    }
  }

  // "Save draft", "Publish" or "Save", for what the button will do.
  function labelSave() {
    const next = status ? status.value : article ? article.status : 'draft';
    saveBtn.textContent = next === 'draft' ? 'Save draft'
      : article && article.status === 'published' ? 'Save' : 'Publish';
  }

  function drawPreview() {
    if (!article) {
      previewNote.textContent = 'The preview shows the Markdown as the help center will, as you type.';
      preview.replaceChildren();
      return;
    }
    mount(preview, serverHtml(article.body_html));
    previewNote.textContent = `Version ${article.version} as the server renders it.`;
  }

  // The text as typed, rendered by the server (nothing saved).
  let previewTimer = 0;
  let previewBusy = false;
  let previewAgain = false;
  async function renderTyped() {
    if (previewBusy) {
      previewAgain = true;
      return;
    }
    previewBusy = true;
    const text = body.value;
    try {
      const r = await ctx.api('POST', '/api/v1/articles/preview', { body: text });
      if (!root.isConnected) return;
      mount(preview, serverHtml(r.body_html));
      previewNote.textContent = article && text === (article.body_markdown || '')
        ? `Version ${article.version} as the server renders it.`
        : 'Your text as it will show (not saved yet).';
    } catch (e) {
      if (e.status === 401) throw e;
      previewNote.textContent = `No preview: ${e.message}`;
    } finally {
      previewBusy = false;
      if (previewAgain) {
        previewAgain = false;
        renderTyped();
      }
    }
  }

  async function drawHistory() {
    if (!article) return;
    const seq = article.version;
    try {
      const v = await ctx.api('GET', `/api/v1/articles/${article.id}/versions`);
      if (!root.isConnected || seq !== article.version) return;
      const items = [...(v.items || [])].reverse();
      mount(history, el('ul', { class: 'kb-versions' }, items.map((x) => el('li', {},
        el('details', {},
          el('summary', {},
            el('strong', {}, `Version ${x.version}`), x.version === article.version ? ' (current)' : '',
            ` · ${when(x.edited_at)} · ${authorOf(x)} · ${x.status}, ${x.audience}`),
          el('dl', { class: 'kb-version-facts' },
            el('dt', {}, 'Title'), el('dd', {}, x.title),
            el('dt', {}, 'Tags'), el('dd', {}, (x.tags || []).join(', ') || '–')),
          el('pre', { class: 'kb-md' }, x.body_markdown))))));
    } catch (e) {
      if (e.status === 401) throw e;
      mount(history, el('p', { class: 'error' }, `Could not load the history: ${e.message}`));
    }
  }

  function drawAll() {
    drawHead();
    drawPreview();
    drawHistory();
  }

  // ---- errors ----

  const FIELDS = { title, slug, tags, audience, status, body };

  function clearErrors() {
    error.textContent = '';
    for (const f of Object.values(FIELDS)) {
      if (!f) continue;
      f.removeAttribute('aria-invalid');
      f.removeAttribute('aria-errormessage');
    }
  }

  function fieldError(name, text) {
    error.textContent = text;
    const f = FIELDS[name];
    if (f && !f.disabled) {
      f.setAttribute('aria-invalid', 'true');
      f.setAttribute('aria-errormessage', 'kb-error');
      f.focus();
    }
  }

  function showError(e) {
    if (e.status === 409 && e.field === 'version') return showConflict();
    if (e.status === 409 && e.field === 'slug') {
      return fieldError('slug', `That slug is taken: choose another, or clear it to have one made from the title. (${e.message})`);
    }
    if (e.status === 403) {
      return fieldError(e.field, `Not allowed: ${e.message}. Publishing, changing a published article and deleting take a lead or an admin; your text is still here.`);
    }
    if (e.status === 400 || e.status === 413) return fieldError(e.field, `Check ${e.field ? `the ${e.field}` : 'the form'}: ${e.message}.`);
    return fieldError(null, `Not saved: ${e.message}. Your text is still here; try again.`);
  }

  // Someone saved in between: the edit stays in the form; "Load the latest"
  // brings their version in and keeps this one beside it to copy from.
  function showConflict() {
    const mine = { title: title.value, tags: tags.value, body: body.value, version: article.version };
    mount(conflictBox,
      el('p', {}, el('strong', {}, 'Someone else saved this article while you were editing it.'),
        ` Your edit of version ${article.version} is not saved, and it is still here.`),
      el('button', { type: 'button', id: 'kb-reload', onclick: () => loadLatest(mine) }, 'Load the latest version'),
      el('span', { class: 'muted' }, ' Your edit stays beside it to copy from.'));
    conflictBox.hidden = false;
    conflictBox.querySelector('button').focus();
  }

  async function loadLatest(mine) {
    let latest;
    try {
      latest = await ctx.api('GET', `/api/v1/articles/${article.id}`);
    } catch (e) {
      if (e.status === 401) throw e;
      error.textContent = e.status === 404 ? 'The article has been deleted meanwhile; your edit is below.'
        : `Could not load the latest version: ${e.message}`;
      if (e.status !== 404) return;
    }
    const kept = (id, label, value, multi) => [el('label', { for: id }, label), multi
      ? el('textarea', { id, readonly: true, rows: '10' }, value)
      : el('input', { id, readonly: true, value })];
    mount(keptBox,
      el('h3', { id: 'kb-kept-h' }, `Your edit of version ${mine.version} (not saved)`),
      el('p', { class: 'muted' }, latest
        ? 'The form holds the latest version: copy what you need from your edit into it, then save.'
        : 'Copy it into a new article to keep it.'),
      kept('kb-mine-title', 'Your title', mine.title, false),
      kept('kb-mine-tags', 'Your tags', mine.tags, false),
      kept('kb-mine-body', 'Your Markdown', mine.body, true),
      el('p', {}, el('button', { type: 'button', onclick: () => { keptBox.hidden = true; } }, 'Done: hide my edit')));
    keptBox.hidden = false;
    conflictBox.hidden = true;
    if (!latest) return;
    article = latest;
    fill(article);
    clearErrors();
    drawAll();
    saved.textContent = `Loaded version ${article.version}.`;
    title.focus();
  }

  // ---- saving and deleting ----

  async function save() {
    if (saving || readOnly()) return;
    clearErrors();
    conflictBox.hidden = true;
    saved.textContent = '';
    if (!title.value.trim()) return fieldError('title', 'Give the article a title.');
    const req = articleRequest({
      title: title.value, slug: slug.value, tags: tags.value, audience: audience.value,
      status: status ? status.value : null, body: body.value,
    }, article, lead);
    saving = true;
    saveBtn.disabled = true;
    try {
      const before = article;
      const a = article
        ? await ctx.api('PATCH', `/api/v1/articles/${article.id}`, req)
        : await ctx.api('POST', '/api/v1/articles', req);
      if (!before) {
        state.flash = `Saved: version ${a.version}${a.status === 'published' ? ', published' : ', a draft'}.`;
        ctx.navigate(`#/kb/${a.id}`);
        return;
      }
      article = a;
      fill(article);
      drawAll();
      saved.textContent = a.version === before.version ? `Nothing changed: still version ${a.version}.`
        : a.status === 'published' && before.status !== 'published' ? `Published: version ${a.version}.`
          : `Saved: version ${a.version}.`;
    } catch (e) {
      if (e.status === 401) throw e;
      showError(e);
    } finally {
      saving = false;
      saveBtn.disabled = false;
    }
  }

  function askDelete() {
    mount(confirmBox,
      el('p', {}, `Delete “${article.title}” and its ${article.version} version${article.version === 1 ? '' : 's'}? This cannot be undone.`),
      el('button', { type: 'button', class: 'danger', id: 'kb-delete-yes', onclick: doDelete }, 'Delete for good'),
      ' ',
      el('button', { type: 'button', onclick: () => { confirmBox.hidden = true; deleteBtn.focus(); } }, 'Cancel'));
    confirmBox.hidden = false;
    confirmBox.querySelector('button').focus();
  }

  async function doDelete() {
    try {
      await ctx.api('DELETE', `/api/v1/articles/${article.id}`);
      state.flash = `Deleted “${article.title}”.`;
      ctx.navigate('#/kb');
    } catch (e) {
      if (e.status === 401) throw e;
      confirmBox.hidden = true;
      showError(e);
    }
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    save();
  });
  body.addEventListener('input', () => {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(renderTyped, 300);
  });
  body.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      save();
    }
  });
  if (status) status.addEventListener('change', labelSave);
  if (deleteBtn) deleteBtn.addEventListener('click', askDelete);

  if (article) fill(article);
  drawAll();
  saved.textContent = state.flash;
  state.flash = '';
  if (!article) title.focus();
}
