// The page end to end in Debian's Chromium: real searches, errors, share links, comparison, CSV,
// print, privacy, accessibility (axe-core), keyboard-only use, 320 px reflow, and no console
// errors or CSP violations anywhere.
//
// Runs against www/ as built by scripts/build.sh (the real wasm engine and dataset).

import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  SCREENSHOTS, axe, builtPageExists, longTasks, cspViolations, describeViolations, fillSearch, launch, openPage,
  screenshot, startServer, waitReady, withScreenshotOnFailure,
} from './helpers.mjs';

const SPECIALIST = 'Specialist school or unit';

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof openPage>>} */
let session;

before(async () => {
  if (!builtPageExists()) {
    throw new Error('www/ is not built: run `bash scripts/build.sh` first (wasm engine, dataset, postcode shards, Leaflet)');
  }
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});
beforeEach(async () => {
  session = await openPage(browser);
});
afterEach(async () => {
  // Every test: no console errors, no uncaught errors, no CSP violations.
  const csp = await cspViolations(session.page).catch(() => []);
  await session.context.close();
  assert.deepEqual(session.errors, [], 'console or page errors');
  assert.deepEqual(csp, [], 'CSP violations');
});

/**
 * Opens the page (optionally at a fragment) and waits for the engine.
 * @param {string} [fragment]
 */
async function open(fragment = '') {
  await session.page.goto(server.url + fragment);
  await waitReady(session.page);
}

/** Waits until no search is waiting or running. */
async function settled() {
  await session.page.waitForFunction(() => !document.querySelector('main')?.hasAttribute('data-busy'), null, { timeout: 30_000 });
}

/**
 * Fills the form, submits, waits for the results.
 * @param {{ postcode?: string, age?: string, need?: string, level?: string }} [answers]
 */
async function searchFor(answers = {}) {
  const page = session.page;
  await fillSearch(page, { postcode: 'LS6 2AB', age: '7', need: 'ASD', level: SPECIALIST, ...answers });
  await page.click('#pf-submit');
  await settled();
  await page.waitForSelector('#pf-list > li');
}

/** The results as the list shows them: name, kind, reasons. */
function listedResults() {
  return session.page.$$eval('#pf-list > li', (items) => items.map((li) => ({
    key: li.getAttribute('data-key'),
    name: li.querySelector('.pf-result__name')?.textContent,
    kind: li.querySelector('.pf-result__kind')?.textContent,
    reasons: [...li.querySelectorAll('.pf-list--reasons li')].map((r) => r.textContent),
    flags: [...li.querySelectorAll('.pf-list--flags li')].map((r) => r.textContent),
    facts: li.querySelector('.pf-facts')?.textContent,
  })));
}

/** Every form control's value or checked state, by id. */
function formSnapshot() {
  return session.page.$$eval('#pf-form input, #pf-form select', (els) => els.map((el) => {
    const input = /** @type {HTMLInputElement} */ (el);
    return `${input.id}=${input.type === 'radio' || input.type === 'checkbox' ? input.checked : input.value}`;
  }));
}

