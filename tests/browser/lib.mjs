// Shared helpers for the browser tests (tests/browser/tNN-*.mjs).
//
// Each test file gets a fresh desk: `truce init` + `truce demo` (or its own
// setup through the CLI and the API) into a temporary database, and its own
// `truce serve --listen 127.0.0.1:0` whose port is read from the log, as
// tests/http/lib.sh does.  The browser is Debian's chromium driven by
// playwright-core; the runner (run.mjs) launches it once and hands it to
// every test file.  Results are counted with check()/expect(); screenshots
// go to build/screenshots/<name>-desktop.png and <name>-phone.png.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, dirname, resolve, extname, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SHOTS = join(ROOT, 'build', 'screenshots');
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
export const PASSWORD = 'correct-horse-battery';

// The flags every run uses: no network chatter, no sandbox (containers), no GPU.
// playwright's launch() adds a fresh temporary --user-data-dir of its own.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-quic',
  '--no-first-run',
  '--disable-sync',
];

export function truceBin() {
  const bin = process.env.TRUCE || join(ROOT, 'build/release/truce');
  if (!existsSync(bin)) throw new Error(`no truce binary at ${bin} (set TRUCE or run make)`);
  return bin;
}

// ---- results ---------------------------------------------------------------

// One counter per test file: check(desc, cond), expect(desc, got, want).
export class Results {
  constructor(name) {
    this.name = name;
    this.passed = 0;
    this.failed = 0;
  }
  check(desc, cond, detail) {
    if (cond) {
      this.passed++;
    } else {
      this.failed++;
      console.log(`  FAIL: ${this.name}: ${desc}${detail ? ` (${detail})` : ''}`);
    }
    return !!cond;
  }
  expect(desc, got, want) {
    const same = JSON.stringify(got) === JSON.stringify(want);
    return this.check(desc, same, `got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  // Runs fn; a thrown error (a locator that timed out, say) is one failure.
  async step(desc, fn) {
    try {
      const r = await fn();
      if (r === false) return this.check(desc, false);
      this.passed++;
      return true;
    } catch (e) {
      return this.check(desc, false, String(e && e.message ? e.message : e).split('\n')[0]);
    }
  }
}

// ---- the desk under test ---------------------------------------------------

function run(args, input) {
  return execFileSync(truceBin(), args, {
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

// Starts a desk.  opts.demo (default true) loads the demo data and sets
// desk.password / desk.token / desk.logins from its output; opts.demo=false
// makes an admin, a lead and an agent (PASSWORD) with a token each
// (desk.tokens.admin ...), like tests/http/lib.sh.  opts.setup(desk) runs
// before the server starts (CLI work on desk.db).
export async function startDesk(opts = {}) {
  const demo = opts.demo !== false;
  const dir = mkdtempSync(join(tmpdir(), 'truce-browser-'));
  const desk = { dir, db: join(dir, 'truce.db'), logins: {}, tokens: {}, proc: null };
  run(['init', '--db', desk.db]);
  if (demo) {
    const out = run(['demo', '--db', desk.db]);
    desk.password = (out.match(/password (\S+):/) || [])[1];
    const lines = out.trim().split('\n');
    desk.token = lines[lines.length - 1].trim();
    for (const m of out.matchAll(/^\s+(\S+@\S+)\s+(admin|lead|agent)\s*$/gm)) {
      desk.logins[m[2]] = desk.logins[m[2]] || m[1];
    }
  } else {
    desk.password = PASSWORD;
    for (const who of ['admin', 'lead', 'agent']) {
      const email = `${who}@test.example`;
      run(['agent', 'add', '--db', desk.db, '--email', email, '--name', `Test ${who}`,
        '--role', who, '--password-stdin'], `${PASSWORD}\n`);
      desk.logins[who] = email;
      desk.tokens[who] = run(['token', 'create', '--db', desk.db, '--agent', email]).trim().split('\n').pop();
    }
    desk.token = desk.tokens.admin;
  }
  if (opts.setup) await opts.setup(desk);
  await serve(desk, opts.serveArgs || []);
  desk.api = (method, path, body, token = desk.token) => apiCall(desk.base, method, path, body, token);
  desk.stop = () => stopDesk(desk);
  return desk;
}

function serve(desk, extra) {
  return new Promise((resolveP, reject) => {
    const proc = spawn(truceBin(), ['serve', '--db', desk.db, '--listen', '127.0.0.1:0', '--quiet', ...extra], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    desk.proc = proc;
    let log = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 10000);
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (chunk) => {
      log += chunk;
      const m = log.match(/truce: listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m && !desk.base) {
        clearTimeout(timer);
        desk.base = `http://127.0.0.1:${m[1]}`;
        desk.serverBase = desk.base;
        if (process.env.TRUCE_WEB_PROXY) {
          webProxy(desk).then(resolveP, reject);
        } else {
          resolveP();
        }
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      if (!desk.base) reject(new Error(`server exited (${code}):\n${log}`));
    });
  });
}

