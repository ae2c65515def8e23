// Unit checks of the pure parts of the console's composer, offers and lead
// views (web/app/js/views/): span mapping, the "Apply" rewrites, QA merging,
// sorting and CSV; the knowledge base's saves and the suggestions' links.
// Run: node --test tests/web/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingRanges, mapRange, markRanges, fixFor, insertion } from '../../web/app/js/views/composer.js';
import { parseTags, articleRequest } from '../../web/app/js/views/kb.js';
import { linkLine } from '../../web/app/js/views/suggestions.js';
import { offerSummary } from '../../web/app/js/views/offers.js';
import { needsLesson } from '../../web/app/js/views/resolve.js';
import { mergeAgents, qaRows, toCsv } from '../../web/app/js/views/lead.js';
import { sortRows } from '../../web/app/js/views/table.js';

test('byte spans become string indices (multi-byte text before them)', () => {
  const text = 'Grüße 👋, your fault';
  const start = Buffer.byteLength('Grüße 👋, ');
  const [r] = findingRanges(text, [{ start, end: start + 10 }]);
  assert.equal(text.slice(r.start, r.end), 'your fault');
});

test('a range moves with an edit elsewhere and is lost when the edit touches it', () => {
  const before = 'You should have read it, your fault.';
  const s = before.indexOf('your fault');
  const e = s + 10;
  const after1 = `Hi Ana, ${before}`;
  const m1 = mapRange(before, after1, s, e);
  assert.equal(after1.slice(m1.start, m1.end), 'your fault');
  const after2 = `${before} Thanks`;
  assert.deepEqual(mapRange(before, after2, s, e), { start: s, end: e });
  assert.equal(mapRange(before, before.replace('your', 'yor'), s, e), null);
  assert.deepEqual(mapRange(before, `X${before}`, 0, 0), { start: 0, end: 0 });
});

test('marks never overlap and skip empty ranges', () => {
  const m = markRanges(
    [
      { start: 0, end: 0 },
      { start: 5, end: 10 },
      { start: 0, end: 6 },
      { start: 8, end: 12 },
    ],
    20,
  );
  assert.deepEqual(
    m.map((r) => [r.start, r.end]),
    [
      [0, 6],
      [6, 10],
      [10, 12],
    ],
  );
});

test('Apply: rewrites, quoted phrases, names, closings; advice gives none', () => {
  const draft = 'You should have read the instructions, it is your fault';
  const blame = { kind: 'blame', start: 0, end: 15, suggestion: 'It would help next time to ...; for now, here is what I can do.' };
  const f1 = fixFor(blame, draft, { start: 0, end: 15 });
  assert.equal(f1.text, 'It would help next time to ...; for now, here is what I can do.');
  const advice = { kind: 'blame', suggestion: 'Describe what happened and what you will do, without saying whose fault it was.' };
  assert.equal(fixFor(advice, draft, { start: 45, end: 55 }), null);
  const ack = { kind: 'no_acknowledgement', suggestion: 'Name the feeling first: "I can see how frustrating this has been."' };
  assert.equal(fixFor(ack, draft, { start: 0, end: 0 }).text, 'I can see how frustrating this has been. ');
  const name = { kind: 'no_name', suggestion: 'Address them by name.' };
  assert.equal(fixFor(name, draft, { start: 0, end: 0 }, { customerName: 'Ana Lima' }).text, 'Hi Ana,\n\n');
  assert.equal(fixFor(name, 'Hi, thanks', { start: 0, end: 0 }, { customerName: 'Ana Lima' }).text, ' Ana');
  assert.equal(fixFor(name, draft, { start: 0, end: 0 }), null);
  const closing = { kind: 'no_closing', suggestion: 'End with an offer of help and your name: "If anything else comes up, just reply here. - Sam"' };
  const c = fixFor(closing, 'Hello.', { start: 6, end: 6 }, { agentName: 'Priya Nair' });
  assert.deepEqual(c, { start: 6, end: 6, text: '\n\nIf anything else comes up, just reply here. - Priya' });
  const shout = { kind: 'shouting', suggestion: 'Use one full stop.' };
  assert.equal(fixFor(shout, 'No!!!', { start: 2, end: 5 }).text, '.');
  assert.equal(fixFor({ kind: 'shouting', suggestion: 'Write it in normal case' }, 'THIS IS BAD', { start: 0, end: 11 }).text, 'This is bad');
  const jargon = { kind: 'jargon', suggestion: 'our systems' };
  assert.equal(fixFor(jargon, 'The Backend failed', { start: 4, end: 11 }).text, 'Our systems');
});

