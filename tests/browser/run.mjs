// Runs the browser tests: every tests/browser/t*.mjs (or the files named on
// the command line), each exporting `default async function (ctx)` with
// ctx = {browser, r} where r is a Results counter (lib.mjs).  Prints
// "browser: N passed, M failed" and exits non-zero on any failure; when
// chromium or node_modules is missing it says why and fails.
//
// usage: TRUCE=build/release/truce node tests/browser/run.mjs [tNN-name.mjs ...]

import { existsSync, readdirSync } from 'node:fs';
import { join, basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, CHROMIUM, Results } from './lib.mjs';

const DIR = join(ROOT, 'tests/browser');
const PER_FILE_MS = 45000;

function give_up(why) {
  console.log(`browser: cannot run: ${why}`);
  console.log('browser: 0 passed, 1 failed');
  process.exit(1);
}

if (!existsSync(join(ROOT, 'node_modules/playwright-core'))) {
  give_up('node_modules/playwright-core is missing (run scripts/deps, or npm ci)');
}
if (!existsSync(CHROMIUM)) give_up(`no chromium at ${CHROMIUM} (run scripts/deps: Debian package chromium)`);

const { launch } = await import('./lib.mjs');
const files = process.argv.length > 2
  ? process.argv.slice(2).map((f) => resolve(DIR, basename(f)))
  : readdirSync(DIR).filter((f) => /^t.*\.mjs$/.test(f)).sort().map((f) => join(DIR, f));

let passed = 0;
let failed = 0;
const started = Date.now();
let browser;
try {
  browser = await launch();
} catch (e) {
  give_up(`chromium did not start: ${String(e.message).split('\n')[0]}`);
}
for (const file of files) {
  const name = basename(file, '.mjs');
  const r = new Results(name);
  const t0 = Date.now();
  let timer;
  try {
    const mod = await import(pathToFileURL(file).href);
    await Promise.race([
      mod.default({ browser, r }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${PER_FILE_MS / 1000} s`)), PER_FILE_MS);
      }),
    ]);
  } catch (e) {
    r.check('runs to the end', false, String(e && e.stack ? e.stack : e).split('\n').slice(0, 3).join(' | '));
  } finally {
    clearTimeout(timer);
  }
  console.log(`${name}: ${r.passed} passed, ${r.failed} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  passed += r.passed;
  failed += r.failed;
}
await browser.close();
console.log(`browser tests took ${((Date.now() - started) / 1000).toFixed(1)} s`);
// The summary line exactly so: scripts/test adds these lines up.
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && files.length > 0 ? 0 : 1);
