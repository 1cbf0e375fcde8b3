// The page with data the real dataset does not contain: a setting named like an HTML injection,
// a javascript: website, a name that is a spreadsheet formula, a school and its unit at one
// address, a postcode outside England. The real page and wasm engine, with a hostile dataset
// written by the real Rust encoder (examples/hostile_dataset.rs; see helpers.mjs `hostileRoot`).

import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { axe, builtPageExists, cspViolations, describeViolations, hostileRoot, fillSearch, launch, openPage, startServer, waitReady } from './helpers.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof openPage>>} */
let session;

before(async () => {
  if (!builtPageExists()) throw new Error('www/ is not built: run `bash scripts/build.sh` first');
  server = await startServer(await hostileRoot());
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});
beforeEach(async () => {
  session = await openPage(browser);
  session.page.on('dialog', (dialog) => {
    session.errors.push(`a dialog opened: ${dialog.message()}`);
    dialog.dismiss();
  });
});
afterEach(async () => {
  const csp = await cspViolations(session.page).catch(() => []);
  await session.context.close();
  assert.deepEqual(session.errors, []);
  assert.deepEqual(csp, []);
});

async function search() {
  const page = session.page;
  await page.goto(server.url);
  await waitReady(page);
  await fillSearch(page, { postcode: 'LS6 2AA', age: '7', need: 'ASD', level: 'Specialist school or unit' });
  await page.click('#pf-submit');
  await page.waitForFunction(() => !document.querySelector('main')?.hasAttribute('data-busy'));
  await page.waitForSelector('#pf-list > li');
}

describe('hostile data', () => {
  it('renders a setting named like HTML as text, everywhere', async () => {
    const page = session.page;
    await search();
    const evil = '<img src=x onerror=alert(1)>';
    const names = await page.$$eval('#pf-list .pf-result__name', (hs) => hs.map((h) => h.textContent));
    assert.ok(names.includes(evil), 'the name is shown as typed');
    assert.equal(await page.$$eval('#pf-list img, #pf-compare img, .leaflet-popup img', (imgs) => imgs.length), 0, 'no element was made from data');
    const key = await page.$$eval('#pf-list > li', (items, name) => items.find((li) => li.querySelector('.pf-result__name')?.textContent === name)?.getAttribute('data-key'), evil);
    await page.check(`#compare-${key}`);
    await page.check('#pf-list > li:first-child [data-action="compare"]');
    await page.click(`#result-${key} [data-action="map"]`);
    await page.waitForSelector('.leaflet-popup');
    assert.match(await page.textContent('.leaflet-popup') ?? '', /<img src=x onerror=alert\(1\)>/);
    assert.match(await page.textContent('#pf-compare thead') ?? '', /<img src=x onerror=alert\(1\)>/);
    assert.equal(await page.$$eval('img', (imgs) => imgs.filter((i) => i.getAttribute('src') === 'x').length), 0);
  });

  it('links only http and https websites', async () => {
    const page = session.page;
    await search();
    const hrefs = await page.$$eval('#pf-list a', (as) => as.map((a) => a.getAttribute('href') ?? ''));
    assert.ok(hrefs.length > 0);
    for (const href of hrefs) assert.match(href, /^https?:\/\//);
    // Whatever the dataset holds, only plain http(s) links are made (the engine also drops others on load).
    const evil = await page.$$eval('#pf-list > li', (items) => items.filter((li) => /onerror/.test(li.textContent ?? '')).map((li) => li.querySelectorAll('a').length));
    assert.deepEqual(evil, [0], 'the javascript: website is not linked');
  });

  it('neutralises formulas in the CSV', async () => {
    const page = session.page;
    await page.goto(server.url);
    await waitReady(page);
    await fillSearch(page, { postcode: 'LS6 2AA', age: '7', need: 'PMLD', level: 'Specialist school or unit' });
    await page.selectOption('#radius', '25');
    await page.click('#pf-submit');
    await page.waitForFunction(() => !document.querySelector('main')?.hasAttribute('data-busy'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#pf-csv')]);
    const text = await readFile(/** @type {string} */ (await download.path()), 'utf8');
    assert.ok(text.includes(`"'=HYPERLINK(""http://evil.example"",""click"")"`), text);
    assert.ok(!/(^|,)=HYPERLINK/m.test(text));
  });

  it('puts a school and its unit at one address on one marker that lists both', async () => {
    const page = session.page;
    await search();
    // Zoomed in on Meadow Primary School: the school and its SEN unit still share one marker.
    const unit = await page.$$eval('#pf-list > li', (items) => items.find((li) => /SEN unit$/.test(li.querySelector('.pf-result__name')?.textContent ?? ''))?.getAttribute('data-key'));
    await page.click(`#result-${unit} [data-action="map"]`);
    await page.waitForSelector('.leaflet-popup');
    assert.match(await page.textContent('.leaflet-popup') ?? '', /2 settings at this address/);
    assert.equal(await page.$$eval('.leaflet-popup button', (b) => b.filter((x) => x.textContent?.startsWith('Show in list')).length), 2);
    await page.waitForTimeout(400); // the popup fades in; axe would see it half transparent
    const result = await axe(page);
    assert.equal(result.violations.length, 0, describeViolations(result));
  });

  it('says plainly when a postcode is outside England, without fetching its area', async () => {
    const page = session.page;
    await page.goto(server.url);
    await waitReady(page);
    await fillSearch(page, { postcode: 'CF10 1AA', age: '7', need: 'ASD', level: 'Specialist school or unit' });
    await page.click('#pf-submit');
    await page.waitForSelector('#pf-error-summary:not([hidden])');
    assert.match(await page.textContent('#pf-error-summary') ?? '', /CF10 1AA is in Wales: this list covers settings in England only/);
    assert.ok(!server.served.some((line) => /CF\.bin/.test(line)));
  });

  it('says clearly when the dataset cannot be read', async () => {
    const page = session.page;
    await session.context.route('**/data/dataset.bin', (route) => route.fulfill({ status: 200, body: 'x', contentType: 'application/octet-stream' }));
    await page.goto(server.url);
    await page.waitForSelector('main[data-ready="error"]');
    assert.match(await page.textContent('#pf-load-error') ?? '', /could not be loaded.*not a placement-finder dataset/s);
    assert.equal(await page.isVisible('#pf-load-error'), true);
  });

  it('ignores a tampered share link', async () => {
    const page = session.page;
    await page.goto(`${server.url}#v=1&pc=%3Cscript%3E&age=7&need=%3Cimg%3E&level=specialist&cmp=javascript:alert(1)`);
    await waitReady(page);
    await page.waitForSelector('#pf-error-summary:not([hidden])');
    assert.equal(await page.inputValue('#age'), '7');
    assert.equal(await page.inputValue('#postcode'), '');
  });
});
