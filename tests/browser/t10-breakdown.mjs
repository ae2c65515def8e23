// The dashboard's Breakdown on the demo data: a lead reads the overview per
// channel (the API's numbers, the desk's total in the footer), switches to
// category, agent and week, sorts by a column head, downloads the CSV of
// GET /api/v1/reports/overview?by=…, and a new range reloads it with the
// same choice.
import { readFileSync } from 'node:fs';
import { startDesk, newPage, loginUI, shot, unlabelled } from './lib.mjs';

const DAY = 86400000;

function percent(v) {
  return v === null ? '–' : `${Math.round(v * 1000) / 10}%`;
}

export default async function ({ browser, r }) {
  const desk = await startDesk();
  try {
    const day = (ms) => new Date(ms).toISOString().slice(0, 10);
    const from = day(Date.now() - 29 * DAY);
    const to = day(Date.now());
    const page = await newPage(browser);
    await loginUI(page, desk, desk.logins.lead);
    await page.locator('#top').waitFor();
    // The table is checked against the report the page was given (the
    // server's housekeeping may move a level between two reads).
    const given = (by) => page.waitForResponse((res) => res.url().includes('/api/v1/reports/overview?') &&
      res.url().includes(`by=${by}`) && !res.url().includes('format=csv')).then((res) => res.json());
    const first = given('channel');
    await page.goto(`${desk.base}/app/#/dashboard`);
    const card = page.locator('#c-breakdown');
    const body = card.locator('tbody tr');
    const cells = () => body.evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    const settled = () => card.locator('.table-wrap[aria-busy="false"]').waitFor();
    // Chooses a dimension; resolves to the report the table shows.
    const choose = async (by, head) => {
      const answer = given(by);
      await r.step(`by ${by}`, async () => {
        await page.getByLabel('Break down by').selectOption(by);
        await card.locator('thead th', { hasText: head }).waitFor();
        await settled();
      });
      return answer;
    };
    await r.step('the breakdown table is drawn', () => body.first().waitFor());
    await settled();

    // By channel: every channel in its order, the API's numbers.
    const ch = await first;
    let rows = await cells();
    r.expect('one row per channel, in order', rows.map((x) => x[0]), ['api', 'email', 'web', 'chat', 'phone']);
    r.expect('tickets and conflict rate per channel as the API has them',
      rows.map((x) => [x[0], x[1], x[2]]), ch.groups.map((g) => [g.key, String(g.tickets), percent(g.conflict_rate)]));
    r.expect('the columns', await card.locator('thead th').allTextContents(), ['Channel', 'Tickets', 'Conflict rate',
      'Median first response', 'Median resolution', 'SLA met', 'Reopen rate', 'Escalation rate', 'De-escalation rate', 'CSAT avg']);
    const foot = await card.locator('tfoot tr').evaluate((tr) => [...tr.cells].map((c) => c.textContent));
    r.expect('the desk in the footer', foot.slice(0, 3), ['All', String(ch.total.tickets), percent(ch.total.conflict_rate)]);
    r.expect('every control is labelled', await unlabelled(page), []);

    // By category: most tickets first; then sorted by a head.
    const cat = await choose('category', 'Category');
    rows = await cells();
    r.expect('one row per category, most tickets first', rows.map((x) => [x[0], x[1]]),
      cat.groups.map((g) => [g.key, String(g.tickets)]));
    await shot(page, 'dashboard-breakdown');
    await card.getByRole('button', { name: /^Conflict rate/ }).click();
    const rates = (await cells()).map((x) => (x[2] === '–' ? -1 : parseFloat(x[2])));
    r.check('a click on a head sorts, highest first', rates.every((v, i) => i === 0 || rates[i - 1] >= v), rates.join(' '));
    r.expect('the head says so', await card.locator('th[aria-sort="descending"]').textContent(), 'Conflict rate ▼');
    await card.getByRole('button', { name: /^Category/ }).click();
    const names = (await cells()).map((x) => x[0]);
    r.expect('and by name', names, [...names].sort((a, b) => a.localeCompare(b)));

    // By agent.
    const ag = await choose('agent', 'Agent');
    r.expect('one row per agent, most tickets first', (await cells()).map((x) => [x[0], x[1]]),
      ag.groups.map((g) => [g.key, String(g.tickets)]));

    // By week: five buckets for 30 days, in time.
    const wk = await choose('week', 'Week');
    rows = await cells();
    r.expect('a row per week, empty ones too, in time', rows.map((x) => [x[0], x[1]]),
      wk.groups.map((g) => [g.start.slice(0, 10), String(g.tickets)]));
    r.expect('five weeks in 30 days', rows.length, 5);

    // The CSV is the API's.
    const link = card.locator('a.csv');
    r.check('the CSV link asks for the same report as CSV',
      (await link.getAttribute('href')) === `/api/v1/reports/overview?from=${from}&to=${to}&by=week&format=csv`,
      await link.getAttribute('href'));
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const csv = readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
    r.check('the download has the key first', csv[0].startsWith('key,'), csv[0]);
    r.expect('and a line per week', csv.length, 6);
    r.expect('named for the choice and the range', download.suggestedFilename(), `truce-overview-by-week-${from}-${to}.csv`);

    // A new range: the breakdown follows it and keeps "week".
    const from2 = day(Date.now() - 13 * DAY);
    await page.getByLabel('From', { exact: true }).fill(from2);
    const again = given('week');
    await page.getByRole('button', { name: 'Show' }).click();
    await r.step('a two-week range gives two weeks', () =>
      page.waitForFunction(() => document.querySelectorAll('#c-breakdown tbody tr').length === 2));
    r.expect('still by week', await page.getByLabel('Break down by').inputValue(), 'week');
    const wk2 = await again;
    r.expect('for the new range', [wk2.from.slice(0, 10), wk2.groups.length], [from2, 2]);
    await settled();
    r.expect('with the API\'s numbers', (await cells()).map((x) => x[1]), wk2.groups.map((g) => String(g.tickets)));

    r.expect('no script errors', page.errors, []);
    await page.context().close();
  } finally {
    await desk.stop();
  }
}
