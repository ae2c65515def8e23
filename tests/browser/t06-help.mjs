// The help center's articles: the demo's starter articles are listed (the
// public ones only: an internal article and a draft never show, not even to a
// search), one opens with its Markdown rendered, and an article whose body
// tries script (raw HTML, an event handler, a javascript: link) shows none of
// it live.
import { startDesk, newPage, shot } from './lib.mjs';

const XSS_BODY = 'Safe **bold** text.\n\n<script>window.__xss = 1</script>\n\n' +
  '<img src=x onerror="window.__xss = 2">\n\n[click me](javascript:window.__xss=3)\n';

export default async function ({ browser, r }) {
  const desk = await startDesk();
  try {
    const made = await desk.api('POST', '/api/v1/articles', {
      title: 'Tricky article', slug: 'tricky', body: XSS_BODY, audience: 'public', status: 'published',
    });
    r.expect('a lead-level token publishes an article', made.status, 201);
    const secret = await desk.api('POST', '/api/v1/articles', {
      title: 'Secret refund overrides', body: 'internal', audience: 'internal', status: 'published',
    });
    r.expect('an internal article is made', secret.status, 201);
    const draft = await desk.api('POST', '/api/v1/articles', {
      title: 'Refund draft for later', body: 'draft', audience: 'public',
    });
    r.expect('a public draft is made', draft.status, 201);

    const page = await newPage(browser);
    await page.goto(`${desk.base}/help`);
    const list = page.locator('#articles a');
    await r.step('the help center lists the published public articles', async () => {
      await list.filter({ hasText: 'Our refund policy' }).waitFor();
    });
    const titles = await list.allTextContents();
    r.check('the starter public article is listed', titles.includes('Our refund policy'), titles.join('|'));
    r.check('an internal article never shows', !titles.some((t) => /Code of conduct|Secret|De-escalation/.test(t)), titles.join('|'));
    r.check('a draft never shows', !titles.includes('Refund draft for later'), titles.join('|'));
    r.check('the note about missing articles is hidden', await page.locator('#kb-note').isHidden());

    await page.getByLabel('Search articles').fill('refund');
    await page.getByRole('button', { name: 'Search' }).click();
    // The search asks the server: wait for its answer before reading the hits.
    await r.step('the search answers', async () => {
      await page.locator('#search-hits a', { hasText: 'Our refund policy' }).waitFor();
    });
    const hits = await page.locator('#search-hits a').allTextContents();
    r.check('a search finds the refund policy', hits.includes('Our refund policy'), hits.join('|'));
    r.check('a search finds no internal or draft article',
      hits.every((h) => ['Our refund policy', 'Charged twice? What to do about a double charge'].includes(h)), hits.join('|'));

    await list.filter({ hasText: 'Our refund policy' }).click();
    await r.step('the article opens', async () => {
      await page.getByRole('heading', { name: 'Our refund policy', level: 1 }).waitFor();
    });
    r.check('its Markdown is rendered', await page.locator('#article-body h2').count() > 0);
    r.check('bold text is bold', await page.locator('#article-body strong').count() > 0);
    await shot(page, 'help-article');

    const res = await page.goto(`${desk.base}/help?article=tricky`);
    r.expect('the tricky article page answers 200', res.status(), 200);
    await r.step('the tricky article opens', async () => {
      await page.getByRole('heading', { name: 'Tricky article', level: 1 }).waitFor();
    });
    r.check('its safe part is rendered', await page.locator('#article-body strong', { hasText: 'bold' }).count() === 1);
    r.expect('no script or img element came from the body',
      await page.locator('#article-body script, #article-body img').count(), 0);
    const href = await page.locator('#article-body a', { hasText: 'click me' }).getAttribute('href');
    r.check('the javascript: link has no live URL', !/javascript:/i.test(href || ''), href);
    await page.locator('#article-body a', { hasText: 'click me' }).click();
    await page.waitForTimeout(100);
    r.expect('no script of the body ran', await page.evaluate(() => window.__xss), undefined);

    await page.goto(`${desk.base}/help?article=${secret.body.slug}`);
    await r.step('an internal article by its slug is "not found"', async () => {
      await page.locator('#article-missing').waitFor();
    });
    r.check('and its title is not shown', !(await page.content()).includes('Secret refund overrides'));
    await page.close();
  } finally {
    await desk.stop();
  }
}
