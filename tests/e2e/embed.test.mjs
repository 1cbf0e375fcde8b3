// The embed end to end in Debian's Chromium: a council page on a second origin (another port on
// 127.0.0.1) with the snippet from README.md "Embedding" pasted in. The iframe loads, takes the
// council's theme and wording, grows as results appear (never an inner scrollbar), answers a
// search, ignores messages from the wrong origin, and keeps working with the finder's server
// gone after the first visit. Both origins send strict CSP headers; every test ends with 0 CSP
// violations and 0 console errors in the page and the iframe.

import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve } from '../../scripts/serve.mjs';
import { AXE_TAGS, ROOT, WWW, builtPageExists, describeViolations, launch, openPage, screenshot, startCouncil, withScreenshotOnFailure } from './helpers.mjs';

const PROTOCOL = 'placement-finder';

/**
 * A council server and a finder server that lets it frame the finder.
 */
async function startPair() {
  let finderOrigin = '';
  const council = await startCouncil(() => finderOrigin);
  const finder = await serve(WWW, { port: 0, frameAncestors: `'self' ${council.origin}` });
  const address = /** @type {import('node:net').AddressInfo} */ (finder.address());
  finderOrigin = `http://127.0.0.1:${address.port}`;
  return {
    council: council.origin,
    finder: finderOrigin,
    /** Cuts the finder's network: its server stops and drops every connection. */
    stopFinder: () => new Promise((done) => { finder.close(() => done(undefined)); finder.closeAllConnections(); }),
    close: async () => {
      await new Promise((done) => { finder.close(() => done(undefined)); finder.closeAllConnections(); });
      await new Promise((done) => { council.server.close(() => done(undefined)); council.server.closeAllConnections(); });
    },
  };
}

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {Awaited<ReturnType<typeof startPair>>} */
let pair;
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
  pair = await startPair();
  session = await openPage(browser, { viewport: { width: 1100, height: 900 } });
  // A file that could not be had at all (offline: one the service worker did not keep). Requests cut
  // short by the test closing the page are not failures.
  session.page.on('requestfailed', (r) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') session.errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
});
afterEach(async () => {
  // Every test: no console errors, no uncaught errors, no CSP violations, in the page or the iframe.
  /** @type {string[]} */
  const csp = [];
  for (const frame of session.page.frames()) {
    csp.push(...await frame.evaluate(() => /** @type {any} */ (window).__csp ?? []).catch(() => []));
  }
  await session.context.close();
  await pair.close();
  assert.deepEqual(session.errors, [], 'console or page errors');
  assert.deepEqual(csp, [], 'CSP violations');
});

/** Opens the council page and waits until the finder in it has loaded. */
async function openCouncilPage() {
  const { page } = session;
  await page.goto(`${pair.council}/council-page.html`);
  await page.waitForSelector('[data-placement-finder][data-placement-finder-ready="true"]', { timeout: 30_000 });
  const frame = page.frames().find((f) => f.url().startsWith(`${pair.finder}/embed.html`));
  assert.ok(frame, `an iframe from the finder's origin: ${page.frames().map((f) => f.url()).join(', ')}`);
  await frame.waitForSelector('main[data-ready="true"]', { state: 'attached', timeout: 30_000 });
  return frame;
}

/** The iframe's height as the host page has set it (px). */
function frameHeight() {
  return session.page.$eval('iframe.placement-finder-frame', (f) => f.getBoundingClientRect().height);
}

/**
 * Searches inside a frame (or page) and waits for the list.
 * @param {import('playwright-core').Frame | import('playwright-core').Page} frame
 */
async function searchIn(frame) {
  await frame.fill('#postcode', 'LS6 2AB');
  await frame.fill('#age', '7');
  await frame.check('#need-ASD');
  await frame.getByLabel('Specialist school or unit', { exact: true }).check();
  await frame.click('#pf-submit');
  await frame.waitForSelector('#pf-list > li', { timeout: 30_000 });
  await frame.waitForFunction(() => !document.querySelector('main')?.hasAttribute('data-busy'), null, { timeout: 30_000 });
}

