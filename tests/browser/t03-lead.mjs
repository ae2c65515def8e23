// The lead's views: Approvals (an agent's offer above their authority is
// approved with a note; one above the lead's own authority is refused with
// the server's reason and stays pending), Escalations (the legal-threat
// notification, unread marked, its ticket link, "mark read"; a subject with
// markup shows as text), and QA per agent (a sortable table and its CSV).
// Screenshots: lead-approvals, lead-escalations, lead-qa.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startDesk, newPage, loginUI, shot, truceBin } from './lib.mjs';

const XSS = '<img src=x onerror="window.__xss=1">Sued';

export default async function ({ browser, r }) {
  const tokens = {};
  const desk = await startDesk({
    setup: (d) => {
      for (const who of ['priya', 'daniel']) {
        const out = execFileSync(truceBin(), ['token', 'create', '--db', d.db, '--agent', `${who}@truce.example`], {
          encoding: 'utf8',
        });
        tokens[who] = out.trim().split('\n').pop().trim();
      }
    },
  });
  const page = await newPage(browser);
  try {
    // Priya's offers: 120.00 EUR (above her 50.00, within a lead's 500.00)
    // and 800.00 EUR (above a lead's too).
    const small = await desk.api('POST', '/api/v1/tickets/8/offers',
      { kind: 'refund', amount: '120.00', currency: 'EUR', note: 'Lost by the carrier' }, tokens.priya);
    const big = await desk.api('POST', '/api/v1/tickets/6/offers',
      { kind: 'credit', amount: '800.00', currency: 'EUR', note: 'Goodwill for a year of double charges' }, tokens.priya);
    r.check('two offers wait', small.body.state === 'pending' && big.body.state === 'pending');
    // A ticket whose subject is markup, with a legal threat: the lead is told.
    const x = await desk.api('POST', '/api/v1/tickets', {
      subject: XSS,
      customer: { email: 'mallory@example.org', name: 'Mallory' },
      message: { body: 'I am contacting my lawyer and I will sue you over this.' },
    });
    r.expect('the markup ticket is opened', x.status, 201);

    await loginUI(page, desk, 'daniel@truce.example');
    await page.locator('ol.inbox').waitFor();

    // ---- Approvals
    await page.goto(`${desk.base}/app/#/approvals`);
    const items = page.locator('.approvals-list > li');
    await r.step('the approval queue lists the offers', () => items.nth(1).waitFor());
    const first = items.filter({ hasText: 'Refund 120.00 EUR' });
    r.check('with who proposed it and why', /Priya Nair/.test(await first.textContent()) && /Lost by the carrier/.test(await first.textContent()));
    r.check('and a link to the ticket', (await first.getByRole('link', { name: 'Ticket #8' }).getAttribute('href')) === '#/ticket/8');
    await shot(page, 'lead-approvals');

    await first.getByLabel(`Note on offer #${small.body.id}`).fill('Carrier confirmed the loss');
    await first.getByRole('button', { name: 'Approve' }).click();
    await r.step('the approved offer shows as approved', () => first.locator('.badge', { hasText: 'approved' }).waitFor());
    const approved = await desk.api('GET', `/api/v1/offers/${small.body.id}`);
    r.check('the server has it approved with the note',
      approved.body.state === 'approved' && approved.body.decision_note === 'Carrier confirmed the loss');

    const second = items.filter({ hasText: 'Credit 800.00 EUR' });
    await second.getByRole('button', { name: 'Approve' }).click();
    await r.step("above the lead's authority: the server's reason shows", () =>
      second.locator('.error').filter({ hasText: 'authority' }).waitFor());
    const still = await desk.api('GET', `/api/v1/offers/${big.body.id}`);
    r.expect('and it stays pending', still.body.state, 'pending');

    // ---- Escalations
    await page.goto(`${desk.base}/app/#/escalations`);
    const notes = page.locator('.escalations-list > li');
    await r.step('the escalations are listed', () => notes.first().waitFor());
    const legal = notes.filter({ hasText: "rule 'legal-threat' fired" }).filter({ hasText: 'Contacting my lawyer' });
    r.check('the legal-threat notification is there', (await legal.count()) >= 1);
    r.check('unread ones are marked', (await page.locator('.escalations-list > li.unread').count()) > 0);
    const ids = (await notes.evaluateAll((lis) => lis.map((li) => li.dataset.notificationId))).map(Number);
    r.check('newest first', ids.length > 1 && ids.every((v, i) => i === 0 || ids[i - 1] > v), ids.join(' '));
    const xss = notes.filter({ hasText: XSS });
    r.check('a subject with markup shows as text', (await xss.count()) >= 1);
    r.check('and runs nothing', (await page.evaluate(() => window.__xss)) === undefined);
    r.check('the at-risk tickets list the legal hold', (await page.locator('.risky .chip.legal').count()) >= 1);
    await shot(page, 'lead-escalations');

    const legalItem = legal.first();
    const id = await legalItem.getAttribute('data-notification-id');
    await legalItem.getByRole('button', { name: `Mark notification ${id} read` }).click();
    await r.step('mark read takes the unread mark off', () =>
      page.waitForFunction((nid) => {
        const li = document.querySelector(`li[data-notification-id="${nid}"]`);
        return li && !li.classList.contains('unread');
      }, id));
    const mine = await desk.api('GET', '/api/v1/notifications?limit=200', undefined, tokens.daniel);
    r.check('the server has it read', mine.body.items.some((n) => String(n.id) === id && n.read));
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await r.step('mark all read leaves nothing unread', () =>
      page.waitForFunction(() => !document.querySelector('.escalations-list li.unread')));
    const unread = await desk.api('GET', '/api/v1/notifications?unread=1', undefined, tokens.daniel);
    r.expect('the server agrees', unread.body.items.length, 0);
    await legal.first().getByRole('link', { name: /Open ticket #11/ }).click();
    await r.step('the link opens the ticket', () =>
      page.locator('h1.ticket-title', { hasText: 'Contacting my lawyer' }).waitFor());

    // ---- QA
    await page.goto(`${desk.base}/app/#/qa`);
    const rows = page.locator('.qa-table tbody tr');
    await r.step('QA scores per agent are shown', () => rows.first().waitFor({ timeout: 20000 }));
    const n = await rows.count();
    r.check('one row per agent who replied', n >= 2, `${n} rows`);
    const heads = await page.locator('.qa-table thead th').allTextContents();
    const col = heads.findIndex((h) => h.startsWith('Overall')) + 1;
    r.check('the table has an Overall column', col > 0, heads.join('|'));
    const overall = async () =>
      (await page.locator(`.qa-table tbody tr > :nth-child(${col})`).allTextContents()).map(Number);
    const desc = await overall();
    r.check('sorted by overall, best first', desc.every((v, i) => i === 0 || desc[i - 1] >= v), desc.join(' '));
    await page.getByRole('button', { name: /^Overall/ }).click();
    const asc = await overall();
    r.check('a click on the header sorts the other way', asc.every((v, i) => i === 0 || asc[i - 1] <= v), asc.join(' '));
    r.expect('the header says how it sorts',
      await page.locator('.qa-table th[aria-sort="ascending"]').textContent(), 'Overall ▲');
    await page.getByRole('button', { name: /^Agent/ }).click();
    const names = await page.locator('.qa-table tbody th').allTextContents();
    r.check('and by agent name', names.join('|') === [...names].sort((a, b) => a.localeCompare(b)).join('|'), names.join('|'));
    await shot(page, 'lead-qa');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8').split('\r\n');
    r.check('the CSV has a header and a line per agent',
      csv[0].startsWith('email,agent,overall,listening,empathy') && csv.filter(Boolean).length === n + 1,
      csv[0]);

    r.expect('no script errors', page.errors, []);

    // An agent is not shown the lead's views.
    const agentPage = await newPage(browser);
    await loginUI(agentPage, desk, 'priya@truce.example');
    await agentPage.locator('ol.inbox').waitFor();
    await agentPage.goto(`${desk.base}/app/#/approvals`);
    await r.step('an agent is told approvals are for leads', () => agentPage.getByText('Not for your role').waitFor());
    await agentPage.context().close();
  } finally {
    await page.context().close();
    await desk.stop();
  }
}
