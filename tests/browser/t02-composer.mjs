// The agent's actions on a ticket, in the console as an agent does them:
// the composer's live coaching (a blame draft underlined and listed; one
// suggestion applied), sending a reply and (Ctrl+Enter) an internal note,
// proposing an offer above the agent's authority (pending, with the
// server's error next to the field first), and resolving a conflict ticket,
// which asks for the lesson.  Screenshots: composer-findings,
// composer-offer-pending, composer-lesson.
import { startDesk, newPage, loginUI, shot } from './lib.mjs';

const BLAME = 'You should have read the instructions, it is your fault';

export default async function ({ browser, r }) {
  const desk = await startDesk();
  const page = await newPage(browser);
  try {
    // Ticket 8 of the demo: Priya's, hostile, a conflict (the steps apply).
    const agent = 'priya@truce.example';
    const list = await desk.api('GET', '/api/v1/tickets?assignee=none&limit=100');
    r.expect('the demo answers', list.status, 200);
    const t8 = await desk.api('GET', '/api/v1/tickets/8');
    r.check('ticket 8 is a conflict of the agent', t8.body.steps.applies && t8.body.assignee.email === agent);

    // Count the composer's coach requests, and those the page cancelled.
    // The composer's reviews only: the ticket view asks the coach once for
    // the case's playbook (with a fixed stand-in draft).
    let coachCalls = 0;
    let aborted = 0;
    const coachReq = (req) =>
      req.url().endsWith('/api/v1/coach') &&
      !(req.postData() || '').includes('"draft":"Thank you for your message."');
    page.on('request', (req) => {
      if (coachReq(req)) coachCalls++;
    });
    page.on('requestfailed', (req) => {
      if (coachReq(req)) aborted++;
    });

    // How many of the composer's reviews the page has running at once, as the
    // page sees them: an aborted fetch ends at once for the page, while the
    // network events of a request held by page.route end only when the route
    // lets it go, so they cannot tell.
    await page.addInitScript(() => {
      const fetch0 = window.fetch;
      window.__reviews = { inflight: 0, max: 0 };
      window.fetch = async function (input, init) {
        const url = typeof input === 'string' ? input : input.url;
        const body = init && typeof init.body === 'string' ? init.body : '';
        if (!url.endsWith('/api/v1/coach') || body.includes('"draft":"Thank you for your message."'))
          return fetch0.call(this, input, init);
        const r = window.__reviews;
        // Over when it settles or the moment it is aborted (the abort event
        // fires inside abort(); the promise settles a little later).
        let over = false;
        const end = () => {
          if (!over) r.inflight--;
          over = true;
        };
        r.inflight++;
        r.max = Math.max(r.max, r.inflight);
        if (init && init.signal) init.signal.addEventListener('abort', end);
        try {
          return await fetch0.call(this, input, init);
        } finally {
          end();
        }
      };
    });
    const pageMax = () => page.evaluate(() => window.__reviews.max);
    await loginUI(page, desk, agent);
    await page.locator('ol.inbox').waitFor();
    await page.goto(`${desk.base}/app/#/ticket/8`);
    const draft = page.getByLabel('Your reply');
    await r.step('the composer is on the ticket page', () => draft.waitFor());

    await draft.pressSequentially(BLAME, { delay: 15 });
    const findings = page.locator('.composer-findings');
    const blameItem = findings.locator('li[data-kind="blame"]');
    await r.step('the blame finding is listed', () => blameItem.first().waitFor());
    r.check(
      'the list names the blamed words',
      (await blameItem.locator('q').allTextContents()).includes('You should have'),
    );
    const marks = page.locator('.composer-mirror mark.kind-blame');
    r.expect('the blame is underlined in the draft', await marks.allTextContents(), ['You should have', 'your fault']);
    r.check('the underline is a mark in the mirror behind the textarea', (await marks.first().evaluate((m) => {
      const mirror = m.closest('.composer-mirror');
      const ta = mirror.parentElement.querySelector('textarea');
      const a = mirror.getBoundingClientRect();
      const b = ta.getBoundingClientRect();
      return Math.abs(a.top - b.top) < 1 && Math.abs(a.width - b.width) < 1 && getComputedStyle(ta).backgroundColor === 'rgba(0, 0, 0, 0)';
    })));
    r.check('typing was debounced (fewer reviews than keystrokes)', coachCalls > 0 && coachCalls < BLAME.length / 4,
      `${coachCalls} reviews`);
    const max1 = await pageMax();
    r.check('never more than one review in flight', max1 === 1, `max ${max1}`);
    r.check('the skill scores show as meters', (await page.locator('.composer-scores meter').count()) === 7);
    r.check('a message says what is wrong', /fault on the customer/.test(await blameItem.first().textContent()));
    await shot(page, 'composer-findings');

    // Apply the rewrite of "You should have".
    await r.step('Apply replaces the blamed words', async () => {
      await page.getByRole('button', { name: 'Apply: Blame "You should have"' }).click();
      const v = await draft.inputValue();
      if (!v.startsWith('It would help next time to')) throw new Error(`draft is ${JSON.stringify(v)}`);
    });
    await r.step('the finding goes after the new review', () =>
      page.waitForFunction(() => {
        const qs = [...document.querySelectorAll('.composer-findings li[data-kind="blame"] q')].map((q) => q.textContent);
        const ms = [...document.querySelectorAll('.composer-mirror mark')].map((m) => m.textContent);
        return qs.length > 0 && !qs.includes('You should have') && !ms.includes('You should have') && ms.includes('your fault');
      }));

    // Send it: it shows in the thread.
    const sent = await draft.inputValue();
    await page.locator('#composer').getByRole('button', { name: 'Send reply' }).click();
    await r.step('the sent reply shows in the thread', () =>
      page.locator('ol.thread li').filter({ hasText: sent.slice(0, 40) }).first().waitFor());
    const after = await desk.api('GET', '/api/v1/tickets/8');
    const last = after.body.messages[after.body.messages.length - 1];
    r.check('the server has the reply, public, with its coach review', last.body === sent && !last.internal && last.coach);

    // An internal note with Ctrl+Enter.
    await page.getByLabel('Internal note').check();
    const note = page.getByLabel('Your note (only the team sees it)');
    await note.fill('Checked with billing: the refund batch ran late.');
    await note.press('Control+Enter');
    await r.step('Ctrl+Enter adds the internal note to the thread', () =>
      page.locator('ol.thread li').filter({ hasText: 'the refund batch ran late' }).first().waitFor());
    const afterNote = await desk.api('GET', '/api/v1/tickets/8');
    const lastNote = afterNote.body.messages[afterNote.body.messages.length - 1];
    r.check('the note is internal', lastNote.internal === true);

    // An offer: first a bad amount (the error next to the field), then one
    // above the agent's authority (50.00 EUR for refunds): pending.
    const offers = page.locator('#offers');
    await offers.getByLabel('Kind').selectOption('refund');
    await offers.getByLabel('Amount').fill('80.001');
    await offers.getByLabel('Currency').fill('EUR');
    await offers.getByRole('button', { name: 'Propose offer' }).click();
    await r.step("the server's error shows next to the amount", () =>
      offers.locator('.offers-field-amount .field-error').filter({ hasText: 'at most 2 decimals' }).waitFor());
    await offers.getByLabel('Amount').fill('80.00');
    await offers.getByLabel('Note for the approver').fill('Lost by the carrier <b>twice</b>');
    await offers.getByRole('button', { name: 'Propose offer' }).click();
    await r.step("the offer waits for a lead's approval", () =>
      offers.locator('.offers-result').filter({ hasText: 'waits for a lead\u2019s approval' }).waitFor());
    await r.step('the offer is listed as pending', () =>
      offers.locator('.offers-item', { hasText: 'Refund 80.00 EUR' }).locator('.badge', { hasText: 'pending' }).waitFor());
    r.check('the note shows as text', (await offers.locator('.offers-note').first().textContent()) === 'Lost by the carrier <b>twice</b>');
    await page.locator('#offers-panel').scrollIntoViewIfNeeded();
    await shot(page, 'composer-offer-pending');
    const pending = await desk.api('GET', '/api/v1/tickets/8/offers');
    r.check('the server has it pending', pending.body.items.some((o) => o.state === 'pending' && o.amount === '80.00'));

    // An apology is within anyone's authority: approved at once, no money asked.
    await offers.getByLabel('Kind').selectOption('apology_only');
    r.check('an apology asks for no amount', !(await offers.getByLabel('Amount').isVisible()));
    await offers.getByRole('button', { name: 'Propose offer' }).click();
    await r.step('an apology is approved at once', () =>
      offers.locator('.offers-item', { hasText: 'Apology only' }).locator('.badge', { hasText: 'approved' }).waitFor());

    // Resolve the conflict: the lesson is asked first.
    const resolve = page.locator('#resolve');
    await resolve.getByRole('button', { name: 'Resolve', exact: true }).click();
    await r.step('the lesson is asked', () => resolve.getByLabel('Cause').waitFor());
    await shot(page, 'composer-lesson');
    await resolve.getByRole('button', { name: 'Resolve with this lesson' }).click();
    r.check('a blank lesson is not sent', (await resolve.locator('.field-error').first().textContent()) === 'Please fill this in.');
    await resolve.getByLabel('Cause').fill('The refund batch ran a day late');
    await resolve.getByLabel('What went wrong').fill('The customer asked three times and heard nothing concrete');
    await resolve.getByLabel('What would prevent it').fill('An alert when the refund batch is late');
    await resolve.getByRole('button', { name: 'Resolve with this lesson' }).click();
    await r.step('the ticket shows as resolved', () => page.locator('#resolve').getByText('This ticket is resolved.').waitFor());
    const resolved = await desk.api('GET', '/api/v1/tickets/8');
    r.expect('the server has it resolved', resolved.body.status, 'resolved');
    const lessons = await desk.api('GET', '/api/v1/tickets/8/lessons');
    r.check('with the lesson', lessons.body.items.length === 1 && lessons.body.items[0].prevention === 'An alert when the refund batch is late');

    // A slow coach: a review still running when the agent types on is
    // cancelled, and the list shows the review of the latest draft.
    await page.goto(`${desk.base}/app/#/ticket/1`);
    await page.route('**/api/v1/coach', async (route) => {
      await new Promise((res) => setTimeout(res, 900));
      try {
        await route.continue();
      } catch {
        /* cancelled by the page meanwhile */
      }
    });
    await page.evaluate(() => { window.__reviews.max = 0; });
    const abortedBefore = aborted;
    const slow = page.getByLabel('Your reply');
    await slow.pressSequentially('Hello Lena, thanks for asking.', { delay: 5 });
    await page.waitForTimeout(500); // the first review is on its way
    await slow.pressSequentially(' Our backend team is on it.', { delay: 5 });
    await r.step('the latest draft is reviewed', () =>
      page.locator('.composer-mirror mark.kind-jargon', { hasText: 'backend' }).waitFor({ timeout: 8000 }));
    r.check('the stale review was cancelled', aborted > abortedBefore, `${aborted - abortedBefore} cancelled`);
    const max2 = await pageMax();
    r.check('still never more than one review in flight', max2 === 1, `max ${max2}`);
    await page.unroute('**/api/v1/coach');

    // A calm ticket resolves without a lesson.
    await page.locator('#resolve').getByRole('button', { name: 'Resolve', exact: true }).click();
    await r.step('a calm ticket resolves at once', () => page.locator('#resolve').getByText('This ticket is resolved.').waitFor());

    r.expect('no script errors', page.errors, []);
  } finally {
    await page.context().close();
    await desk.stop();
  }
}
