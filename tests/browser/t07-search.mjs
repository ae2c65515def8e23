// Search in the pages: the help center's contact form suggests a public
// article as the customer types and counts "This answered my question" as a
// deflection; the ticket view's Suggestions panel lists an article and a
// similar resolved ticket, its snippet hits as <mark> built from text; a
// public article's title opens it in the help center, an internal one's in
// the console, and "Insert link" puts "TITLE: URL" at the reply's cursor
// for the coach to review; text near the limits, which are bytes, still
// searches when it is not ASCII.
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
    const inner = await desk.api('POST', '/api/v1/articles', {
      title: 'Tracking number lookup (internal)', body: 'Look the tracking number up in the carrier portal.',
      audience: 'internal', status: 'published',
    });
    r.expect('an internal article is published', inner.status, 201);

    const before = (await desk.api('GET', '/api/v1/reports/deflection')).body.total; // the demo's history
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
    r.expect('the lead report counts it', rep.body && rep.body.total, before + 1);

    // Non-ASCII text near the server's limits, which are in bytes: a search of
    // 255 characters but 272 bytes, and a message of 2,100 "é" (4,200 bytes).
    const word = await desk.api('POST', '/api/v1/articles', {
      title: 'Money back', slug: 'money-back', body: 'How a Rückerstattung works.',
      audience: 'public', status: 'published',
    });
    r.expect('an article with a German word in its body', word.status, 201);
    const page2 = await newPage(browser);
    await page2.goto(`${desk.base}/help`);
    await page2.locator('#articles a', { hasText: 'Money back' }).waitFor();
    await page2.getByLabel('Search articles').fill('Rückerstattung '.repeat(17).trim());
    await page2.getByRole('button', { name: 'Search' }).click();
    await r.step('a long non-ASCII search still asks the server and finds the body\'s word',
      () => page2.locator('#search-hits a', { hasText: 'Money back' }).waitFor());
    await page2.locator('#subject').fill('Parcel tracking');
    await page2.locator('#message').fill(`I cannot find the tracking number ${'é'.repeat(2100)}`);
    await r.step('a message over 4096 bytes of UTF-8 still gets suggestions',
      () => page2.locator('#suggested li', { hasText: 'Parcel tracking help' }).waitFor());
    await page2.close();

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
    const pub = panel.locator('.sugg-articles li', { hasText: 'Parcel tracking help' });
    const link = pub.locator('a.sugg-title');
    r.expect('a public article links to the help center', await link.getAttribute('href'),
      `${desk.base}/help?article=parcel-tracking`);
    r.expect('in a new tab', await link.getAttribute('target'), '_blank');
    const own = panel.locator('.sugg-articles li', { hasText: 'Tracking number lookup' });
    r.expect('an internal one links to the console', await own.locator('a.sugg-title').getAttribute('href'), `#/kb/${inner.body.id}`);
    r.expect('and cannot be inserted for a customer', await own.getByRole('button', { name: /Insert link/ }).count(), 0);

    // Insert link: at the cursor, between the agent's words.
    const draft = page.locator('#composer textarea');
    await draft.fill('Hi New, here is how to find it:  Thanks, Sam');
    await draft.evaluate((t) => t.setSelectionRange(32, 32));
    const reviewed = page.waitForResponse((res) => res.url().endsWith('/api/v1/coach') &&
      (res.request().postData() || '').includes('help?article=parcel-tracking'));
    await pub.getByRole('button', { name: 'Insert link: Parcel tracking help' }).click();
    r.expect('the link goes in at the cursor', await draft.inputValue(),
      `Hi New, here is how to find it: Parcel tracking help: ${desk.base}/help?article=parcel-tracking Thanks, Sam`);
    r.check('the panel says so', (await panel.locator('.sugg-said').textContent()).includes('Inserted the link'));
    await r.step('the coach reviews the draft with the link', () => reviewed);
    await r.step('and shows its review', () => page.locator('.composer-coach:not([hidden])').waitFor());
    await shot(page, 'ticket-suggestions');
    r.expect('no page errors', page.errors, []);
  } finally {
    await desk.stop();
  }
}