async function stopDesk(desk) {
  if (desk.proxy) desk.proxy.close();
  if (desk.proc && desk.proc.exitCode === null) {
    const done = new Promise((r) => desk.proc.once('exit', r));
    desk.proc.kill('SIGTERM');
    const t = setTimeout(() => desk.proc.kill('SIGKILL'), 3000);
    await done;
    clearTimeout(t);
  }
  rmSync(desk.dir, { recursive: true, force: true });
}

// The API as an integrator calls it: Bearer token, JSON both ways.
export async function apiCall(base, method, path, body, token) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(base + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data = text;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: data };
}

// Development only (TRUCE_WEB_PROXY=1): until `truce serve` serves web/
// itself, a same-origin front serves web/ and passes the rest to truce.
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon' };
function webProxy(desk) {
  const upstream = new URL(desk.base);
  const web = join(ROOT, 'web');
  const srv = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let p = url.pathname;
    if (p === '/app' || p === '/app/') p = '/app/index.html';
    if (p === '/help' || p === '/help/') p = '/help/index.html';
    if (p.startsWith('/app/') || p.startsWith('/assets/') || p.startsWith('/help/')) {
      const file = join(web, normalize(p).replace(/^(\.\.[/\\])+/, ''));
      if (file.startsWith(web) && existsSync(file) && statSync(file).isFile()) {
        res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' });
        res.end(readFileSync(file));
        return;
      }
    }
    const fwd = httpRequest({ host: upstream.hostname, port: upstream.port, path: req.url,
      method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    });
    fwd.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(fwd);
  });
  desk.proxy = srv;
  return new Promise((r) => srv.listen(0, '127.0.0.1', () => {
    desk.base = `http://127.0.0.1:${srv.address().port}`;
    r();
  }));
}

// ---- the browser -----------------------------------------------------------

export async function launch() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

// A new page in its own context (own cookies).  Console errors and page
// errors are collected in page.errors so a test can assert there were none.
export async function newPage(browser, { viewport = DESKTOP } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(10000); // room for the sanitizer builds
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e.message || e)));
  page.on('console', (m) => {
    // A failed request (a 401 before login, a view module not written yet)
    // is the app's business; script errors are not.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) page.errors.push(m.text());
  });
  return page;
}

// Saves the page at both sizes: build/screenshots/<name>-desktop.png and
// <name>-phone.png, then restores the viewport it had.
export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  const before = page.viewportSize() || DESKTOP;
  for (const [suffix, size] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(100); // layout settles (media queries, charts)
    await page.screenshot({ path: join(SHOTS, `${name}-${suffix}.png`), fullPage: true });
  }
  await page.setViewportSize(before);
}

// Logs in through the console's form.
export async function loginUI(page, desk, email, password = desk.password) {
  await page.goto(`${desk.base}/app/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

// The form controls and buttons on the page that have no accessible name
// (no <label>, aria-label, aria-labelledby, title or text), as short
// descriptions; [] when every control is labelled.
export function unlabelled(page) {
  return page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button')]
    .filter((c) => c.type !== 'hidden' && c.offsetParent !== null)
    .filter((c) => !(c.getAttribute('aria-label') || c.getAttribute('aria-labelledby') ||
      (c.labels && c.labels.length) || c.title ||
      ((c.tagName === 'BUTTON') && c.textContent.trim())))
    .map((c) => `${c.tagName.toLowerCase()}#${c.id || ''}.${c.className || ''}`));
}