describe('the snippet on a council page (second origin)', () => {
  it('becomes an iframe from the finder’s origin that loads the finder, under both origins’ CSP', async () => {
    await withScreenshotOnFailure(session.page, 'embed-loads', async () => {
      const { page } = session;
      const response = await page.goto(`${pair.council}/council-page.html`);
      assert.match(String(response?.headers()['content-security-policy']), /frame-src http:\/\/127\.0\.0\.1:\d+/);
      const frame = await openCouncilPage();
      const src = await page.getAttribute('iframe.placement-finder-frame', 'src');
      assert.equal(new URL(String(src)).origin, pair.finder);
      assert.equal(new URL(String(src)).searchParams.get('origin'), pair.council);
      assert.equal(await page.getAttribute('iframe.placement-finder-frame', 'title'), 'Anytown school and setting finder');
      assert.equal(await frame.getAttribute('html', 'data-embedded'), 'true');
      // The embed has no site header of its own, and the council's wording.
      assert.equal(await frame.$('.pf-header'), null);
      assert.equal((await frame.textContent('h1'))?.trim(), 'Find a school or setting in and around Anytown');
      assert.match(String(await frame.textContent('#pf-advisory-text')), /^Anytown Council: you can ask/);
    });
  });

  it('takes the council’s colours and font', async () => {
    await withScreenshotOnFailure(session.page, 'embed-theme', async () => {
      const frame = await openCouncilPage();
      const style = await frame.evaluate(() => {
        const button = /** @type {HTMLElement} */ (document.getElementById('pf-submit'));
        return {
          brand: getComputedStyle(document.documentElement).getPropertyValue('--pf-brand').trim(),
          button: getComputedStyle(button).backgroundColor,
          font: getComputedStyle(document.body).fontFamily,
        };
      });
      assert.equal(style.brand, '#5a1f6e');
      assert.equal(style.button, 'rgb(90, 31, 110)');
      assert.match(style.font, /^Georgia/);
      // The host can change the theme later, through the versioned message.
      await session.page.evaluate(() => /** @type {any} */ (window).PlacementFinderEmbed.setTheme(
        document.querySelector('[data-placement-finder]'), { button: '#00703c' }));
      await frame.waitForFunction(() => getComputedStyle(/** @type {HTMLElement} */ (document.getElementById('pf-submit'))).backgroundColor === 'rgb(0, 112, 60)');
    });
  });

  it('answers a search and grows to fit the results, with no scrollbar inside', async () => {
    await withScreenshotOnFailure(session.page, 'embed-search', async () => {
      const frame = await openCouncilPage();
      const before = await frameHeight();
      await searchIn(frame);
      const count = await frame.$$eval('#pf-list > li', (items) => items.length);
      assert.ok(count > 0, 'results listed');
      // The council's default radius (data-radius="15") rather than the level's usual one.
      assert.equal(await frame.inputValue('#radius'), '15');
      assert.match(String(await frame.textContent('#pf-status')), /15 miles/);
      // The iframe follows its content: taller than before, and exactly as tall as the content.
      await session.page.waitForFunction((h) => {
        const f = document.querySelector('iframe.placement-finder-frame');
        return f && f.getBoundingClientRect().height > h + 200;
      }, before, { timeout: 10_000 });
      await frame.waitForFunction(() => document.documentElement.scrollHeight <= window.innerHeight, null, { timeout: 10_000 });
      const inner = await frame.evaluate(() => ({
        content: Math.ceil(document.documentElement.getBoundingClientRect().height),
        viewport: window.innerHeight,
        scrollbar: window.innerWidth - document.documentElement.clientWidth,
      }));
      assert.equal(inner.scrollbar, 0, 'no vertical scrollbar in the iframe');
      assert.ok(Math.abs(inner.content - inner.viewport) <= 1, `iframe height ${inner.viewport} fits content ${inner.content}`);
      await screenshot(session.page, 'embed-council-page');
      // The top of the page, as in docs/embed-screenshot.png: the council's page, the themed finder, the first results.
      await frame.evaluate(() => document.getElementById('other-needs-details')?.removeAttribute('open'));
      await session.page.setViewportSize({ width: 1100, height: 1700 });
      await session.page.evaluate(() => window.scrollTo(0, 0));
      const shot = await screenshot(session.page, 'embed-council-page-top', false);
      console.log(`# screenshot: ${shot}`);
    });
  });

  it('fits a 320 px wide column with no sideways scrolling, and passes axe-core (WCAG 2.2 AA)', async () => {
    await withScreenshotOnFailure(session.page, 'embed-narrow', async () => {
      await session.page.setViewportSize({ width: 352, height: 800 });
      const frame = await openCouncilPage();
      await searchIn(frame);
      const width = await frame.evaluate(() => ({ viewport: window.innerWidth, content: document.documentElement.scrollWidth }));
      assert.ok(width.viewport <= 330, `a narrow iframe: ${width.viewport} px`);
      assert.ok(width.content <= width.viewport, `no sideways scrolling: content ${width.content} px in ${width.viewport} px`);
      await frame.evaluate(await readFile(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8'));
      const result = await frame.evaluate((tags) => /** @type {any} */ (window).axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }), AXE_TAGS);
      console.log(`# axe (embed, 320 px, results): ${result.violations.length} violations`);
      assert.equal(result.violations.length, 0, describeViolations(result));
    });
  });

  it('on a phone, "Show settings" scrolls the council page to the results heading, which has focus', async () => {
    await withScreenshotOnFailure(session.page, 'embed-phone-focus', async () => {
      const { page } = session;
      await page.setViewportSize({ width: 360, height: 740 });
      // The scroll is the loader's, on the finder's 'scrollTo' message: not left to the browser
      // passing a scroll from a cross-origin iframe up to the page (which browsers may refuse).
      await page.addInitScript((type) => window.addEventListener('message', (e) => {
        if (e.data?.type === type && e.data.kind === 'scrollTo') /** @type {any} */ (window).__scrollTo = (/** @type {any} */ (window).__scrollTo ?? 0) + 1;
      }), PROTOCOL);
      const frame = await openCouncilPage();
      // Someone who scrolled down to the button, as on a phone.
      await frame.fill('#postcode', 'LS6 2AB');
      await frame.fill('#age', '7');
      await frame.check('#need-ASD');
      await frame.getByLabel('Specialist school or unit', { exact: true }).check();
      await frame.click('#pf-submit');
      await frame.waitForSelector('#pf-list > li', { timeout: 30_000 });
      await frame.waitForFunction(() => !document.querySelector('main')?.hasAttribute('data-busy'), null, { timeout: 30_000 });
      await page.waitForTimeout(500);
      const heading = await frame.evaluate(() => Math.round(/** @type {HTMLElement} */ (document.getElementById('pf-results-heading')).getBoundingClientRect().top + window.scrollY));
      const at = await page.evaluate(() => ({
        scroll: Math.round(window.scrollY),
        frameTop: Math.round(/** @type {HTMLElement} */ (document.querySelector('iframe.placement-finder-frame')).getBoundingClientRect().top + window.scrollY),
        focus: document.activeElement?.tagName,
      }));
      const results = at.frameTop + heading;
      console.log(`# phone, embedded: council page scrolled to ${at.scroll} px, results heading at ${results} px`);
      assert.equal(await frame.evaluate(() => document.activeElement?.id), 'pf-results-heading');
      assert.equal(at.focus, 'IFRAME');
      assert.equal(await page.evaluate(() => /** @type {any} */ (window).__scrollTo), 1, 'one scrollTo message');
      assert.ok(results - at.scroll >= 0 && results - at.scroll <= 40, `results heading at ${results} px, page scrolled to ${at.scroll} px`);

      // "Show more" and "Jump to the map" scroll the council page too.
      // The council page scrolls on the frame's message, a moment after the click (longer when
      // the machine is busy): wait up to 5 s for it, then check where things are.
      /** @param {string} selector in the frame */
      const atTop = async (selector) => {
        const where = async () => {
          const top = await frame.evaluate((sel) => Math.round(/** @type {HTMLElement} */ (document.querySelector(sel)).getBoundingClientRect().top), selector);
          return { element: at.frameTop + top, scrolled: await page.evaluate(() => Math.round(window.scrollY)) };
        };
        for (let i = 0; i < 50; i++) {
          const w = await where();
          if (Math.abs(w.element - w.scrolled) <= 40) return w;
          await page.waitForTimeout(100);
        }
        return where();
      };
      await frame.click('#pf-more-button');
      assert.equal(await frame.evaluate(() => document.activeElement?.matches('#pf-list > li:nth-child(11)')), true);
      const item = await atTop('#pf-list > li:nth-child(11)');
      assert.ok(Math.abs(item.element - item.scrolled) <= 40, `the first new result (${item.element} px) at the top (scrolled to ${item.scrolled} px)`);
      await frame.click('#pf-jump-map');
      const map = await atTop('#pf-map-heading');
      assert.ok(Math.abs(map.element - map.scrolled) <= 40, `the map heading (${map.element} px) at the top (scrolled to ${map.scrolled} px)`);
    });
  });

  it('ignores a scrollTo from the wrong origin', async () => {
    await withScreenshotOnFailure(session.page, 'embed-scroll-origin', async () => {
      const { page } = session;
      await page.setViewportSize({ width: 360, height: 740 });
      await openCouncilPage();
      await page.evaluate((type) => window.postMessage({ type, version: 1, kind: 'scrollTo', top: 300, bottom: 320, block: 'start', height: 9000 }, '*'), PROTOCOL);
      await page.waitForTimeout(300);
      assert.equal(await page.evaluate(() => window.scrollY), 0);
    });
  });

  it('ignores messages from the wrong origin, or in another schema version', async () => {
    await withScreenshotOnFailure(session.page, 'embed-origins', async () => {
      const { page } = session;
      const frame = await openCouncilPage();
      const height = await frameHeight();
      // To the host: a resize from the host's own origin (not the finder's) ...
      await page.evaluate((type) => window.postMessage({ type, version: 1, kind: 'resize', height: 5 }, '*'), PROTOCOL);
      // ... and one from the finder's iframe but in an unknown schema version.
      await frame.evaluate((type) => window.parent.postMessage({ type, version: 2, kind: 'resize', height: 6 }, '*'), PROTOCOL);
      // To the finder: a theme from its own origin rather than from the host page.
      await frame.evaluate((type) => window.postMessage({ type, version: 1, kind: 'theme', theme: { brand: '#ff0000' } }, '*'), PROTOCOL);
      await page.waitForTimeout(500);
      assert.equal(await frameHeight(), height, 'the iframe kept its height');
      assert.equal(await frame.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--pf-brand').trim()), '#5a1f6e');
      // A theme that tries to break out of its declaration is refused.
      await page.evaluate(() => /** @type {any} */ (window).PlacementFinderEmbed.setTheme(
        document.querySelector('[data-placement-finder]'), { brand: 'red; } body { display: none', link: '#123456' }));
      await frame.waitForFunction(() => getComputedStyle(document.documentElement).getPropertyValue('--pf-link').trim() === '#123456');
      assert.equal(await frame.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--pf-brand').trim()), '#5a1f6e');
    });
  });
});

describe('offline after the first visit', () => {
  it('a new dataset version replaces the saved one cleanly: the old version’s postcode shards go too', async () => {
    await withScreenshotOnFailure(session.page, 'embed-new-version', async () => {
      const { page } = session;
      await page.goto(`${pair.finder}/`);
      await page.waitForSelector('main[data-ready="true"]', { state: 'attached', timeout: 30_000 });
      await searchIn(page);
      // Offline use is set up after the first list (main.js): the page counts each time the
      // service worker has saved what the engine used.
      await page.waitForSelector('main[data-offline-saved]', { state: 'attached', timeout: 30_000 });
      await page.waitForFunction(async () => Boolean(await caches.match(new URL('data/postcodes/LS.bin', location.href).href)), null, { timeout: 30_000, polling: 250 });
      // What the page sends when it has loaded a dataset of another version (main.js keepForOffline).
      const after = await page.evaluate(async (type) => {
        const worker = (await navigator.serviceWorker.ready).active;
        const dataset = new URL('data/dataset.bin', location.href).href;
        await new Promise((done) => {
          navigator.serviceWorker.addEventListener('message', (e) => { if (e.data?.id === 999) done(undefined); });
          worker?.postMessage({ type, version: 1, kind: 'remember', id: 999, urls: [dataset], dataVersion: 'next-version', since: Date.now() });
        });
        const cache = await caches.open('pf-data-v1');
        const marker = await cache.match(new URL('pf-data-version', location.href).href);
        return {
          version: await marker?.text(),
          dataset: Boolean(await cache.match(dataset)),
          shard: Boolean(await cache.match(new URL('data/postcodes/LS.bin', location.href).href)),
          shell: Boolean(await caches.match(new URL('pkg/placement_finder_bg.wasm', location.href).href)),
        };
      }, PROTOCOL);
      assert.deepEqual(after, { version: 'next-version', dataset: true, shard: false, shell: true });
    });
  });

  it('the page and embed.html still answer with the finder’s server gone, and say the data is a saved copy', async () => {
    await withScreenshotOnFailure(session.page, 'embed-offline', async () => {
      const { page } = session;
      // First visit: the full page, one search.
      await page.goto(`${pair.finder}/`);
      await page.waitForSelector('main[data-ready="true"]', { state: 'attached', timeout: 30_000 });
      await searchIn(page);
      await page.waitForSelector('main[data-offline-saved]', { state: 'attached', timeout: 30_000 });
      await page.waitForFunction(async () => {
        const saved = await Promise.all(['data/finder/core.bin', 'data/finder/details/LS.bin', 'data/postcodes/LS.bin', 'data/postcodes/index.json', 'pkg/placement_finder_bg.wasm', 'embed.html']
          .map((p) => caches.match(new URL(p, location.href).href)));
        return saved.every(Boolean);
      }, null, { timeout: 30_000, polling: 250 });
      await pair.stopFinder();

      await page.reload();
      await page.waitForSelector('main[data-ready="true"]', { state: 'attached', timeout: 30_000 });
      assert.match(String(await page.textContent('#pf-offline-notice')), /saved on this device on \d{1,2} \w+ \d{4}/);
      assert.equal(await page.isVisible('#pf-offline-notice'), true);
      await searchIn(page);
      assert.ok(await page.$$eval('#pf-list > li', (items) => items.length) > 0);

      // The embed's page too, with its configuration in the URL. (Inside a council page offline
      // the council's own page and the loader would have to come from the browser's cache first.)
      await page.goto(`${pair.finder}/embed.html?radius=10&theme-brand=%235a1f6e`);
      await page.waitForSelector('main[data-ready="true"]', { state: 'attached', timeout: 30_000 });
      assert.equal(await page.isVisible('#pf-offline-notice'), true);
      await searchIn(page);
      assert.ok(await page.$$eval('#pf-list > li', (items) => items.length) > 0);
    });
  });
});
