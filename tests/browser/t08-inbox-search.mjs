// The inbox's search: a word found only in a message body (not a subject)
// finds its ticket through the full-text index, best match first, with the
// hit marked in the snippet (text, never markup); a prefix with * finds it
// too; Escape and Enter open it; "Load more" follows the search's cursor;
// clearing the box brings the risk-ordered list and its filters back; the
// subject-or-customer search still filters with GET /api/v1/tickets?q=.
import { startDesk, newPage, loginUI, shot } from './lib.mjs';

const RARE = 'zanzibarite';
const COMMON = 'quokka';

async function ticket(desk, r, subject, body, who) {
  const made = await desk.api('POST', '/api/v1/tickets', {
    subject, channel: 'email',
    customer: { email: `${who.toLowerCase().replace(/ /g, '.')}@example.com`, name: who },
    message: { body },
  });
  r.check(`ticket "${subject}" made`, made.status === 201, JSON.stringify(made.body));
  return made.body.id;
}

export default async function ({ browser, r }) {
  const desk = await startDesk({ demo: false });
  try {
    const target = await ticket(desk, r, 'Question about my order',
      `The ${RARE} pendant arrived with a scratch across the stone.`, 'Ana Silva');
    // Markup in a matching message stays text in the snippet.
    const markup = await ticket(desk, r, 'Website trouble',
      `<img src=x onerror="window.__xss=1"> the ${COMMON} page shows <b>nothing</b>`, 'Mallory');
    for (let i = 1; i <= 29; i++) {
      await ticket(desk, r, `Order ${i}`, `My ${COMMON} plush number ${i} has not arrived.`, `Customer ${i}`);
    }

    const page = await newPage(browser);
    await loginUI(page, desk, desk.logins.agent);
    const rows = page.locator('#inbox-list li.row');
    await r.step('the inbox shows the risk-ordered list', () => rows.first().waitFor());
    r.check('with its column heads', await page.locator('.inbox-head').isVisible());

    // Typing the word and Enter: the full-text search.
    const box = page.getByRole('searchbox', { name: 'Search' });
    await box.fill(RARE);
    await box.press('Enter');
    const hits = page.locator('#inbox-list li.row.hit');
    await r.step('the word in a message body finds its ticket', () => hits.first().waitFor());
    r.expect('exactly that ticket', await hits.evaluateAll((li) => li.map((x) => x.dataset.id)), [String(target)]);
    r.expect('the row shows the subject', await hits.first().locator('a.subject').textContent(), 'Question about my order');
    r.check('and the status', (await hits.first().locator('.meta').textContent()).includes('new'));
    r.expect('the snippet marks the hit', await hits.first().locator('.hit-snippet mark').allTextContents(), [RARE]);
    r.check('as <mark>word</mark>', (await hits.first().locator('.hit-snippet').innerHTML()).includes(`<mark>${RARE}</mark>`));
    r.expect('the status line counts the hits', await page.locator('.view [role=status]').textContent(), '1 ticket, best match first');
    r.check('the filters are off and say why', await page.locator('#f-level').isDisabled() &&
      await page.locator('#search-note').isVisible());
    r.check('no column heads over the ranking', await page.locator('.inbox-head').isHidden());
    await shot(page, 'inbox-search');

    // Escape leaves the box for the first row; Enter opens it.
    await box.press('Escape');
    await page.keyboard.press('Enter');
    await r.step('Enter opens the ticket', () =>
      page.locator('h1.ticket-title', { hasText: 'Question about my order' }).waitFor());
    r.check('the ticket that was found', page.url().endsWith(`#/ticket/${target}`), page.url());

    // Back in the inbox the search is still there; a prefix finds it too.
    await page.getByRole('link', { name: '← Inbox' }).click();
    await r.step('the search survives the trip to the ticket', () => hits.first().waitFor());
    await box.fill(`${RARE.slice(0, 6)}*`);
    await r.step('a prefix with * finds it', async () => {
      await Promise.all([page.waitForResponse((res) => res.url().includes(`q=${RARE.slice(0, 6)}*`) ||
        res.url().includes(`q=${RARE.slice(0, 6)}%2A`)), box.press('Enter')]);
      await page.locator('#inbox-list[aria-busy="false"]').waitFor();
    });
    r.expect('the same ticket', await hits.evaluateAll((li) => li.map((x) => x.dataset.id)), [String(target)]);

    // Many hits: a page of 25, then "Load more" with the cursor; the API's order.
    await box.fill(COMMON);
    await box.press('Enter');
    await r.step('a common word fills a page', () =>
      page.waitForFunction(() => document.querySelectorAll('#inbox-list li.row.hit').length === 25));
    const api = [];
    for (let cursor = null, first = true; first || cursor; first = false) {
      const res = await desk.api('GET', `/api/v1/search?type=ticket&q=${COMMON}&limit=25${cursor ? `&cursor=${cursor}` : ''}`);
      api.push(...res.body.items.map((h) => String(h.id)));
      cursor = res.body.next_cursor;
    }
    r.expect('the API finds 30', api.length, 30);
    await page.getByRole('button', { name: 'Load more' }).click();
    await r.step('Load more adds the rest', () =>
      page.waitForFunction(() => document.querySelectorAll('#inbox-list li.row.hit').length === 30));
    r.expect('in the order of the relevance ranking', await hits.evaluateAll((li) => li.map((x) => x.dataset.id)), api);
    r.check('no Load more after the last page', await page.getByRole('button', { name: 'Load more' }).isHidden());
    const html = await hits.filter({ has: page.locator(`a[href="#/ticket/${markup}"]`) }).locator('.hit-snippet').innerHTML();
    r.check('markup in a message shows as text', html.includes('&lt;b&gt;') && !/<b>|<img/.test(html), html);
    r.check('and runs nothing', (await page.evaluate(() => window.__xss)) === undefined);

    // j/k move over the hits.
    await page.locator('main h1').click();
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    r.expect('j / k move the selection', await page.locator('#inbox-list li.row.selected').getAttribute('data-id'), api[0]);

    // Clearing the box: the risk-ordered list, filters on.
    await box.fill('');
    await r.step('an empty search is the risk-ordered list again', () =>
      page.waitForFunction(() => document.querySelectorAll('#inbox-list li.row').length > 0 &&
        !document.querySelector('#inbox-list li.row.hit')));
    r.check('with the filters on', await page.locator('#f-level').isEnabled() && await page.locator('#search-note').isHidden());
    r.expect('and the list says so', await page.locator('#inbox-list').getAttribute('aria-label'), 'Tickets, highest risk first');

    // Subject or customer: the substring filter of GET /api/v1/tickets?q=.
    await page.getByLabel('Look in').selectOption('customer');
    await box.fill('ana silva');
    await box.press('Enter');
    await r.step('a customer name finds the ticket by substring', () =>
      page.waitForFunction(() => document.querySelectorAll('#inbox-list li.row').length === 1 &&
        !document.querySelector('#inbox-list li.row.hit')));
    r.expect('that customer\'s ticket', await rows.first().getAttribute('data-id'), String(target));
    r.check('the filters apply to it', await page.locator('#f-level').isEnabled());
    const like = await desk.api('GET', '/api/v1/tickets?q=ana%20silva');
    r.expect('GET /api/v1/tickets?q= still answers', like.body.items.map((t) => t.id), [target]);
    // The server's limits are bytes: 200 Cyrillic letters are 400 bytes.
    await box.fill('д'.repeat(200));
    await box.press('Enter');
    await r.step('a long non-ASCII substring search is cut to the limit, not refused', () =>
      page.getByRole('status').filter({ hasText: 'No tickets match these filters.' }).waitFor());
    await page.getByLabel('Look in').selectOption('text');
    await box.fill('д'.repeat(200));
    await box.press('Enter');
    await r.step('so is a long full-text search', () =>
      page.getByRole('status').filter({ hasText: 'No ticket mentions' }).waitFor());
    await box.fill('');

    r.expect('no page errors', page.errors, []);
    await page.context().close();
  } finally {
    await desk.stop();
  }
}