test('offers read as kind and money', () => {
  assert.equal(offerSummary({ kind: 'refund', amount: '80.00', currency: 'EUR' }), 'Refund 80.00 EUR');
  assert.equal(offerSummary({ kind: 'apology_only', amount: null, currency: null }), 'Apology only');
});

test('a lesson is asked for a conflict without one', () => {
  assert.equal(needsLesson({ steps: { applies: false } }), false);
  assert.equal(needsLesson({ steps: { applies: true, steps: [{ step: 'review_and_learn', done: false }] } }), true);
  assert.equal(
    needsLesson({ steps: { applies: true, steps: [{ step: 'review_and_learn', done: true, source: 'evidence' }] } }),
    false,
  );
});

test('QA per agent: means weighted by replies, sorting, CSV', () => {
  const t = {};
  mergeAgents(t, [{ agent: 'a@x', replies: 1, skipped: 0, findings: 2, warnings: 1, scores: { overall: 90, empathy: 80 }, kinds: { jargon: 2 } }]);
  mergeAgents(t, [
    { agent: 'a@x', replies: 3, skipped: 1, findings: 1, warnings: 0, scores: { overall: 70, empathy: 60 }, kinds: { jargon: 1, no_thanks: 1 } },
    { agent: '=b@x', replies: 2, skipped: 0, findings: 0, warnings: 0, scores: { overall: 95 }, kinds: {} },
  ]);
  const rows = qaRows(t, { 'a@x': 'Ann, "A"' });
  const a = rows.find((r) => r.email === 'a@x');
  assert.equal(a.replies, 4);
  assert.equal(a.overall, 75);
  assert.equal(a.empathy, 65);
  assert.equal(a.top_finding, 'Jargon (3)');
  assert.deepEqual(sortRows(rows, 'overall', 'descending').map((r) => r.email), ['=b@x', 'a@x']);
  assert.deepEqual(sortRows(rows, 'overall', 'ascending').map((r) => r.email), ['a@x', '=b@x']);
  const csv = toCsv(rows).split('\r\n');
  assert.match(csv[0], /^email,agent,overall,listening,empathy,ownership,clarity,solution,professionalism,replies,skipped,findings,warnings,top_finding$/);
  assert.ok(csv.some((l) => l.startsWith('a@x,"Ann, ""A""",75,,65,')));
  assert.ok(csv.some((l) => l.startsWith("'=b@x,'=b@x,95,")));
});

test('knowledge base: tags are split on commas or blanks, repeats dropped', () => {
  assert.deepEqual(parseTags(' refunds, policy  late-parcel,,refunds '), ['refunds', 'policy', 'late-parcel']);
  assert.deepEqual(parseTags(''), []);
});

test('knowledge base: a save sends the version it is based on; status only from a lead', () => {
  const values = { title: ' Refunds ', slug: ' ', tags: 'a, b', audience: 'public', status: 'published', body: 'x' };
  assert.deepEqual(articleRequest(values, null, false),
    { title: 'Refunds', body: 'x', tags: ['a', 'b'], audience: 'public' });
  assert.deepEqual(articleRequest({ ...values, slug: 'refunds' }, { version: 4 }, true),
    { title: 'Refunds', body: 'x', tags: ['a', 'b'], audience: 'public', slug: 'refunds', status: 'published', version: 4 });
});

test('suggestions: "Insert link" writes the title and the absolute help-center address', () => {
  const a = { title: 'Where is my parcel?', slug: 'where-is-my-parcel' };
  const line = linkLine(a, 'https://desk.example');
  assert.equal(line, 'Where is my parcel?: https://desk.example/help?article=where-is-my-parcel');
  const draft = 'Hi Ana,see:Thanks';
  const at = draft.indexOf(':') + 1;
  assert.equal(draft.slice(0, at) + insertion(draft, at, line, ' ') + draft.slice(at),
    `Hi Ana,see: ${line} Thanks`);
});