describe('searching', () => {
  it('lists settings for LS6 2AB, age 7, autism, a specialist level, with reasons and a map', async () => {
    const page = session.page;
    await withScreenshotOnFailure(page, 'leeds', async () => {
      await open();
      await screenshot(page, 'page-1280-empty');
      const since = await page.evaluate(() => performance.now());
      await searchFor();
      const long = await longTasks(page, since);
      console.log(`# main thread during the search (engine in a Web Worker): ${long.length} tasks over 50 ms${long.length ? `, longest ${Math.round(Math.max(...long.map((t) => t.duration)))} ms` : ''}`);
      const results = await listedResults();
      assert.ok(results.length >= 3, `expected several results, found ${results.length}`);
      assert.ok(results.every((r) => r.reasons.length + r.flags.length > 0), 'every result explains itself');
      assert.ok(results.some((r) => r.reasons.some((text) => /autis/i.test(text ?? ''))), 'some result matches autism');
      assert.ok(results.every((r) => /miles? in a straight line/.test(r.facts ?? '')), 'distances are labelled straight line');
      const status = await page.textContent('#pf-status');
      assert.match(status ?? '', new RegExp(`^${results.length} settings? within 10 miles of LS6 2AB`));
      assert.equal(await page.getAttribute('#pf-status', 'role'), 'status');
      const markers = await page.$$('#pf-map .pf-marker');
      assert.ok(markers.length >= 1 && markers.length <= results.length, 'one marker per place');
      assert.equal(await page.$$eval('#pf-map .pf-home', (m) => m.length), 1);
      assert.match(await page.textContent('#pf-advisory') ?? '', /You can ask for any suitable school or setting, including ones not on this list/);
      assert.match(await page.textContent('#pf-data-statement') ?? '', /Data version/);
      assert.match(await page.textContent('#pf-policy-notice') ?? '', /Illustrative/i);
      assert.ok(results.some((r) => /Leeds/i.test(r.facts ?? '') || /SILC|Leeds/i.test(r.name ?? '')), 'real Leeds settings');
      await screenshot(page, 'page-1280-results');
      await page.setViewportSize({ width: 375, height: 800 });
      await page.waitForTimeout(200);
      await screenshot(page, 'page-375-results');
    });
  });

  it('lists settings for SW1A 1AA in London', async () => {
    await withScreenshotOnFailure(session.page, 'london', async () => {
      await open();
      await searchFor({ postcode: 'sw1a 1aa', age: '12', level: SPECIALIST });
      const results = await listedResults();
      assert.ok(results.length >= 1, 'some London settings');
      assert.match(await session.page.textContent('#pf-status') ?? '', /of SW1A 1AA/);
    });
  });

  it('updates the results as the form changes, without a reload', async () => {
    const page = session.page;
    await withScreenshotOnFailure(page, 'live-update', async () => {
      await open();
      await searchFor();
      const before = await page.textContent('#pf-status');
      await page.evaluate(() => { /** @type {any} */ (window).__sameDocument = true; });
      await page.selectOption('#radius', '3');
      await settled();
      const afterChange = await page.textContent('#pf-status');
      assert.notEqual(afterChange, before);
      assert.match(afterChange ?? '', /within 3 miles/);
      assert.equal(await page.evaluate(() => /** @type {any} */ (window).__sameDocument), true, 'no reload');
    });
  });

  it('shows the year group that follows from a date of birth and start date', async () => {
    const page = session.page;
    await open();
    await page.check('#age-mode-dob');
    assert.equal(await page.inputValue('#start-month'), '9', 'start date defaults to September');
    await page.fill('#dob-day', '27');
    await page.fill('#dob-month', '3');
    await page.fill('#dob-year', '2019');
    await page.fill('#start-day', '1');
    await page.fill('#start-month', '9');
    await page.fill('#start-year', '2026');
    await page.waitForFunction(() => /Year 3/.test(document.getElementById('year-group-text')?.textContent ?? ''));
    assert.match(await page.textContent('#year-group-text') ?? '', /will be 7 on the 31 August before 1 September 2026, so they would usually join Year 3/);
  });

  it('uses the device location when allowed', async () => {
    const { context, page } = session;
    await context.grantPermissions(['geolocation']);
    await context.setGeolocation({ latitude: 53.8198, longitude: -1.5763 });
    await open();
    await page.click('#use-location');
    await page.waitForFunction(() => /Using your location/.test(document.getElementById('where-status')?.textContent ?? ''));
    await page.fill('#age', '7');
    await page.check('#need-ASD');
    await page.getByLabel(SPECIALIST, { exact: true }).check();
    await page.click('#pf-submit');
    await settled();
    assert.ok((await listedResults()).length >= 1);
    assert.match(await page.textContent('#pf-status') ?? '', /of the place you chose/);
  });

  it('sets home from a place selected on the map', async () => {
    const page = session.page;
    await withScreenshotOnFailure(page, 'map-home', async () => {
      await open();
      await searchFor();
      await page.locator('#pf-map').scrollIntoViewIfNeeded();
      // The map loads when it comes into view or with the list (main.js): a person clicks on what is shown.
      await page.waitForSelector('#pf-map .pf-marker', { timeout: 30_000 });
      await page.waitForFunction(() => document.querySelector('#pf-map .leaflet-attribution-pane, #pf-map .leaflet-control-attribution')?.textContent?.includes('Boundaries'), null, { timeout: 30_000 });
      const box = await page.locator('#pf-map').boundingBox();
      assert.ok(box);
      await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.7);
      await page.getByRole('button', { name: 'Search from here' }).click();
      await settled();
      // The form takes the map's place once the new search has been made (slower under load).
      await page.waitForFunction(() => /** @type {HTMLInputElement} */ (document.querySelector('#postcode')).value === '', null, { timeout: 15_000 });
      await page.waitForFunction(() => /place you chose/.test(document.querySelector('#pf-status')?.textContent ?? ''), null, { timeout: 15_000 });
      assert.equal(await page.inputValue('#postcode'), '');
      assert.match(await page.textContent('#where-status') ?? '', /place you chose on the map/);
      assert.match(await page.textContent('#pf-status') ?? '', /of the place you chose/);
    });
  });

  it('links the map and the list both ways, one marker per address', async () => {
    const page = session.page;
    await open();
    await searchFor();
    const first = await page.$eval('#pf-list > li', (li) => li.getAttribute('data-key'));
    await page.click(`#result-${first} [data-action="map"]`);
    const popupButton = page.locator(`.leaflet-popup button[data-key="${first}"]`);
    await popupButton.waitFor();
    // Focus moves into the popup once it has opened (later under load).
    await page.waitForFunction((key) => document.activeElement?.getAttribute('data-key') === key, first, { timeout: 15_000 });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-key')), first);
    // Activated from the keyboard where focus now is: a mouse click at the button's place can
    // land on the map instead while Leaflet is still panning the popup into view.
    await page.keyboard.press('Enter');
    // ... and back to the result in the list (after the popup closes: later under load).
    await page.waitForFunction((key) => document.activeElement?.getAttribute('data-key') === key &&
      !document.activeElement?.closest('.leaflet-popup'), first, { timeout: 15_000, polling: 100 });
    // Every result is on exactly one marker (markers that would overlap are drawn as one).
    const places = await page.$$eval('#pf-list > li', (items) => items.length);
    const counts = await page.$$eval('#pf-map .pf-marker', (m) => m.map((el) => Number(/** @type {HTMLElement} */ (el).dataset.count)));
    assert.equal(counts.reduce((a, b) => a + b, 0), places, 'every result is on one marker');
  });
});

