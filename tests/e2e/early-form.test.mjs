// The form before the engine has loaded (issue 13: first results on a slow phone). The needs,
// level and kinds questions are built from the words and levels Rust generates
// (www/js/generated/vocabulary.js, tests/generated_vocabulary.rs) as soon as the page's script
// runs, so a parent answers them while the wasm and the dataset download; a submit meanwhile
// waits (the page is busy) and lists results once the engine is ready. A council's own pack with
// other levels replaces the levels then, keeping the answers whose ids match and the focus.
//
// The engine is held back by holding the finder's wasm response (a Playwright route) until the
// test releases it.

import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, axe, builtPageExists, describeViolations, launch, openPage, rootWith, startServer, waitReady, withScreenshotOnFailure } from './helpers.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {Awaited<ReturnType<typeof openPage>>} */
let session;

before(async () => {
  if (!builtPageExists()) throw new Error('www/ is not built: run `bash scripts/build.sh` first');
  browser = await launch();
});
after(async () => {
  await browser?.close();
});
beforeEach(async () => {
  // No service worker: it would answer the wasm from its own fetch, past the route.
  session = await openPage(browser, { serviceWorkers: 'block' });
});
afterEach(async () => {
  await session.context.close();
  assert.deepEqual(session.errors, [], 'console or page errors');
});

/**
 * Holds every response for the finder's wasm (the lean module, or the full one a council's pack
 * needs) until `release` is called; `urls` lists the modules asked for.
 * @param {import('playwright-core').BrowserContext} context
 */
async function holdEngine(context) {
  /** @type {() => void} */
  let release = () => {};
  const released = new Promise((done) => { release = () => done(undefined); });
  let held = 0;
  /** @type {string[]} */
  const urls = [];
  await context.route(/\/pkg(-full)?\/placement_finder_bg\.wasm$/, async (route) => {
    held++;
    urls.push(new URL(route.request().url()).pathname);
    await released;
    await route.continue();
  });
  return { release, held: () => held, urls };
}

/** Ids used more than once in the page. */
function duplicateIds(/** @type {import('playwright-core').Page} */ page) {
  return page.evaluate(() => {
    const seen = new Map();
    for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  });
}

