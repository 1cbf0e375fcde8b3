// Shared set-up for the browser tests: the page's own static server started in-process, Debian's
// Chromium through playwright-core, request/console/CSP recording, axe-core, screenshots.

import { equal } from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve.mjs';

const require = createRequire(import.meta.url);
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const WWW = join(ROOT, 'www');
export const SCREENSHOTS = join(ROOT, 'target/screenshots');

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The axe-core tags the page must pass (WCAG 2.2 AA). */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** True when the real engine and data have been built into www/ (scripts/build.sh). */
export function builtPageExists() {
  return existsSync(join(WWW, 'pkg/placement_finder_bg.wasm')) && existsSync(join(WWW, 'data/dataset.bin')) &&
    existsSync(join(WWW, 'data/finder/core.bin')) &&
    existsSync(join(WWW, 'vendor/leaflet/leaflet-src.esm.js')) && existsSync(join(WWW, 'bundle/main.js'));
}

/**
 * A served root that is the built www/ (real page, real wasm engine, real postcode shards) with
 * a hostile dataset in place of the real one (and its split copy, `data/finder/`): made-up
 * settings whose names and websites are HTML, `javascript:` links and spreadsheet formulas,
 * written by the real Rust encoder (`cargo run --example hostile_dataset`). Symlinks in a temporary folder.
 */
export async function hostileRoot() {
  const dir = await mkdtemp(join(tmpdir(), 'pf-hostile-www-'));
  for (const name of await readdir(WWW)) {
    if (name === 'data') continue;
    await symlink(join(WWW, name), join(dir, name));
  }
  const data = join(dir, 'data');
  await mkdir(data);
  for (const name of await readdir(join(WWW, 'data'))) {
    if (!['dataset.bin', 'dataset.bin.br', 'finder'].includes(name)) await symlink(join(WWW, 'data', name), join(data, name));
  }
  execFileSync('cargo', ['run', '--quiet', '--example', 'hostile_dataset', '--', data], { cwd: ROOT, stdio: 'inherit' });
  return dir;
}

/**
 * A served root that is `from` (the built www/, or a `hostileRoot()`) with some files replaced or
 * added, e.g. `{ 'data/postcodes/LS.bin': '<!DOCTYPE html>...' }`: symlinks in a temporary folder,
 * with real folders only on the way to a file that changes. For data that is broken on the server,
 * whatever the service worker does with the request.
 * @param {Record<string, string | Uint8Array>} files paths relative to the root
 * @param {string} [from]
 */
export async function rootWith(files, from = WWW) {
  const dir = await mkdtemp(join(tmpdir(), 'pf-www-'));
  const changed = Object.keys(files);
  /**
   * @param {string} src
   * @param {string} dst
   * @param {string} prefix
   */
  async function mirror(src, dst, prefix) {
    await mkdir(dst, { recursive: true });
    for (const name of await readdir(src)) {
      const path = prefix + name;
      // A changed file's pre-compressed copy (scripts/precompress.mjs) is not the new file's.
      if (changed.includes(path) || changed.includes(path.replace(/\.br$/, ''))) continue;
      if (changed.some((p) => p.startsWith(`${path}/`))) await mirror(join(src, name), join(dst, name), `${path}/`);
      else await symlink(join(src, name), join(dst, name));
    }
  }
  await mirror(from, dir, '');
  for (const [path, body] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), body);
  }
  return dir;
}

/**
 * A council's own server on a second origin: serves tests/e2e/fixtures/council-page.html (the
 * snippet from README.md "Embedding") with the finder's origin filled in, under the CSP a council
 * would send for a page with the snippet.
 * @param {() => string} finderOrigin
 */
export async function startCouncil(finderOrigin) {
  const fixtures = join(ROOT, 'tests/e2e/fixtures');
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const finder = finderOrigin();
    const headers = {
      'Content-Security-Policy': `default-src 'self'; script-src 'self' ${finder}; frame-src ${finder}; style-src 'self'; img-src 'self' data:; base-uri 'none'`,
      'Cache-Control': 'no-cache',
    };
    if (path === '/' || path === '/council-page.html') {
      const html = (await readFile(join(fixtures, 'council-page.html'), 'utf8')).replaceAll('__FINDER__', finder);
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' }).end(html);
    } else if (path === '/council-page.css') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/css; charset=utf-8' }).end(await readFile(join(fixtures, 'council-page.css')));
    } else {
      res.writeHead(404, headers).end('not found');
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', () => done(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return { server, origin: `http://127.0.0.1:${address.port}` };
}