describe('errors', () => {
  it('an invalid postcode and an impossible age show the error summary, which takes focus', async () => {
    const page = session.page;
    await withScreenshotOnFailure(page, 'errors', async () => {
      await open();
      await page.fill('#postcode', 'NOT A POSTCODE');
      await page.fill('#age', '99');
      await page.check('#need-ASD');
      await page.getByLabel(SPECIALIST, { exact: true }).check();
      await page.click('#pf-submit');
      await page.waitForSelector('#pf-error-summary:not([hidden])');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'pf-error-summary');
      assert.match(await page.title(), /^Error: /);
      const links = await page.$$eval('#pf-error-summary-list a', (as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
      assert.deepEqual(links, [['Enter a real postcode, like LS6 2AB', '#postcode'], ['Age must be between 2 and 25', '#age']]);
      assert.match(await page.textContent('#postcode-error') ?? '', /Error: Enter a real postcode/);
      assert.match(await page.getAttribute('#postcode', 'aria-describedby') ?? '', /postcode-error/);
      assert.equal(await page.$$eval('#pf-list > li', (l) => l.length), 0);
      await page.click('#pf-error-summary-list a[href="#age"]');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'age');
      await screenshot(page, 'page-1280-errors');
      const result = await axe(page);
      console.log(`# axe (errors page): ${result.violations.length} violations`);
      assert.equal(result.violations.length, 0, describeViolations(result));
    });
  });

  it('a well-formed postcode that does not exist is named in the error', async () => {
    const page = session.page;
    await open();
    await searchFor().catch(() => {});
    // No such unit, but its sector exists: the search goes ahead from the sector's middle, and says so.
    await page.fill('#postcode', 'LS6 9ZZ');
    await page.click('#pf-submit');
    await settled();
    assert.equal(await page.$eval('#pf-error-summary', (el) => el.hidden), true);
    assert.match(await page.textContent('#where-status') ?? '', /LS6 9ZZ is not in our list of postcodes, so we are using the middle of postcode sector LS6 9/);
    // Neither the unit, its sector nor its district exists: an error that names it.
    await page.fill('#postcode', 'LS0 1AA');
    await page.click('#pf-submit');
    await page.waitForSelector('#pf-error-summary:not([hidden])');
    assert.match(await page.textContent('#pf-error-summary') ?? '', /LS0 1AA/);
  });

  it('an empty form asks each question', async () => {
    const page = session.page;
    await open();
    await page.click('#pf-submit');
    await page.waitForSelector('#pf-error-summary:not([hidden])');
    const hrefs = await page.$$eval('#pf-error-summary-list a', (as) => as.map((a) => a.getAttribute('href') ?? ''));
    assert.equal(hrefs.length, 4);
    assert.deepEqual(hrefs.slice(0, 2), ['#postcode', '#age']);
    assert.match(hrefs[2], /^#need-/);
    assert.equal(hrefs[3], '#level-0');
  });
});

describe('shortlist tools', () => {
  it('a share link restores the page exactly, results and comparison included', async () => {
    const page = session.page;
    await withScreenshotOnFailure(page, 'share', async () => {
      await open();
      await page.click('#other-needs-details summary');
      await page.check('#other-SLCN');
      await searchFor();
      await page.click('#preferences summary');
      await page.check('#boarding-day');
      await page.selectOption('#radius', '15');
      await settled();
      const keys = await page.$$eval('#pf-list > li', (items) => items.slice(0, 2).map((li) => li.getAttribute('data-key')));
      for (const key of keys) await page.check(`#compare-${key}`);
      await page.click('#pf-share-button');
      const link = await page.inputValue('#pf-share-link');
      assert.ok(link.startsWith(server.url + '#v=1&'), link);
      assert.ok(!link.split('#')[0].includes('LS6'), 'nothing before the # carries the answers');
      const form = await formSnapshot();
      const results = await listedResults();
      const table = await page.textContent('#pf-compare table');

      const other = await session.context.newPage();
      await other.goto(link);
      await waitReady(other);
      await other.waitForFunction(() => !document.querySelector('main')?.hasAttribute('data-busy'));
      await other.waitForSelector('#pf-list > li');
      const page2 = session.page;
      session.page = other;
      try {
        assert.deepEqual(await formSnapshot(), form);
        assert.deepEqual(await listedResults(), results);
        assert.equal(await other.textContent('#pf-compare table'), table);
        assert.equal(await other.isVisible('#pf-compare'), true);
      } finally {
        session.page = page2;
      }
      await other.close();
    });
  });

  it('builds a comparison table with a column per setting', async () => {
    const page = session.page;
    await open();
    await searchFor();
    const names = await page.$$eval('#pf-list > li .pf-result__name', (h) => h.slice(0, 3).map((x) => x.textContent));
    const keys = await page.$$eval('#pf-list > li', (items) => items.slice(0, 3).map((li) => li.getAttribute('data-key')));
    for (const key of keys) await page.check(`#compare-${key}`);
    await page.click('#pf-compare-button');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'pf-compare');
    assert.deepEqual(await page.$$eval('#pf-compare thead th[scope="col"]', (ths) => ths.map((th) => th.textContent)), names);
    const rows = await page.$$eval('#pf-compare tbody th[scope="row"]', (ths) => ths.map((th) => th.textContent));
    assert.ok(rows.includes('Distance (straight line)') && rows.includes('Why it is on the list') && rows.includes('Places'));
    assert.equal(await page.textContent('#pf-compare-button'), 'Compare selected (3)');
    await page.click(`#pf-compare button[data-key="${keys[0]}"]`);
    assert.equal(await page.$$eval('#pf-compare thead th[scope="col"]', (ths) => ths.length), 2);
    assert.equal(await page.isChecked(`#compare-${keys[0]}`), false);
    await screenshot(page, 'page-1280-compare');
  });

  it('downloads the list as CSV, one row per result', async () => {
    const page = session.page;
    await open();
    await searchFor();
    const results = await listedResults();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#pf-csv')]);
    assert.match(download.suggestedFilename(), /^shortlist-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await readFile(/** @type {string} */ (await download.path()), 'utf8');
    assert.ok(text.startsWith('\uFEFFRank,Name,URN,'), 'BOM and header');
    const lines = text.slice(1).trimEnd().split('\r\n');
    assert.equal(lines.length, results.length + 1);
    assert.ok(lines[1].startsWith('1,'));
    await mkdir(SCREENSHOTS, { recursive: true });
    await writeFile(join(SCREENSHOTS, 'shortlist.csv'), text);
  });

  it('prints an A4 list: the search, results, reasons, data version, date, advisory; no form or map', async () => {
    const page = session.page;
    await open();
    await searchFor();
    await page.emulateMedia({ media: 'print' });
    for (const hiddenInPrint of ['#pf-form', '.pf-map-panel', '#pf-toolbar']) {
      assert.equal(await page.isVisible(hiddenInPrint), false, `${hiddenInPrint} is hidden in print`);
    }
    for (const shown of ['#pf-print-summary', '#pf-list', '#pf-advisory', '#pf-data-statement']) {
      assert.equal(await page.isVisible(shown), true, `${shown} is printed`);
    }
    // Every result is printed, also those behind "Show more settings" on screen.
    const printed = await page.$$eval('#pf-list > li', (items) => [items.length, items.filter((li) => li.getBoundingClientRect().height > 0).length]);
    assert.ok(printed[0] > 10, `more results than a screen page: ${printed[0]}`);
    assert.equal(printed[1], printed[0], 'all printed');
    assert.equal(await page.isVisible('#pf-more'), false, 'no "Show more" button on paper');
    const summary = await page.textContent('#pf-print-summary');
    assert.match(summary ?? '', /Near\s*LS6 2AB/);
    assert.match(summary ?? '', /Printed on \d+ \w+ \d{4}\. Data version/);
    await screenshot(page, 'print-preview');
    await mkdir(SCREENSHOTS, { recursive: true });
    const pdf = join(SCREENSHOTS, 'print.pdf');
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    assert.ok((await stat(pdf)).size > 10_000, 'a PDF was produced');
  });

  it('"Start again" clears everything', async () => {
    const page = session.page;
    await open();
    await searchFor();
    await page.click('#pf-reset');
    assert.equal(await page.inputValue('#postcode'), '');
    assert.equal(await page.$$eval('#pf-list > li', (l) => l.length), 0);
    assert.equal(await page.isChecked('#need-ASD'), false);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'postcode');
  });
});

