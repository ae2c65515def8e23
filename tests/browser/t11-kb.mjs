// The knowledge base in the console (#/kb): an agent drafts an article (no
// publish option, no delete) and sees the server's rendering in the preview,
// raw HTML dropped; a save based on a stale version says so and keeps the
// edit, with the latest version a click away; the history lists the
// versions with their authors; a lead publishes it and the list shows it;
// the server's 403 is shown when the role changed under the page; a lead
// deletes; the list pages; markup in a title is text everywhere.
import { startDesk, newPage, loginUI, shot, unlabelled } from './lib.mjs';

const XSS_TITLE = '<img src=x onerror="window.__xss=1"><b>Bold</b> claims';

export default async function ({ browser, r }) {
  const desk = await startDesk({ demo: false });
  try {
    const { lead, admin } = desk.tokens;
    const odd = await desk.api('POST', '/api/v1/articles', { title: XSS_TITLE, body: 'Text.', tags: ['odd'] }, lead);
    r.expect('an article with markup in its title is made', odd.status, 201);

    // ---- the agent drafts ----
    const page = await newPage(browser);
    await loginUI(page, desk, desk.logins.agent);
    await page.getByRole('link', { name: 'Knowledge base' }).click();
    await r.step('the nav leads an agent to the knowledge base', () =>
      page.locator('main h1', { hasText: 'Knowledge base' }).waitFor());
    const oddRow = page.locator('#kb-list tbody tr', { hasText: 'Bold' });
    await r.step('the list shows the articles', () => oddRow.waitFor());
    r.expect('markup in a title shows as text in the list',
      await oddRow.locator('a.kb-link').textContent(), XSS_TITLE);
    r.expect('the row shows audience, status, tags and version',
      (await oddRow.locator('td').allTextContents()).filter((t, i) => i !== 3), ['internal', 'draft', 'odd', '1']);

    await page.getByRole('link', { name: 'New article' }).click();
    await r.step('New article opens the editor', () => page.locator('main h1', { hasText: 'New article' }).waitFor());
    r.expect('an agent is offered no status (publish) control', await page.locator('#kb-status-f').count(), 0);
    r.expect('nor a delete', await page.locator('#kb-delete').count(), 0);
    await page.getByLabel('Title').fill('Refunds for late parcels');
    await page.getByLabel('Tags').fill('refunds, parcels');
    await page.getByLabel('Audience').selectOption('public');
    await page.getByLabel('Body (Markdown)').fill(
      '# When a parcel is late\n\nA **late** parcel gets a refund of the shipping.\n\n<script>window.__xss=2</script>\n');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await r.step('the draft is saved and opened by id', () => page.waitForURL(/#\/kb\/\d+$/));
    const id = Number(page.url().match(/#\/kb\/(\d+)$/)[1]);
    await r.step('it says version 1', () => page.locator('#kb-saved', { hasText: 'version 1' }).waitFor());
    const preview = page.locator('#kb-preview');
    r.expect('the preview is the server\'s rendering', await preview.locator('strong').textContent(), 'late');
    r.expect('with the heading', await preview.locator('h1').textContent(), 'When a parcel is late');
    r.check('raw HTML is dropped from the preview', !/<script|__xss/.test(await preview.innerHTML()));
    // Were the server ever to send markup cmark never writes, the console
    // keeps only cmark's elements and safe addresses.  (On a page of its
    // own: chromium reports the inline handlers' CSP block while parsing.)
    const probe = await newPage(browser);
    await probe.goto(`${desk.base}/app/`);
    const rebuilt = await probe.evaluate(async () => {
      const m = await import('/app/js/views/kb.js');
      const box = document.createElement('div');
      box.append(...m.serverHtml('<p onclick="go()">a<script>window.__xss=3</script>' +
        '<a href="java\nscript:alert(1)">l</a><img src="x" onerror="window.__xss=4">' +
        '<iframe src="/app/"></iframe><a href="https://e.example/">ok</a></p>').flat(Infinity).filter(Boolean));
      return box.innerHTML;
    });
    r.expect('the preview keeps only safe markup', rebuilt,
      '<p>a<a target="_blank" rel="noopener noreferrer">l</a><img src="x">' +
      '<a href="https://e.example/" target="_blank" rel="noopener noreferrer">ok</a></p>');
    await probe.waitForTimeout(100);
    r.check('and nothing in it ran', (await probe.evaluate(() => window.__xss)) === undefined);
    await probe.context().close();
    const made = await desk.api('GET', `/api/v1/articles/${id}`, undefined, lead);
    r.expect('the API has the draft as typed', [made.body.status, made.body.audience, made.body.tags, made.body.slug],
      ['draft', 'public', ['refunds', 'parcels'], 'refunds-for-late-parcels']);

    // An unsaved edit: the preview follows the text, rendered by the server.
    const body = page.getByLabel('Body (Markdown)');
    await body.fill('# When a parcel is late\n\nA **late** parcel gets its shipping refunded, _always_.\n');
    await r.step('the preview follows the typing', () => preview.locator('em', { hasText: 'always' }).waitFor());
    r.check('and says it is not saved yet',
      (await page.locator('#kb-preview-note').textContent()).includes('not saved yet'));

    // ---- a stale version: the lead saved in between ----
    const by = await desk.api('PATCH', `/api/v1/articles/${id}`,
      { body: 'A late parcel: we refund the shipping (lead\'s words).', version: 1 }, lead);
    r.expect('the lead saves version 2 meanwhile', by.body.version, 2);
    await page.getByRole('button', { name: 'Save draft' }).click();
    const conflict = page.locator('#kb-conflict');
    await r.step('the stale save shows the conflict', () => conflict.waitFor());
    r.check('and says the edit of version 1 is kept', (await conflict.textContent()).includes('edit of version 1 is not saved'));
    r.check('the edit is still in the form', (await body.inputValue()).includes('always'));
    r.expect('nothing was written', (await desk.api('GET', `/api/v1/articles/${id}`, undefined, lead)).body.version, 2);
    await shot(page, 'kb-conflict');
    await page.getByRole('button', { name: 'Load the latest version' }).click();
    await r.step('the latest version loads', () => page.locator('#kb-saved', { hasText: 'version 2' }).waitFor());
    r.check('into the form', (await body.inputValue()).includes('lead\'s words'));
    r.check('with the edit kept beside it', (await page.getByLabel('Your Markdown').inputValue()).includes('always'));

    // ---- the history ----
    const versions = page.locator('ul.kb-versions > li');
    await r.step('the history lists two versions', () =>
      page.waitForFunction(() => document.querySelectorAll('ul.kb-versions > li').length === 2));
    const summaries = await versions.locator('summary').allTextContents();
    r.check('newest first, with the lead who wrote it named for an agent', /^Version 2 \(current\) · .* · Test lead · draft, public$/.test(summaries[0]), summaries[0]);
    r.check('the first by the agent, by name', /^Version 1 · .* · Test agent · draft, public$/.test(summaries[1]), summaries[1]);
    await versions.nth(1).locator('summary').click();
    r.check('a version is viewable: its Markdown as text',
      (await versions.nth(1).locator('pre.kb-md').textContent()).includes('<script>window.__xss=2</script>'));

    // The agent saves on the latest version: version 3.
    await body.fill('A late parcel: we refund the shipping, always.');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await r.step('a save on the latest version works', () => page.locator('#kb-saved', { hasText: 'Saved: version 3' }).waitFor());
    r.expect('no page errors for the agent', page.errors, []);
    r.expect('every control is labelled', await unlabelled(page), []);
    await shot(page, 'kb-editor-agent');

    // ---- the lead publishes ----
    const lp = await newPage(browser);
    await loginUI(lp, desk, desk.logins.lead);
    await lp.goto(`${desk.base}/app/#/kb`);
    await lp.locator('#kb-status').selectOption('draft');
    const draftRow = lp.locator('#kb-list tbody tr', { hasText: 'Refunds for late parcels' });
    await r.step('the status filter shows the draft', () => draftRow.waitFor());
    await draftRow.getByRole('link').click();
    await r.step('the lead opens it', () => lp.locator('main h1', { hasText: 'Refunds for late parcels' }).waitFor());
    r.check('a lead is offered delete', await lp.locator('#kb-delete').isVisible());
    const lh = lp.locator('ul.kb-versions summary');
    await r.step('a lead sees every author by name', () => lh.first().waitFor());
    r.check('the lead\'s version names the lead', (await lh.nth(1).textContent()).includes('Test lead'));
    await lp.getByLabel('Status').selectOption('published');
    await lp.getByRole('button', { name: 'Publish' }).click();
    await r.step('it is published', () => lp.locator('#kb-saved', { hasText: 'Published: version 4' }).waitFor());
    r.check('the help center link is offered', await lp.getByRole('link', { name: /Open it in the help center/ }).isVisible());
    await lp.getByRole('link', { name: '← Knowledge base' }).click();
    // The list's own Status filter (the editor had one too).
    await lp.locator('#kb-status').selectOption('published');
    const pubRow = lp.locator('#kb-list tbody tr', { hasText: 'Refunds for late parcels' });
    await r.step('the list shows it published', () => pubRow.waitFor());
    r.expect('with its status and version', [await pubRow.locator('td').nth(1).textContent(),
      await pubRow.locator('td').nth(4).textContent()], ['published', '4']);
    // The text filter: the search index.
    await lp.locator('#kb-status').selectOption('');
    await lp.getByRole('searchbox', { name: 'Search' }).fill('shipping');
    await lp.getByRole('searchbox', { name: 'Search' }).press('Enter');
    await r.step('a search finds it by its body', () =>
      lp.locator('#kb-list tbody tr', { hasText: 'Refunds for late parcels' }).locator('mark').first().waitFor());
    r.expect('only it', await lp.locator('#kb-list tbody tr').count(), 1);
    await shot(lp, 'kb-list');

    // ---- the agent cannot change it now ----
    await page.reload();
    await r.step('the agent sees it published, read-only', () => page.locator('#kb-locked').waitFor());
    r.check('the form is disabled', await page.getByLabel('Body (Markdown)').isDisabled());
    r.expect('no publish control, no save, no delete', [await page.locator('#kb-status-f').count(),
      await page.locator('#kb-save').isVisible(), await page.locator('#kb-delete').count()], [0, false, 0]);

    // ---- the server's 403: the lead's role changed under the page ----
    await lp.goto(`${desk.base}/app/#/kb/${odd.body.id}`);
    await r.step('markup in a title is text in the editor',
      () => lp.locator('main h1.kb-heading', { hasText: '<img src=x' }).waitFor());
    const leadId = (await desk.api('GET', '/api/v1/agents', undefined, admin)).body.items
      .find((a) => a.email === desk.logins.lead).id;
    r.expect('the admin makes the lead an agent', (await desk.api('PATCH', `/api/v1/agents/${leadId}`, { role: 'agent' }, admin)).status, 200);
    await lp.getByLabel('Status').selectOption('published');
    await lp.getByRole('button', { name: 'Publish' }).click();
    await r.step('the 403 is shown clearly', () => lp.locator('#kb-error', { hasText: 'Not allowed' }).waitFor());
    r.check('and names who may', (await lp.locator('#kb-error').textContent()).includes('take a lead or an admin'));
    await desk.api('PATCH', `/api/v1/agents/${leadId}`, { role: 'lead' }, admin);

    // ---- the lead deletes ----
    await lp.locator('#kb-delete').click();
    await lp.getByRole('button', { name: 'Delete for good' }).click();
    await r.step('after a delete the list says so', () => lp.locator('.kb-flash', { hasText: 'Deleted' }).waitFor());
    r.expect('the article is gone', (await desk.api('GET', `/api/v1/articles/${odd.body.id}`, undefined, lead)).status, 404);
    r.check('and no markup ran', (await page.evaluate(() => window.__xss)) === undefined &&
      (await lp.evaluate(() => window.__xss)) === undefined);

    // ---- paging: 25 a page, then Load more ----
    for (let i = 1; i <= 30; i++) {
      await desk.api('POST', '/api/v1/articles', { title: `Paging article ${i}`, body: 'x' }, lead);
    }
    await lp.getByRole('searchbox', { name: 'Search' }).fill('');
    await r.step('the list shows a page of 25', () =>
      lp.waitForFunction(() => document.querySelectorAll('#kb-list tbody tr').length === 25));
    await lp.getByRole('button', { name: 'Load more' }).click();
    await r.step('Load more shows the rest', () =>
      lp.waitForFunction(() => document.querySelectorAll('#kb-list tbody tr').length === 31));
    r.check('and no more after the last page', await lp.getByRole('button', { name: 'Load more' }).isHidden());
    r.expect('no page errors for the lead', lp.errors, []);
    await page.context().close();
    await lp.context().close();
  } finally {
    await desk.stop();
  }
}