/**
 * Starts the static server on a free port; every request path is recorded.
 * @param {string} [root]
 */
export async function startServer(root = WWW) {
  /** @type {string[]} */
  const served = [];
  const server = await serve(root, { port: 0, log: (line) => served.push(line) });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    served,
    close: () => new Promise((done) => server.close(() => done(undefined))),
  };
}

export async function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/**
 * A new page that records console errors, page errors, CSP violations and every request.
 * @param {import('playwright-core').Browser} browser
 * @param {import('playwright-core').BrowserContextOptions} [options]
 */
export async function openPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  /** @type {string[]} */
  const errors = [];
  /** @type {import('playwright-core').Request[]} */
  const requests = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  context.on('request', (req) => requests.push(req));
  await page.addInitScript(() => {
    /** @type {any} */ (window).__csp = [];
    /** @type {any} */ (window).__longTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) /** @type {any} */ (window).__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    } catch { /* no long task timing */ }
    document.addEventListener('securitypolicyviolation', (e) => {
      /** @type {any} */ (window).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return { context, page, errors, requests };
}

/**
 * CSP violations the page saw.
 * @param {import('playwright-core').Page} page
 * @returns {Promise<string[]>}
 */
export function cspViolations(page) {
  return page.evaluate(() => /** @type {any} */ (window).__csp ?? []);
}

/**
 * Main-thread tasks over 50 ms since `since` (performance.now() time).
 * @param {import('playwright-core').Page} page
 * @param {number} since
 * @returns {Promise<{start: number, duration: number}[]>}
 */
export function longTasks(page, since) {
  return page.evaluate((t) => /** @type {any} */ (window).__longTasks.filter((/** @type {{start: number}} */ e) => e.start >= t), since);
}

/** Waits until the engine has loaded (or failed). */
export async function waitReady(/** @type {import('playwright-core').Page} */ page) {
  await page.waitForSelector('main[data-ready]', { state: 'attached', timeout: 30_000 });
  const ready = await page.getAttribute('main', 'data-ready');
  if (ready !== 'true') throw new Error(`engine did not load: ${await page.textContent('#pf-load-error')}`);
}

/**
 * Runs axe-core (injected with evaluate, which the page's CSP does not block).
 * @param {import('playwright-core').Page} page
 */
export async function axe(page) {
  const source = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  return page.evaluate((tags) => /** @type {any} */ (window).axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }), AXE_TAGS);
}

/**
 * Describes axe violations for an assertion message.
 * @param {{ violations: { id: string, impact: string, help: string, nodes: { target: string[] }[] }[] }} result
 */
export function describeViolations(result) {
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`).join('\n');
}

/**
 * Saves a screenshot to target/screenshots/<name>.png.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 * @param {boolean} [fullPage]
 */
export async function screenshot(page, name, fullPage = true) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/**
 * Runs `body`; on failure saves a screenshot named after the test, then rethrows.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 * @param {() => Promise<void>} body
 */
export async function withScreenshotOnFailure(page, name, body) {
  try {
    await body();
  } catch (error) {
    try { await screenshot(page, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-')}`); } catch { /* page gone */ }
    throw error;
  }
}

/**
 * Fills the main questions for a search.
 * @param {import('playwright-core').Page} page
 * @param {{ postcode: string, age: string, need: string, level: string }} answers level: its label
 */
export async function fillSearch(page, { postcode, age, need, level }) {
  await page.fill('#postcode', postcode);
  await page.fill('#age', age);
  await page.check(`#need-${need}`);
  await page.getByLabel(level, { exact: true }).check();
}

/**
 * Opens the inclusion dashboard and waits for its first coverage (England, autism, specialist kinds).
 * @param {import('playwright-core').Page} page
 * @param {string} baseUrl the server's URL
 */
export async function openDashboard(page, baseUrl) {
  await page.goto(`${baseUrl}dashboard.html`);
  await page.waitForSelector('main[data-ready]', { state: 'attached', timeout: 60_000 });
  equal(await page.getAttribute('main', 'data-ready'), 'true', await page.textContent('#pf-load-error') ?? '');
  await dashboardSettled(page);
}

/**
 * Waits until the dashboard is neither working out coverage nor importing, and shows its table.
 * @param {import('playwright-core').Page} page
 */
export async function dashboardSettled(page) {
  await page.waitForFunction(() => {
    const main = document.querySelector('main');
    return !main?.hasAttribute('data-busy') && !main?.hasAttribute('data-importing') && document.querySelector('#council-table') !== null;
  }, null, { timeout: 120_000 });
}