describe('privacy', () => {
  it('a full search requests only the page’s own static files, and nothing carries the child’s details', async () => {
    const { page, context, requests } = session;
    await open();
    await searchFor();
    await page.click('#pf-list > li .pf-result__explain summary');
    await page.click('#pf-share-button');
    await settled();
    const origin = new URL(server.url).origin;
    // The service worker (sw.js) also saves the app shell for offline use: embed.html and its
    // script, Leaflet's images. The page's scripts are the bundle (scripts/build.sh).
    const allowed = /^\/(|index\.html|embed\.html|sw\.js|css\/app\.css|bundle\/(main|embed-frame|engine-worker)\.js|vendor\/leaflet\/(images\/)?[a-z0-9.-]+|pkg\/placement_finder_bg\.wasm|data\/finder\/(core\.bin|details\/LS\.bin)|data\/boundaries\.geojson|data\/postcodes\/(index\.json|LS\.bin))$/;
    const secrets = ['LS6', '2AA', 'ASD', 'autis', 'age=', '"age"', 'specialist'];
    console.log(`# privacy: ${requests.length} requests: ${[...new Set(requests.map((r) => new URL(r.url()).pathname))].join(' ')}`);
    for (const request of requests) {
      const url = new URL(request.url());
      assert.equal(url.origin, origin, `same origin only: ${request.url()}`);
      assert.match(url.pathname, allowed, `only the page's own static files: ${url.pathname}`);
      assert.equal(url.search, '', `no query string: ${request.url()}`);
      assert.equal(request.method(), 'GET');
      assert.equal(request.postData(), null);
      const headers = JSON.stringify(await request.allHeaders());
      for (const secret of [...secrets, '7']) {
        if (secret === '7') continue; // digits appear in user-agent versions; the age is checked in the URLs below
        assert.ok(!url.href.includes(secret) && !headers.includes(secret), `${secret} leaked in ${url.href} ${headers}`);
      }
      assert.ok(!/[?&=]7\b|\/7\b/.test(url.href), `the age leaked in ${url.href}`);
    }
    // The server saw the same: no request path carries more of the postcode than its area.
    for (const line of server.served) assert.ok(!/LS6|2AA|ASD/.test(line), line);
    assert.deepEqual(await context.cookies(), []);
    assert.deepEqual(await page.evaluate(() => [document.cookie, localStorage.length, sessionStorage.length]), ['', 0, 0]);
    assert.deepEqual(await page.evaluate(async () => (await indexedDB.databases()).length), 0);
  });
});

