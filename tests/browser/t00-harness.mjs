// The harness itself: a desk starts with the demo data, the API answers the
// demo's admin token, and chromium reaches the server.
import { startDesk, newPage } from './lib.mjs';

export default async function ({ browser, r }) {
  const desk = await startDesk();
  try {
    r.check('the demo printed a password', !!desk.password);
    r.check('the demo has an admin, a lead and an agent',
      !!(desk.logins.admin && desk.logins.lead && desk.logins.agent));
    const list = await desk.api('GET', '/api/v1/tickets?sort=risk');
    r.expect('the admin token lists tickets', list.status, 200);
    r.check('the demo has tickets', list.body && list.body.items && list.body.items.length > 0);
    const page = await newPage(browser);
    const res = await page.goto(`${desk.base}/healthz`);
    r.expect('chromium reaches the server', res.status(), 200);
    await page.context().close();
  } finally {
    await desk.stop();
  }
}