describe('the form before the engine has loaded', () => {
  it('can be answered while the engine loads; a submit waits for it, then lists results', async () => {
    const server = await startServer();
    try {
      const { page, context } = session;
      const engine = await holdEngine(context);
      await withScreenshotOnFailure(page, 'early-form', async () => {
        await page.goto(server.url);
        // Every question is there while the engine's wasm has not arrived.
        await page.waitForSelector('#need-ASD', { timeout: 10_000 });
        assert.equal(await page.getAttribute('main', 'data-ready'), null, 'the engine is not ready yet');
        assert.ok(engine.held() > 0, 'the wasm is held back');
        await page.fill('#postcode', 'LS6 2AA');
        await page.fill('#age', '7');
        await page.check('#need-ASD');
        await page.getByLabel('Specialist school or unit', { exact: true }).check();
        // The level ticks its kinds and its usual radius, as after loading.
        assert.equal(await page.isChecked('#kind-special'), true);
        assert.equal(await page.isChecked('#kind-mainstream'), true);
        assert.equal(await page.isChecked('#kind-independentSpecial'), false);
        assert.equal(await page.inputValue('#radius'), '10');
        assert.deepEqual(await duplicateIds(page), []);
        const need = await page.$('#need-ASD');

        await page.click('#pf-submit');
        await page.waitForSelector('main[data-busy]', { state: 'attached' });
        assert.match(await page.textContent('#pf-status') ?? '', /Still loading the list of settings/);
        assert.equal(await page.$$eval('#pf-list > li', (items) => items.length), 0);

        engine.release();
        await waitReady(page);
        await page.waitForFunction(() => !document.querySelector('main')?.hasAttribute('data-busy') && document.querySelector('#pf-list > li'), null, { timeout: 30_000 });
        assert.ok(await page.$$eval('#pf-list > li', (items) => items.length) > 0);
        assert.match(await page.textContent('#pf-status') ?? '', /settings within 10 miles of LS6 2AA/);
        // The engine's words are the generated ones: the questions were not built again.
        assert.equal(await need?.evaluate((el) => el.isConnected), true, 'the need question was kept, not rebuilt');
        assert.equal(await page.isChecked('#need-ASD'), true);
        assert.deepEqual(await duplicateIds(page), []);
      });
    } finally {
      await server.close();
    }
  });

  it('a missing answer submitted while the engine loads shows in the error summary once it has loaded', async () => {
    const server = await startServer();
    try {
      const { page, context } = session;
      const engine = await holdEngine(context);
      await page.goto(server.url);
      await page.waitForSelector('#need-ASD', { timeout: 10_000 });
      await page.fill('#postcode', 'LS6 2AA');
      await page.fill('#age', '7');
      await page.check('#need-ASD');
      await page.click('#pf-submit');
      engine.release();
      await waitReady(page);
      await page.waitForSelector('#pf-error-summary:not([hidden])');
      const links = await page.$$eval('#pf-error-summary-list a', (as) => as.map((a) => a.getAttribute('href')));
      assert.deepEqual(links, ['#level-0']);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'pf-error-summary', 'the summary takes focus');
      await page.click('#pf-error-summary-list a');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'level-0');
    } finally {
      await server.close();
    }
  });

  it('a submit made while loading a dataset the engine cannot read leaves the page not busy, with the message', async () => {
    const root = await rootWith({ 'data/finder/core.bin': 'not a dataset' });
    const server = await startServer(root);
    try {
      const { page, context } = session;
      const engine = await holdEngine(context);
      await page.goto(server.url);
      await page.waitForSelector('#need-ASD', { timeout: 10_000 });
      await page.fill('#postcode', 'LS6 2AA');
      await page.fill('#age', '7');
      await page.check('#need-ASD');
      await page.getByLabel('Specialist school or unit', { exact: true }).check();
      await page.click('#pf-submit');
      await page.waitForSelector('main[data-busy]', { state: 'attached' });
      engine.release();
      await page.waitForSelector('main[data-ready="error"]', { state: 'attached', timeout: 30_000 });
      assert.equal(await page.isVisible('#pf-load-error'), true);
      await page.waitForFunction(() => !document.querySelector('main')?.hasAttribute('data-busy'), null, { timeout: 5_000 });
    } finally {
      await server.close();
    }
  });

  it('rebuilds the levels for a council pack with other levels, keeping the answers and the focus', async () => {
    const pack = JSON.parse(await readFile(join(ROOT, 'data/policy/default.json'), 'utf8'));
    pack.id = 'anytown';
    pack.title = 'Anytown SEND placement policy';
    pack.illustrative = false;
    pack.notice = 'Adopted by Anytown Council.';
    const specialist = pack.levels.find((/** @type {{id: string}} */ l) => l.id === 'specialist');
    specialist.radiusMiles = 8;
    const complex = pack.levels.pop();
    pack.levels.push({ ...complex, id: 'outreach', label: 'Outreach from a special school', description: 'Anytown’s own level.' });
    const root = await rootWith({ 'councils/anytown/policy.json': JSON.stringify(pack, null, 2) });
    const server = await startServer(root);
    try {
      const { page, context } = session;
      const engine = await holdEngine(context);
      await withScreenshotOnFailure(page, 'early-form-council', async () => {
        await page.goto(`${server.url}embed.html?policy=councils/anytown/policy.json`);
        await page.waitForSelector('#need-ASD', { timeout: 10_000 });
        // The default's levels meanwhile, without the default's "illustrative" notice.
        assert.equal(await page.isVisible('#level-notice'), false);
        await page.fill('#postcode', 'LS6 2AA');
        await page.fill('#age', '7');
        await page.check('#need-ASD');
        await page.getByLabel('Specialist school or unit', { exact: true }).check();
        await page.focus('input[name="level"][value="specialist"]');
        assert.equal(await page.inputValue('#radius'), '10');
        const early = await axe(page);
        assert.equal(early.violations.length, 0, describeViolations(early));

        engine.release();
        await waitReady(page);
        const levels = await page.$$eval('input[name="level"]', (els) => els.map((el) => /** @type {HTMLInputElement} */ (el).value));
        assert.deepEqual(levels, ['universal', 'targeted', 'specialist', 'outreach']);
        assert.equal(await page.isVisible('text=Outreach from a special school'), true);
        assert.match(await page.textContent('#level-notice') ?? '', /Anytown SEND placement policy/);
        assert.equal(await page.isVisible('#level-notice'), true);
        // A council's pack is read by the finder's full module; embed.html's preload names the
        // lean one (a council with a pack changes that line: docs/embedding.md), so both are asked for.
        assert.ok(engine.urls.includes('/pkg-full/placement_finder_bg.wasm'), `modules asked for: ${engine.urls}`);
        // The answers whose ids match are kept, and the level's radius is the council's.
        assert.equal(await page.isChecked('input[name="level"][value="specialist"]'), true);
        assert.equal(await page.isChecked('#need-ASD'), true);
        assert.equal(await page.inputValue('#radius'), '8');
        assert.equal(await page.isChecked('#kind-special'), true);
        assert.deepEqual(await page.evaluate(() => {
          const el = /** @type {HTMLInputElement} */ (document.activeElement);
          return [el?.name, el?.value];
        }), ['level', 'specialist'], 'the focus stays on the chosen level');
        assert.deepEqual(await duplicateIds(page), []);

        await page.click('#pf-submit');
        await page.waitForFunction(() => !document.querySelector('main')?.hasAttribute('data-busy') && document.querySelector('#pf-list > li'), null, { timeout: 30_000 });
        assert.match(await page.textContent('#pf-status') ?? '', /within 8 miles of LS6 2AA/);
      });
    } finally {
      await server.close();
    }
  });
});