describe('a first visit', () => {
  it('asks for everything the first answer needs at once, the postcode area’s file as it is typed, and nothing else before the list', async () => {
    // A phone's first visit (docs/benchmarks-issue13-baseline.md "Plan 4"): on a slow link every
    // request that waits for another costs a round trip.
    const phone = await openPage(browser, { viewport: { width: 412, height: 915 } });
    try {
      const { page, requests } = phone;
      /** The page's and its engine worker's requests (not the service worker's), in the order made. */
      const order = () => requests.filter((r) => !r.serviceWorker()).map((r) => new URL(r.url()).pathname);
      const until = async (/** @type {() => boolean} */ ok, /** @type {string} */ what) => {
        for (const end = Date.now() + 30_000; !ok();) {
          if (Date.now() > end) assert.fail(`${what}: ${order().join(' ')}`);
          await page.waitForTimeout(50);
        }
      };
      await page.goto(server.url);
      // Typed as soon as the field is there: the area's postcode file comes before any submit.
      await page.fill('#postcode', 'LS6 2AB');
      await until(() => order().includes('/data/postcodes/LS.bin'), 'LS.bin is fetched once the postcode is typed, before submit');
      await until(() => order().includes('/data/finder/details/LS.bin'), 'the details of the settings near LS are fetched with it');
      assert.ok(!order().includes('/data/dataset.bin'), 'the page loads the core, not the whole dataset');
      await waitReady(page);
      const before = order();
      for (const file of ['/data/finder/core.bin', '/pkg/placement_finder_bg.wasm', '/data/postcodes/index.json']) {
        assert.equal(before.filter((p) => p === file).length, 1, `${file} fetched once: ${before.join(' ')}`);
        assert.ok(before.indexOf(file) < before.indexOf('/bundle/engine-worker.js'), `${file} asked for before the engine's worker starts: ${before.join(' ')}`);
      }
      assert.deepEqual(before.filter((p) => p.startsWith('/js/') || p.startsWith('/pkg/placement_finder.js')), [], 'the page and its worker load bundles, not module after module');
      for (const file of ['/vendor/leaflet/leaflet-src.esm.js', '/data/boundaries.geojson', '/sw.js']) {
        assert.ok(!before.includes(file), `${file} waits for the list (or the map in view): ${before.join(' ')}`);
      }
      await fillSearch(page, { postcode: 'LS6 2AB', age: '7', need: 'ASD', level: SPECIALIST });
      await page.click('#pf-submit');
      await page.waitForSelector('#pf-list > li');
      assert.equal(order().filter((p) => p === '/data/postcodes/LS.bin').length, 1, 'the search used the file fetched as the postcode was typed');
      assert.equal(order().filter((p) => p === '/data/finder/details/LS.bin').length, 1, 'and the details fetched with it');
      assert.ok(!order().includes('/data/finder/details/all.bin'), 'the area’s details were enough for the list');
      // After the list: the map and offline use.
      await until(() => order().includes('/vendor/leaflet/leaflet-src.esm.js'), 'the map loads with the list');
      await page.waitForSelector('#pf-map .pf-marker', { timeout: 30_000 });
      await until(() => requests.some((r) => new URL(r.url()).pathname === '/sw.js'), 'the service worker is registered after the list');
      assert.deepEqual(phone.errors, []);
    } finally {
      await phone.context.close();
    }
  });
});

