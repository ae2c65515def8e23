// Search in the pages: the help center's contact form suggests a public
// article as the customer types and counts "This answered my question" as a
// deflection; the ticket view's Suggestions panel lists an article and a
// similar resolved ticket, its snippet hits as <mark> built from text.
import { startDesk, newPage, loginUI, shot } from './lib.mjs';

export default async function ({ browser, r }) {
  const desk = await startDesk();
  try {
    const art = await desk.api('POST', '/api/v1/articles', {
      title: 'Parcel tracking help', slug: 'parcel-tracking',
      body: 'Find your parcel with the tracking number from the shipping email.',
      audience: 'public', status: 'published',
    });
    r.expect('an article is published', art.status, 201);

    const page = await newPage(browser);
    await page.goto(`${desk.base}/help`);
    await page.locator('#subject').fill('Where is my parcel');
    await page.locator('#message').pressSequentially('I cannot find the tracking number', { delay: 5 });
    const sugg = page.locator('#suggested li', { hasText: 'Parcel tracking help' });
    await r.step('the article is suggested as the customer types', () => sugg.waitFor());
    await sugg.getByRole('button', { name: 'This answered my question' }).click();
    await r.step('the deflection is acknowledged', () => page.locator('#suggested .deflected').waitFor());
    await shot(page, 'help-deflected');
    const rep = await desk.api('GET', '/api/v1/reports/deflection');
    r.expect('the lead report counts it', rep.body && rep.body.total, 1);

    const old = await desk.api('POST', '/api/v1/tickets', {
      subject: 'Tracking number missing', channel: 'email',
      customer: { email: 'old@example.com', name: 'Old' },
      message: { body: 'The tracking number never came.' },
    });
    await desk.api('PATCH', `/api/v1/tickets/${old.body.id}`, { status: 'resolved' });
    const now = await desk.api('POST', '/api/v1/tickets', {
      subject: 'No tracking number', channel: 'email',
      customer: { email: 'new@example.com', name: 'New' },
      message: { body: 'Where is the tracking number for my parcel?' },
    });
    await loginUI(page, desk, desk.logins.admin);
    await page.goto(`${desk.base}/app/#/ticket/${now.body.id}`);
    const panel = page.locator('#suggestions');
    await r.step('the panel lists the similar resolved ticket',
      () => panel.locator('.sugg-similar a', { hasText: `#${old.body.id}` }).waitFor());
    r.check('and the article', await panel.locator('.sugg-articles', { hasText: 'Parcel tracking help' }).count() === 1);
    r.check('hits are marked', await panel.locator('mark').count() > 0);
    await shot(page, 'ticket-suggestions');
  } finally {
    await desk.stop();
  }
}
