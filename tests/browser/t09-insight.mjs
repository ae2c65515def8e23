// The ticket view's Insight panel on seeded data: the demo desk plus, in
// the last day, seven more billing tickets, each with a customer message
// "Phantom surcharge." as on the demo's billing ticket (#6); the demo's
// five weeks of history are the baseline.  A lead sees billing beside the
// whole desk with the numbers of GET /api/v1/reports/overview?by=category,
// and what of this ticket rises this week against the 4 weeks before
// (GET /api/v1/reports/emerging?ticket=6): the billing category and its
// phrase; an agent gets no panel and never calls the reports.
import { execFileSync } from 'node:child_process';
import { startDesk, newPage, loginUI, shot } from './lib.mjs';

const DAY = 86400000;
const TICKET = 6; // the demo's "Charged twice for my March subscription", billing

// n rows into table: SQL columns and a SELECT of their values over i = 1..n.
function rows(table, n, columns, values) {
  return `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n})
    INSERT INTO ${table} (${columns}) SELECT ${values} FROM n;`;
}

function tickets(n, subject, at, category) {
  return rows('tickets', n, 'subject, channel, customer_id, created_at, updated_at, category',
    `'${subject} ' || i, 'email', (SELECT MIN(id) FROM customers), ${at} - i * 3600000, ${at} - i * 3600000, '${category}'`);
}

// A customer message in each ticket whose subject starts with `subject`.
function messages(subject, body) {
  return `INSERT INTO messages (ticket_id, author_kind, body, channel, created_at)
    SELECT id, 'customer', '${body}', 'email', created_at + 60000 FROM tickets
    WHERE subject LIKE '${subject}%';`;
}

// Returns how many billing tickets the demo opened in the range.
function seed(db, from) {
  const now = Date.now();
  const sqlite = (sql) => execFileSync('sqlite3', [db], { input: sql, encoding: 'utf8' });
  const demoBilling = Number(sqlite(`SELECT count(*) FROM tickets WHERE category = 'billing' AND created_at >= ${from};`));
  sqlite([
    tickets(7, 'Billing question', now, 'billing'),
    messages('Billing question', 'Phantom surcharge.'),
    `INSERT INTO messages (ticket_id, author_kind, body, channel, created_at)
      VALUES (${TICKET}, 'customer', 'Phantom surcharge.', 'email', ${now} - 60000);`,
  ].join('\n'));
  return demoBilling;
}

function percent(v) {
  return v === null ? '–' : `${Math.round(v * 1000) / 10}%`;
}

export default async function ({ browser, r }) {
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  const from = day(Date.now() - 29 * DAY);
  let demoBilling;
  const desk = await startDesk({ setup: (d) => { demoBilling = seed(d.db, Date.parse(from)); } });
  try {
    const range = `from=${from}&to=${day(Date.now())}`;
    const seeded = (await desk.api('GET', `/api/v1/reports/overview?${range}&by=category`)).body;
    const nBilling = seeded.groups.find((g) => g.key === 'billing');
    r.expect('the seed: the demo\'s billing tickets and 7 more in the last 30 days', nBilling && nBilling.tickets,
      demoBilling + 7);
    const week = `from=${day(Date.now() - 6 * DAY)}&to=${day(Date.now())}&ticket=${TICKET}`;
    const em = (await desk.api('GET', `/api/v1/reports/emerging?${week}`)).body;
    const cat = em.items.find((it) => it.kind === 'category' && it.key === 'billing');
    const phrases = em.items.filter((it) => it.kind === 'phrase');
    r.check('the seed: billing is rising', !!cat, JSON.stringify(em.items.map((it) => it.key)));
    r.check('the seed: a phrase of the ticket is rising', phrases.some((it) => it.key === 'phantom surcharg'),
      JSON.stringify(phrases.map((it) => it.key)));

    // A lead.
    const page = await newPage(browser);
    await loginUI(page, desk, desk.logins.lead);
    await page.locator('#top').waitFor();
    // The panel against the report it was given (the server's housekeeping
    // may move a level between two reads).
    const answer = page.waitForResponse((res) => res.url().includes('/api/v1/reports/overview?'));
    await page.goto(`${desk.base}/app/#/ticket/${TICKET}`);
    const panel = page.locator('#insight-panel');
    await r.step('a lead sees the Insight panel', () => panel.locator('table.insight-table').waitFor());
    const ov = await (await answer).json();
    r.check('the panel asked for the last 30 days by category', (await answer).url().endsWith(`${range}&by=category`),
      (await answer).url());
    const billing = ov.groups.find((g) => g.key === 'billing');
    const cells = await panel.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    r.expect('the category beside the desk, as text', cells.slice(0, 2).concat([cells[3]]), [
      ['Tickets', String(billing.tickets), String(ov.total.tickets)],
      ['Conflict rate', percent(billing.conflict_rate), percent(ov.total.conflict_rate)],
      ['Reopen rate', percent(billing.reopen.rate), percent(ov.total.reopen.rate)],
    ]);
    r.expect('a median resolution row', cells[2][0], 'Median resolution');
    r.expect('the columns are named', await panel.locator('thead th').allTextContents(), ['Measure', 'billing', 'Desk']);
    r.check('the conflicts behind the rate in a tooltip',
      (await panel.locator('tbody tr').nth(1).locator('td').first().getAttribute('title')) ===
        `${billing.conflicts} of ${billing.tickets} reached tense or above`);
    r.expect('the category is rising', await panel.locator('.emerging-category').textContent(),
      `Category billing: ${cat.count} tickets this week, ${cat.baseline} in the 4 weeks before · ×${Math.round(cat.lift * 10) / 10}`);
    const shown = await panel.locator('.emerging-phrase strong').allTextContents();
    r.expect('the rising phrases of this ticket, as customers wrote them', shown, phrases.map((it) => `“${it.text}”`));
    const ph = phrases.find((it) => it.key === 'phantom surcharg');
    r.check('with their count against the baseline',
      (await panel.locator('.emerging-phrase', { hasText: '“phantom surcharge”' }).textContent()).includes(`${ph.count} tickets this week, ${ph.baseline} in the 4 weeks before`));
    await panel.scrollIntoViewIfNeeded();
    await shot(page, 'ticket-insight');

    // A calm ticket of another category: nothing rising.
    await page.goto(`${desk.base}/app/#/ticket/3`);
    await r.step('a ticket with nothing rising says so', () =>
      panel.getByText('Nothing about this ticket is rising this week above the 28 days before.').waitFor());
    r.expect('no page errors', page.errors, []);
    await page.context().close();

    // An agent: no panel, and no call to the reports.
    const ap = await newPage(browser);
    const reports = [];
    ap.on('request', (req) => { if (req.url().includes('/api/v1/reports/')) reports.push(req.url()); });
    await loginUI(ap, desk, desk.logins.agent);
    await ap.locator('#top').waitFor();
    await ap.goto(`${desk.base}/app/#/ticket/${TICKET}`);
    await r.step('the agent sees the ticket', () => ap.locator('#suggestions-panel').waitFor());
    await ap.locator('#suggestions ul, #suggestions p').first().waitFor();
    r.expect('without the Insight panel', await ap.locator('#insight-panel').count(), 0);
    r.expect('and the reports were not called', reports, []);
    r.expect('no page errors for the agent', ap.errors, []);
    await ap.context().close();
  } finally {
    await desk.stop();
  }
}