describe('the details of settings beyond the postcode area', () => {
  it('a list that needs settings the area’s details file lacks loads every setting’s details once, and lists them', async () => {
    const fresh = await openPage(browser);
    // (The engine's worker fetches it: the server's log, from now on, shows it. After the list,
    // the service worker keeps it for offline use by revalidating the browser's copy, a 304 the
    // server logs as a revalidation: not a second download.)
    const from = server.served.length;
    const allBin = () => server.served.slice(from).filter((line) => line.includes('/data/finder/details/all.bin') && !line.endsWith('(revalidation)')).length;
    try {
      const { page } = fresh;
      await page.goto(server.url);
      await waitReady(page);
      await fillSearch(page, { postcode: 'LS6 2AA', age: '7', need: 'MSI', level: SPECIALIST });
      await page.click('#pf-submit');
      await page.waitForSelector('#pf-list > li');
      assert.equal(allBin(), 0, 'the area’s details are enough for the usual radius');
      // 100 miles from Leeds: a school 62 miles away (Springwell School, Nottingham), beyond what
      // LS.bin holds (25 miles of any LS postcode, 37.5 for settings recording SEN types).
      await page.selectOption('#radius', '100');
      await page.click('#pf-submit');
      await page.waitForFunction(() => /within 100 miles/.test(document.querySelector('#pf-results')?.textContent ?? ''), null, { timeout: 30_000 });
      assert.ok((await page.$$('#pf-list > li')).length > 0);
      assert.match(await page.textContent('#pf-results') ?? '', /Springwell School/);
      assert.equal(allBin(), 1, 'all.bin downloaded once');
      assert.deepEqual(fresh.errors, []);
    } finally {
      await fresh.context.close();
    }
  });
});

describe('the finder’s two wasm modules', () => {
  it('a deployment whose core cannot be fetched lists from the whole dataset, with the full module', async () => {
    const fresh = await openPage(browser);
    const from = server.served.length;
    const served = (/** @type {string} */ path) => server.served.slice(from).filter((line) => line.includes(path) && !line.endsWith('(revalidation)')).length;
    try {
      const { context, page } = fresh;
      // As if the finder/ folder had not been deployed beside dataset.bin.
      await context.route('**/data/finder/core.bin', (route) => route.fulfill({ status: 404, body: 'Not found' }));
      await page.goto(server.url);
      await waitReady(page);
      await fillSearch(page, { postcode: 'LS6 2AA', age: '7', need: 'ASD', level: SPECIALIST });
      await page.click('#pf-submit');
      await page.waitForSelector('#pf-list > li');
      assert.equal(served('/data/dataset.bin'), 1, 'the whole dataset');
      // The lean module (preloaded) refuses a whole dataset with needsFullModule; the page then
      // loads the full one, once, and its glue beside it (the bundle's glue holds the lean one).
      assert.equal(served('/pkg-full/placement_finder_bg.wasm'), 1, 'the full module');
      assert.equal(served('/pkg-full/placement_finder.js'), 1, 'the full module’s glue');
      assert.deepEqual(fresh.errors.filter((e) => !/status of 404/.test(e)), [], 'nothing but the core’s 404');
    } finally {
      await fresh.context.close();
    }
  });
});

describe('a home with no postcode', () => {
  it('fetches the details file of the area nearest a home from "use my location", not every setting’s', async () => {
    const fresh = await openPage(browser);
    const from = server.served.length;
    const served = (path) => server.served.slice(from).filter((line) => line.includes(path) && !line.endsWith('(revalidation)')).length;
    try {
      const { context, page } = fresh;
      await context.grantPermissions(['geolocation']);
      // Headingley, Leeds: nearest the LS area's centre.
      await context.setGeolocation({ latitude: 53.8198, longitude: -1.5763 });
      await page.goto(server.url);
      await waitReady(page);
      await page.click('#use-location');
      await page.waitForFunction(() => /Using your location/.test(document.getElementById('where-status')?.textContent ?? ''));
      await page.fill('#age', '7');
      await page.check('#need-ASD');
      await page.getByLabel(SPECIALIST, { exact: true }).check();
      await page.click('#pf-submit');
      await page.waitForSelector('#pf-list > li');
      assert.match(await page.textContent('#pf-status') ?? '', /of the place you chose/);
      assert.equal(served('/data/finder/details/LS.bin'), 1, 'the nearest area’s details');
      assert.equal(served('/data/finder/details/all.bin'), 0, 'not every setting’s details');
      assert.equal(served('/data/postcodes/LS.bin'), 0, 'no postcode shard: there is no postcode to look up');
      // What left the device: the area letters, never the place.
      for (const line of server.served.slice(from)) assert.ok(!/53\.8|1\.57|ASD/.test(line), line);
      assert.deepEqual(fresh.errors, []);
    } finally {
      await fresh.context.close();
    }
  });
});

describe('the postcode area, prepared as it is typed', () => {
  it('asks for an area’s file only once its letters are certain, and only for an area in England the index lists', async () => {
    const { page, requests } = session;
    await open();
    const shards = () => requests.map((r) => new URL(r.url()).pathname).filter((p) => /^\/data\/postcodes\/[A-Z]+\.bin$/.test(p));
    // "L" and "LS" could still become L1 (Liverpool) or LS6 (Leeds): nothing yet. Wales, and an
    // area the index does not list, never.
    for (const text of ['L', 'LS', 'CF10 1EP', 'ZZ9 9ZZ', 'cf10']) {
      await page.fill('#postcode', text);
      await page.waitForTimeout(150);
    }
    await page.fill('#postcode', 'ls6');
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/data/postcodes/LS.bin')), null, { timeout: 15_000 });
    await page.fill('#postcode', 'LS6 2AB');
    await settled();
    assert.deepEqual(shards(), ['/data/postcodes/LS.bin']);
    for (const line of server.served) assert.ok(!/LS6|2AB|CF10|1EP/i.test(line), line);
  });
});

