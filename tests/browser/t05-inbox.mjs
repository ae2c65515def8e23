// The console for an agent on a busy desk: paging with "Load more", no lead
// views for an agent, an unknown ticket, and a session that ends.
import { startDesk, newPage, loginUI } from './lib.mjs';

export default async function ({ browser, r }) {
  const desk = await startDesk({ demo: false });
  try {
    // 30 tickets, so the inbox (25 a page) has a second page.
    for (let i = 1; i <= 30; i++) {
      const made = await desk.api('POST', '/api/v1/tickets', {
        subject: `Question ${i}`,
        channel: 'email',
        customer: { email: `c${i}@example.com`, name: `Customer ${i}` },
        message: { body: i % 5 === 0 ? 'This is the third time I am asking. Unacceptable!' : 'Hello, where is my order?' },
      });
      if (made.status !== 201) {
        r.check(`ticket ${i} made`, false, JSON.stringify(made.body));
        break;
      }
    }
    const page = await newPage(browser);
    await loginUI(page, desk, desk.logins.agent);
    await r.step('the agent sees the inbox', () => page.locator('#inbox-list li.row').first().waitFor());
    r.expect('the first page has 25 tickets', await page.locator('#inbox-list li.row').count(), 25);
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.locator('#inbox-list[aria-busy="false"]').waitFor();
    r.expect('Load more adds the rest', await page.locator('#inbox-list li.row').count(), 30);
    r.check('no Load more after the last page', await page.getByRole('button', { name: 'Load more' }).isHidden());
    const ids = await page.locator('#inbox-list li.row').evaluateAll((rows) => rows.map((x) => x.dataset.id));
    r.expect('no ticket twice', new Set(ids).size, 30);

    // No lead views for an agent.
    r.expect('an agent has no Approvals link', await page.getByRole('link', { name: 'Approvals' }).count(), 0);
    r.check('an agent has the Dashboard link', await page.getByRole('link', { name: 'Dashboard' }).isVisible());
    await page.goto(`${desk.base}/app/#/approvals`);
    await r.step('#/approvals says it is for leads', () => page.getByText('This view is for leads and admins.').waitFor());

    // A ticket that does not exist.
    await page.goto(`${desk.base}/app/#/ticket/9999`);
    await r.step('an unknown ticket says so', () => page.getByRole('heading', { name: 'No such ticket' }).waitFor());

    // The session ends (cookie gone): the next view asks to log in again.
    await page.goto(`${desk.base}/app/#/inbox`);
    await page.locator('#inbox-list li.row').first().waitFor();
    await page.context().clearCookies();
    await page.evaluate(() => { location.hash = '#/ticket/1'; });
    await r.step('a view after the session ended asks to log in again',
      () => page.getByRole('alert').filter({ hasText: 'Your session has ended' }).waitFor());
    await page.goto(`${desk.base}/app/#/inbox`);
    await r.step('without a session the login form shows', () => page.getByLabel('Password').waitFor());
    await loginUI(page, desk, desk.logins.agent);
    await r.step('logging in again shows the inbox', () => page.locator('#inbox-list li.row').first().waitFor());
    r.expect('no page errors', page.errors, []);
    await page.context().close();
  } finally {
    await desk.stop();
  }
}
