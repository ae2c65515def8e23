// The dashboard on the demo data: a lead sees the charts with the numbers of
// GET /api/v1/reports/trends (the totals, the hidden tables) and the tickets
// the help center deflected, changes the range and the bucket, and
// downloads the CSV; an agent is told the dashboard is for leads.
import { readFileSync } from 'node:fs';
import { startDesk, newPage, shot, loginUI } from './lib.mjs';

export default async function ({ browser, r }) {
  const desk = await startDesk();
  try {
    // An agent with a ticket and no resolution: their median is "–", not "0 h".
    const fresh = await desk.api('POST', '/api/v1/agents', { email: 'rowan.fresh@demo.example', name: 'Rowan Fresh', role: 'agent' });
    const opened1 = await desk.api('POST', '/api/v1/tickets', {
      subject: 'Where is my parcel?', customer: { email: 'pat.waiting@example.org' },
      message: { body: 'My parcel has not arrived yet, could you check?' },
    });
    const assigned = await desk.api('PATCH', `/api/v1/tickets/${opened1.body.id}`, { assignee: fresh.body.id });
    r.check('a new agent has an open ticket', fresh.status === 201 && assigned.status === 200,
      `${fresh.status} ${assigned.status}`);
    // Two customers say a help article answered them (no login, as the help center does).
    const articles = (await desk.api('GET', '/api/v1/public/articles', undefined, null)).body.items;
    const before = (await desk.api('GET', '/api/v1/reports/deflection')).body; // the demo's history
    const todayBefore = before.days[before.days.length - 1].deflected;
    const deflected = [];
    for (let i = 0; i < 2; i++) {
      deflected.push((await desk.api('POST', '/api/v1/public/deflected', { article_id: articles[0].id }, null)).status);
    }
    r.expect('two deflections are counted', deflected, [201, 201]);
    const page = await newPage(browser);
    await loginUI(page, desk, desk.logins.lead);
    await page.locator('#top').waitFor();
    await page.goto(`${desk.base}/app/#/dashboard`);
    await r.step('the dashboard draws its charts', async () => {
      await page.locator('.dash-card svg.chart').first().waitFor();
    });
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 29 * 86400000).toISOString().slice(0, 10);
    const rep = (await desk.api('GET', `/api/v1/reports/trends?from=${from}&to=${to}`)).body;
    const opened = rep.buckets.reduce((a, b) => a + b.opened, 0);
    r.check('the demo data has tickets in the last 30 days', opened > 0, String(opened));
    const tiles = await page.locator('.tile-value').allTextContents();
    r.expect('the total of tickets opened matches the API', tiles[0], String(opened));
    const cards = await page.locator('.dash-card h2').allTextContents();
    for (const name of ['Conflict rate', 'Tickets by level', 'By category', 'By channel', 'SLA met',
      'De-escalation rate', 'CSAT and CES', 'NPS']) {
      r.check(`a chart: ${name}`, cards.includes(name), cards.join(', '));
    }
    r.expect('every chart has a title and a description',
      await page.locator('.dash-card svg.chart title').count() >= 8 &&
      await page.locator('.dash-card svg.chart > desc').count() >= 8, true);
    // The conflict table holds the API's numbers, bucket by bucket.
    const rows = await page.locator('#c-conflict table tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    r.expect('one table row per day', rows.length, 30);
    const last = rep.buckets[rep.buckets.length - 1];
    r.expect('the last row has the API numbers', rows[rows.length - 1].slice(0, 3),
      [last.start.slice(0, 10), String(last.opened), String(last.conflicts)]);
    const levelDots = await page.locator('#c-levels svg circle').count();
    r.check('the level chart has points', levelDots >= 4 * 30, String(levelDots));
    const catBars = await page.locator('#c-category svg rect').count();
    r.check('the category chart has bars', catBars > 0, String(catBars));
    // The insights: overview tiles, emerging problems, the agents table.
    const ov = (await desk.api('GET', `/api/v1/reports/overview?from=${from}&to=${to}`)).body;
    r.expect('the reopen tile has the overview numbers',
      await page.locator('.tiles.insights .tile-detail').nth(2).textContent(),
      `${ov.reopen.reopened} of ${ov.reopen.resolved} resolved`);
    // The deflection tile: the report's total, a column per day, the days as a table.
    const dfl = (await desk.api('GET', `/api/v1/reports/deflection?from=${from}&to=${to}`)).body;
    r.check('the deflection report counts them', dfl.total >= 2, JSON.stringify(dfl.total));
    const dTile = page.locator('#t-deflected');
    r.expect('the Deflected tile shows the total', [await dTile.locator('.tile-name').textContent(),
      await dTile.locator('.tile-value').textContent()], ['Deflected', String(dfl.total)]);
    r.expect('its sparkline has a column per day', await dTile.locator('svg.spark rect').count(), 30);
    const dRows = await dTile.locator('table tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    r.expect('its table has every day with the report\'s numbers', dRows,
      dfl.days.map((d) => [d.day, String(d.deflected)]));
    r.expect('today has the two deflections more', dRows[dRows.length - 1], [to, String(todayBefore + 2)]);
    const resTile = await page.locator('.tiles.insights .tile-value').nth(1).textContent();
    r.check('the median resolution tile is "–" without a resolution, else a time',
      ov.resolution.median_ms === null ? resTile === '–' : /^\d+(\.\d)? (min|h|d)$/.test(resTile), resTile);
    r.check('an emerging problems card', await page.locator('#c-emerging h2').textContent() === 'Emerging problems');
    const weekFrom = new Date(Date.parse(to) - 6 * 86400000).toISOString().slice(0, 10);
    const em = (await desk.api('GET', `/api/v1/reports/emerging?from=${weekFrom}&to=${to}`)).body;
    r.check('emerging looks at the last 7 days of the range, where the demo plants a rising problem',
      em.items.some((it) => it.key === 'doubl charg'), JSON.stringify(em.items.map((it) => it.key)));
    r.check('the card names its window', (await page.locator('#c-emerging .dash-note').textContent())
      .includes(`from ${weekFrom} to ${to}`));
    const emLinks = await page.locator('#c-emerging li a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    r.expect('each emerging example links to its ticket', emLinks,
      em.items.flatMap((it) => it.example_tickets.map((id) => `#/ticket/${id}`)));
    const ag = (await desk.api('GET', `/api/v1/reports/agents?from=${from}&to=${to}`)).body;
    const agCells = await page.locator('#c-agents tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    r.expect('one agents row per assignee with their tickets', agCells.map((c) => c.slice(0, 2)),
      ag.agents.map((a) => [a.agent_id === null ? 'Unassigned' : a.name, String(a.tickets)]));
    const freshApi = ag.agents.find((a) => a.agent_id === fresh.body.id);
    r.expect('the new agent has no reply or resolution in the report',
      freshApi && [freshApi.first_response.median_ms, freshApi.resolution.median_ms], [null, null]);
    const freshRow = agCells.find((c) => c[0] === 'Rowan Fresh') || [];
    r.expect('no median shows as "–" in the agents table, not "0 h"', freshRow.slice(2, 4), ['–', '–']);
    r.expect('every resolution median is "–" exactly when the report has none',
      agCells.map((c) => c[3] === '–'), ag.agents.map((a) => a.resolution.median_ms === null));
    await shot(page, 'dashboard');

    // By week.
    await page.getByLabel('Per', { exact: true }).selectOption('week');
    await page.getByRole('button', { name: 'Show' }).click();
    await r.step('a week bucket redraws with 5 rows for 30 days', async () => {
      await page.waitForFunction(() => document.querySelectorAll('#c-conflict table tbody tr').length === 5);
    });

    // A reversed range is caught.
    await page.getByLabel('From', { exact: true }).fill(to);
    await page.getByLabel('To', { exact: true }).fill(from);
    await page.getByRole('button', { name: 'Show' }).click();
    r.check('a reversed range is refused with a message',
      (await page.locator('.view [role=alert]').first().textContent()).includes('on or before'));
    await page.getByLabel('From', { exact: true }).fill(from);
    await page.getByLabel('To', { exact: true }).fill(to);
    await page.getByRole('button', { name: 'Show' }).click();

    // The CSV link downloads the API's CSV.
    const link = page.locator('#c-conflict a.csv');
    r.check('the CSV link asks for format=csv', (await link.getAttribute('href')).includes('format=csv'));
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    r.check('the download is CSV with the header row', csv.startsWith('start,end,opened,conflicts,conflict_rate'), csv.slice(0, 60));
    r.expect('the download has one row per week and the header', csv.trim().split(/\r?\n/).length, 6);
    r.check('the download is named for the range', download.suggestedFilename().endsWith('.csv'), download.suggestedFilename());
    // The 401 is the console asking for a session before the login; the 404
    // the browser's own /favicon.ico.
    r.expect('no script errors', page.errors.filter((e) => !e.startsWith('Failed to load resource')), []);
    await page.context().close();

    // An agent.
    const ap = await newPage(browser);
    await loginUI(ap, desk, desk.logins.agent);
    await ap.locator('#top').waitFor();
    await ap.goto(`${desk.base}/app/#/dashboard`);
    await r.step('an agent is told the dashboard is for leads', async () => {
      await ap.getByText('The dashboard is for leads and admins.').waitFor();
    });
    await ap.context().close();
  } finally {
    await desk.stop();
  }
}