describe('accessibility', () => {
  it('axe-core finds no WCAG 2.2 AA violations on the empty page and a results page', async () => {
    const page = session.page;
    await open();
    const empty = await axe(page);
    console.log(`# axe (empty page): ${empty.violations.length} violations`);
    assert.equal(empty.violations.length, 0, describeViolations(empty));
    await searchFor();
    await page.check('#pf-list > li:first-child [data-action="compare"]');
    await page.check('#pf-list > li:nth-child(2) [data-action="compare"]');
    await page.click('#pf-list > li .pf-result__explain summary');
    const results = await axe(page);
    console.log(`# axe (results page): ${results.violations.length} violations`);
    assert.equal(results.violations.length, 0, describeViolations(results));
  });

  it('works with the keyboard alone: a search, a result opened, a comparison built', async () => {
    const page = session.page;
    await withScreenshotOnFailure(page, 'keyboard', async () => {
      await open();
      const kb = page.keyboard;
      /**
       * Presses Tab until the focused element matches `selector`.
       * @param {string} selector
       */
      const tabTo = async (selector, limit = 400) => {
        for (let i = 0; i < limit; i++) {
          if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
          await kb.press('Tab');
        }
        throw new Error(`Tab never reached ${selector}`);
      };
      /**
       * Presses ArrowDown until the focused radio is `selector`.
       * @param {string} selector
       */
      const arrowTo = async (selector) => {
        for (let i = 0; i < 30; i++) {
          if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
          await kb.press('ArrowDown');
        }
        throw new Error(`arrows never reached ${selector}`);
      };
      await tabTo('#postcode');
      await kb.type('LS6 2AB');
      await tabTo('#age');
      await kb.type('7');
      await tabTo('input[name="primaryNeed"]');
      await arrowTo('#need-ASD');
      await tabTo('input[name="level"]');
      await arrowTo(`input[name="level"][value="specialist"]`);
      await tabTo('#pf-submit');
      await kb.press('Enter');
      await settled();
      await page.waitForSelector('#pf-list > li');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'pf-results-heading');

      // Open the first result's explanation.
      await tabTo('#pf-list > li:first-child .pf-result__explain summary');
      await kb.press('Enter');
      assert.equal(await page.$eval('#pf-list > li:first-child .pf-result__explain', (d) => /** @type {HTMLDetailsElement} */ (d).open), true);
      // Show it on the map and come back to the list.
      await tabTo('#pf-list > li:first-child [data-action="map"]');
      await kb.press('Enter');
      await page.waitForFunction(() => document.activeElement?.closest('.leaflet-popup') != null);
      await kb.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('pf-result')), true);

      // Compare the first two.
      await tabTo('#pf-list > li:nth-child(1) [data-action="compare"]');
      await kb.press('Space');
      await tabTo('#pf-list > li:nth-child(2) [data-action="compare"]');
      await kb.press('Space');
      await page.focus('#pf-results-heading');
      await tabTo('#pf-compare-button');
      await kb.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'pf-compare');
      assert.equal(await page.$$eval('#pf-compare thead th[scope="col"]', (ths) => ths.length), 2);
    });
  });

  it('on a 360 px phone, "Show settings" lands focus and scroll on the results heading', async () => {
    const page = session.page;
    await withScreenshotOnFailure(page, 'phone-focus', async () => {
      await page.setViewportSize({ width: 360, height: 740 });
      await open();
      await searchFor();
      await page.waitForTimeout(300);
      const at = await page.evaluate(() => ({
        focus: document.activeElement?.id,
        scroll: Math.round(window.scrollY),
        heading: Math.round(/** @type {HTMLElement} */ (document.getElementById('pf-results-heading')).getBoundingClientRect().top + window.scrollY),
      }));
      console.log(`# phone, full page: scrolled to ${at.scroll} px, results heading at ${at.heading} px, focus on #${at.focus}`);
      assert.equal(at.focus, 'pf-results-heading');
      assert.ok(Math.abs(at.heading - at.scroll) <= 40, `the heading (${at.heading} px) is at the top of the window (scrolled to ${at.scroll} px)`);
    });
  });
});

describe('a long list on a phone', () => {
  /** Results shown on screen (not folded behind "Show more"). */
  const shown = () => session.page.$$eval('#pf-list > li', (items) => items.filter((li) => li.getBoundingClientRect().height > 0).length);
  /** Whether an element's top is in the window. */
  const inView = (/** @type {string} */ selector) => session.page.$eval(selector, (el) => {
    const top = el.getBoundingClientRect().top;
    return top > -2 && top < window.innerHeight;
  });

  it('shows 10 results, then 10 more on request with focus on the first new one; the page stays short', async () => {
    const page = session.page;
    await withScreenshotOnFailure(page, 'phone-more', async () => {
      await page.setViewportSize({ width: 360, height: 740 });
      await open();
      await searchFor();
      const total = await page.$$eval('#pf-list > li', (items) => items.length);
      const length = await page.evaluate(() => document.documentElement.scrollHeight);
      const map = await page.$eval('#pf-map', (el) => Math.round(el.getBoundingClientRect().top + window.scrollY));
      console.log(`# phone, 360 px: page ${length} px long with ${total} results (${await shown()} shown), map at ${map} px (${(map / 740).toFixed(1)} screens down)`);
      assert.equal(total, 25, 'the whole shortlist is in the list (print, CSV, comparison)');
      assert.equal(await shown(), 10);
      assert.ok(length < 16_000, `page ${length} px long at 360 px (25,973 px with all 25 shown)`);
      assert.equal(await page.textContent('#pf-more-button'), 'Show 10 more settings');
      assert.equal(await page.textContent('#pf-more-count'), 'Showing 10 of 25 settings.');
      assert.equal(await page.isVisible('#pf-near-misses'), true, 'near misses still under the list');

      await page.click('#pf-more-button');
      assert.equal(await shown(), 20);
      assert.equal(await page.evaluate(() => document.activeElement?.matches('#pf-list > li:nth-child(11)')), true, 'focus on the first new result');
      assert.equal(await inView('#pf-list > li:nth-child(11)'), true);
      assert.equal(await page.textContent('#pf-more-button'), 'Show 5 more settings');
      await page.click('#pf-more-button');
      assert.equal(await shown(), 25);
      assert.equal(await page.isVisible('#pf-more'), false);
    });
  });

  it('"Jump to the map" and "Back to the list" move focus and scroll both ways', async () => {
    const page = session.page;
    await withScreenshotOnFailure(page, 'phone-jumps', async () => {
      await page.setViewportSize({ width: 360, height: 740 });
      await open();
      await searchFor();
      await page.click('#pf-jump-map');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'pf-map-heading');
      assert.equal(await inView('#pf-map-heading'), true);
      await page.click('#pf-back-to-list');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'pf-results-heading');
      assert.equal(await inView('#pf-results-heading'), true);
      // A result beyond the first 10, chosen on the map, is shown and focused.
      const key = await page.$eval('#pf-list > li:nth-child(15)', (li) => li.getAttribute('data-key'));
      await page.evaluate((k) => document.getElementById('pf-map')?.dispatchEvent(new CustomEvent('pf:map-select', { detail: { key: k } })), key);
      assert.equal(await page.evaluate(() => document.activeElement?.matches('#pf-list > li:nth-child(15)')), true);
      assert.equal(await shown(), 15);
      const result = await axe(page);
      assert.equal(result.violations.length, 0, describeViolations(result));
    });
  });
});

describe('postcodes not found as they are', () => {
  it('a made-up unit in a real sector says, beside the results, that the sector’s middle is used', async () => {
    const page = session.page;
    await open();
    await searchFor({ postcode: 'LS6 9ZZ' });
    const note = page.locator('#pf-results #pf-home-note');
    assert.equal(await note.isVisible(), true);
    assert.equal(await note.textContent(), 'LS6 9ZZ is not in our list of postcodes, so distances are from the middle of postcode sector LS6 9. Check the postcode if this is not what you meant.');
    await fillSearch(page, { postcode: 'LS6 2AB', age: '7', need: 'ASD', level: SPECIALIST });
    await page.click('#pf-submit');
    await settled();
    assert.equal(await note.isVisible(), false, 'gone for a postcode found as it is');
  });

  it('Welsh, Scottish and Northern Irish postcodes name the nation, as the command line does', async () => {
    const page = session.page;
    await open();
    for (const [postcode, nation] of [['LD1 5DY', 'Wales'], ['EH1 1YZ', 'Scotland'], ['BT1 1AA', 'Northern Ireland'], ['NP7 5ZZ', 'Wales']]) {
      await fillSearch(page, { postcode, age: '7', need: 'ASD', level: SPECIALIST });
      await page.click('#pf-submit');
      await page.waitForSelector('#pf-error-summary:not([hidden])');
      await settled();
      assert.equal(await page.textContent('#pf-error-summary-list a[href="#postcode"]'), `${postcode} is in ${nation}: this list covers settings in England only`);
    }
  });
});

describe('reflow', () => {
  it('reflows at 320 px wide with no horizontal scrolling', async () => {
    const page = session.page;
    await page.setViewportSize({ width: 320, height: 720 });
    await open();
    await searchFor();
    await page.check('#pf-list > li:nth-child(1) [data-action="compare"]');
    await page.check('#pf-list > li:nth-child(2) [data-action="compare"]');
    await page.click('#pf-share-button');
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(widths[0] <= widths[1], `page is ${widths[0]} px wide in a ${widths[1]} px viewport`);
    await screenshot(page, 'page-320-results');
  });
});
