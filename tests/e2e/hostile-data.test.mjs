// The page with data the real dataset does not contain: a setting named like an HTML injection,
// a javascript: website, a name that is a spreadsheet formula, a name with a right-to-left
// override, a school and its unit at one address, a postcode outside England. The real page and
// wasm engine, with a hostile dataset written by the real Rust encoder
// (examples/hostile_dataset.rs; see helpers.mjs `hostileRoot`): on screen, in print, in the embed
// on a council page. Then files that are broken on the server at run time: a dataset of another
// schema version, a postcode file that is a CMS's "not found" page, a council policy pack with a
// field the library does not know.

import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve } from '../../scripts/serve.mjs';
import { ROOT, axe, builtPageExists, describeViolations, hostileRoot, fillSearch, launch, openPage, rootWith, screenshot, startCouncil, startServer, waitReady, withScreenshotOnFailure } from './helpers.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof openPage>>} */
let session;
/** The served root with the hostile dataset. */
let hostile = '';

before(async () => {
  if (!builtPageExists()) throw new Error('www/ is not built: run `bash scripts/build.sh` first');
  hostile = await hostileRoot();
  server = await startServer(hostile);
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
  // CSP violations in the page and in any iframe (the embed).
  /** @type {string[]} */
  const csp = [];
  for (const frame of session.page.frames()) {
    csp.push(...await frame.evaluate(() => /** @type {any} */ (window).__csp ?? []).catch(() => []));
  }
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
    await session.context.route('**/data/finder/core.bin', (route) => route.fulfill({ status: 200, body: 'x', contentType: 'application/octet-stream' }));
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

const EVIL = '<img src=x onerror=alert(1)>';
const FORMULA = '=HYPERLINK("http://evil.example","click")';
const RTL = 'Northern Independent School for Autism \u202elmth.exe';

/**
 * Everything that would make hostile text harmful, looked for in a page or an iframe: elements or
 * event handlers made from data, links that are not http(s), and a bidi override that reaches
 * past the name it is in (RTL: "…\u202elmth.exe" must not also turn the text after it around).
 * Returns the problems found, none when the text is inert.
 * @param {import('playwright-core').Page | import('playwright-core').Frame} frame
 */
function harm(frame) {
  return frame.evaluate((rtl) => {
    /** @type {string[]} */
    const problems = [];
    for (const el of document.querySelectorAll('*')) {
      for (const attr of el.attributes) {
        if (/^on/i.test(attr.name)) problems.push(`<${el.localName}> has an ${attr.name} attribute`);
        if (/^\s*javascript:/i.test(attr.value)) problems.push(`<${el.localName} ${attr.name}="${attr.value}">`);
      }
    }
    if (document.querySelector('img[src="x"]')) problems.push('an <img src=x> was made from a name');
    for (const a of document.querySelectorAll('main a[href]')) {
      const href = a.getAttribute('href') ?? '';
      if (!/^https?:\/\//.test(href) && !href.startsWith('#')) problems.push(`a link to ${href}`);
    }
    // The override reverses the rest of its bidi paragraph: the nearest element that starts one
    // (not inline) or isolates its content must hold nothing after the name. Screen-reader-only
    // text is not laid out, so it is not looked at.
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = /** @type {Text} */ (node);
      if (!text.data.includes('\u202e') || text.parentElement?.closest('.pf-visually-hidden, [hidden]')) continue;
      const end = text.data.indexOf(rtl);
      if (end < 0) {
        problems.push(`an override outside the name: ${JSON.stringify(text.data)}`);
        continue;
      }
      let after = text.data.slice(end + rtl.length);
      /** @type {Element | null} */
      let box = text.parentElement;
      while (box && box !== document.body) {
        const style = getComputedStyle(box);
        if (!/^inline$|^contents$/.test(style.display) || /isolate|plaintext/.test(style.unicodeBidi)) break;
        box = box.parentElement;
      }
      if (box) {
        const range = document.createRange();
        range.setStartAfter(text);
        range.setEnd(box, box.childNodes.length);
        after += range.toString();
      }
      if (after.trim()) problems.push(`the override in "${rtl}" also turns around ${JSON.stringify(after.trim().slice(0, 80))} (in <${box?.localName} class="${box?.className}">)`);
    }
    return problems;
  }, RTL);
}

/**
 * A search that lists the hostile settings, the far independent one too.
 * @param {import('playwright-core').Page | import('playwright-core').Frame} frame
 */
async function searchWide(frame) {
  await frame.fill('#postcode', 'LS6 2AA');
  await frame.fill('#age', '7');
  await frame.check('#need-ASD');
  await frame.getByLabel('Specialist school or unit', { exact: true }).check();
  await frame.selectOption('#radius', '25');
  await frame.check('#kind-independentSpecial');
  await frame.click('#preferences summary');
  await frame.check('#include-independent');
  await frame.click('#pf-submit');
  await frame.waitForFunction(() => !document.querySelector('main')?.hasAttribute('data-busy') && document.querySelector('#pf-list > li'), null, { timeout: 30_000 });
}

/**
 * Names as listed, and the keys of the hostile ones.
 * @param {import('playwright-core').Page | import('playwright-core').Frame} frame
 */
async function listed(frame) {
  return frame.$$eval('#pf-list > li', (items) => items.map((li) => ({
    key: li.getAttribute('data-key') ?? '',
    name: li.querySelector('.pf-result__name')?.textContent ?? '',
    text: li.textContent ?? '',
  })));
}

describe('hostile data in print', () => {
  it('prints HTML-like, formula and right-to-left names as plain text, with only http(s) websites', async () => {
    const page = session.page;
    await withScreenshotOnFailure(page, 'hostile-print', async () => {
      await page.goto(server.url);
      await waitReady(page);
      await searchWide(page);
      const items = await listed(page);
      const names = items.map((i) => i.name);
      for (const name of [EVIL, RTL]) assert.ok(names.includes(name), `${JSON.stringify(name)} is listed: ${JSON.stringify(names)}`);
      // Two of them side by side in the comparison, which is printed too.
      for (const name of [EVIL, RTL]) await page.check(`#compare-${items.find((i) => i.name === name)?.key}`);
      await page.click('#pf-compare-button');

      // The print flow: the page fills its print-only summary on beforeprint (and on the Print
      // button, before window.print()), then the print stylesheet applies.
      await page.emulateMedia({ media: 'print' });
      await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
      assert.equal(await page.isVisible('#pf-print-summary'), true);
      assert.equal(await page.isVisible('#pf-compare'), true, 'the comparison is printed');
      const printed = await page.evaluate(() => document.body.innerText);
      assert.ok(printed.includes(EVIL), 'the HTML-like name prints as typed');
      assert.ok(printed.includes(RTL), 'the right-to-left name prints as typed');
      assert.ok(printed.includes(FORMULA), 'the formula name prints as typed');
      assert.ok(!printed.includes('javascript:'), 'the javascript: website is neither linked nor printed');
      const websites = printed.split('\n').filter((line) => line.startsWith('Website: '));
      assert.ok(websites.length > 0, 'websites are printed');
      for (const line of websites) assert.match(line, /^Website: https?:\/\/\S+$/);
      const compareHead = await page.$$eval('#pf-compare thead th', (ths) => ths.map((th) => th.textContent));
      assert.deepEqual([...compareHead].sort(), [EVIL, RTL].sort());
      assert.deepEqual(await harm(page), []);

      await screenshot(page, 'hostile-print-preview');
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      assert.ok(pdf.length > 10_000, 'a PDF was produced');
    });
  });

  it('keeps a right-to-left override inside the name of a near miss', async () => {
    const page = session.page;
    await withScreenshotOnFailure(page, 'hostile-near-miss', async () => {
      await page.goto(server.url);
      await waitReady(page);
      // Independent schools not ticked: the independent school for autism is a near miss.
      await fillSearch(page, { postcode: 'LS6 2AA', age: '7', need: 'ASD', level: 'Specialist school or unit' });
      await page.selectOption('#radius', '25');
      await page.click('#pf-submit');
      await page.waitForFunction(() => !document.querySelector('main')?.hasAttribute('data-busy') && document.querySelector('#pf-list > li'), null, { timeout: 30_000 });
      const misses = await page.$$eval('.pf-near-miss__name', (spans) => spans.map((s) => s.textContent));
      assert.ok(misses.includes(RTL), `a near miss: ${JSON.stringify(misses)}`);
      assert.deepEqual(await harm(page), []);
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.isVisible('#pf-near-misses'), true, 'near misses are printed');
      assert.deepEqual(await harm(page), []);
    });
  });
});

describe('hostile data in the embed on a council page', () => {
  it('shows the names as plain text and links only http(s), inside the iframe, under both CSPs', async () => {
    let finderOrigin = '';
    const council = await startCouncil(() => finderOrigin);
    const finder = await serve(hostile, { port: 0, frameAncestors: `'self' ${council.origin}` });
    const address = /** @type {import('node:net').AddressInfo} */ (finder.address());
    finderOrigin = `http://127.0.0.1:${address.port}`;
    const page = session.page;
    try {
      await withScreenshotOnFailure(page, 'hostile-embed', async () => {
        await page.goto(`${council.origin}/council-page.html`);
        await page.waitForSelector('[data-placement-finder][data-placement-finder-ready="true"]', { timeout: 30_000 });
        const frame = page.frames().find((f) => f.url().startsWith(`${finderOrigin}/embed.html`));
        assert.ok(frame, 'the finder is in an iframe from its own origin');
        await frame.waitForSelector('main[data-ready="true"]', { state: 'attached', timeout: 30_000 });
        await searchWide(frame);
        const items = await listed(frame);
        const names = items.map((i) => i.name);
        for (const name of [EVIL, RTL]) assert.ok(names.includes(name), `${JSON.stringify(name)} is listed: ${JSON.stringify(names)}`);
        const evil = /** @type {{key: string}} */ (items.find((i) => i.name === EVIL));
        assert.equal(await frame.$$eval(`#result-${evil.key} a`, (as) => as.length), 0, 'the javascript: website is not linked');
        for (const name of [EVIL, RTL]) await frame.check(`#compare-${items.find((i) => i.name === name)?.key}`);
        await frame.click('#pf-compare-button');
        await frame.click(`#result-${evil.key} [data-action="map"]`);
        await frame.waitForSelector('.leaflet-popup');
        assert.ok((await frame.textContent('.leaflet-popup'))?.includes(EVIL), 'the map popup shows the name as text');
        assert.deepEqual(await harm(frame), [], 'inside the iframe');
        await page.emulateMedia({ media: 'print' });
        assert.deepEqual(await harm(frame), [], 'inside the iframe, printed');
        // Nothing reached the council's page either.
        assert.deepEqual(await page.evaluate(() => document.querySelectorAll('img').length), 0);
        assert.ok(!(await page.evaluate(() => document.body.innerText)).includes('onerror'));
      });
    } finally {
      await new Promise((done) => { finder.close(() => done(undefined)); finder.closeAllConnections(); });
      await new Promise((done) => { council.server.close(() => done(undefined)); council.server.closeAllConnections(); });
    }
  });
});

/** CRC-32 (IEEE), as the dataset file's trailer (node 20 has no zlib.crc32). */
function crc32(/** @type {Uint8Array} */ bytes) {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/**
 * Serves `root` for one test.
 * @param {string} root
 * @param {(url: string, served: string[]) => Promise<void>} body
 */
async function withServer(root, body) {
  const other = await startServer(root);
  try {
    await body(other.url, other.served);
  } finally {
    await other.close();
  }
}

describe('data broken on the server at run time', () => {
  it('says the dataset is a different version, not that something failed', async () => {
    // The hostile dataset as a future build would write it: schema version 2 (bytes 8-9, after
    // the magic), with its checksum made right again, so only the version is wrong.
    const bytes = new Uint8Array(await readFile(join(hostile, 'data/finder/core.bin')));
    new DataView(bytes.buffer).setUint16(8, 2, true);
    new DataView(bytes.buffer).setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
    await withServer(await rootWith({ 'data/finder/core.bin': bytes }, hostile), async (url) => {
      const page = session.page;
      await page.goto(url);
      await page.waitForSelector('main[data-ready="error"]', { state: 'attached', timeout: 30_000 });
      const text = await page.textContent('#pf-load-error') ?? '';
      assert.equal(await page.isVisible('#pf-load-error'), true);
      assert.match(text, /^The list of settings is a different version from the one this page reads, so this page cannot search\./);
      assert.match(text, /schema version 2, this program reads version 1/);
      assert.doesNotMatch(text, /not a placement-finder dataset|checksum/);
    });
  });

  it('says on the postcode field when the postcode file is a web page, and stays usable', async () => {
    const notFound = '<!DOCTYPE html>\n<html lang="en"><head><title>Page not found - Anytown Council</title></head>' +
      '<body><h1>Sorry, we cannot find that page</h1><script>alert("cms")</script></body></html>\n';
    const root = await rootWith({ 'data/postcodes/LS.bin': notFound }, hostile);
    await withServer(root, async (url, served) => {
      const page = session.page;
      /** @type {string[]} */
      const warnings = [];
      page.on('console', (msg) => { if (msg.type() === 'warning') warnings.push(msg.text()); });
      await withScreenshotOnFailure(page, 'broken-shard', async () => {
        await page.goto(url);
        await waitReady(page);
        await fillSearch(page, { postcode: 'LS6 2AA', age: '7', need: 'ASD', level: 'Specialist school or unit' });
        await page.click('#pf-submit');
        await page.waitForSelector('#pf-error-summary:not([hidden])');
        const message = 'Postcodes in the LS area could not be loaded just now, so we could not look up LS6 2AA: try again in a few minutes, or use your location or the map';
        assert.match(await page.textContent('#pf-error-summary') ?? '', new RegExp(message));
        assert.match(await page.textContent('#postcode-error') ?? '', new RegExp(message));
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'pf-error-summary', 'the summary takes focus');
        assert.ok(warnings.some((w) => /postcodes for LS could not be read: postcode shard is not usable: looks like an HTML page/.test(w)), `the cause, for the web team: ${warnings.join(' | ')}`);
        assert.equal(await page.$$eval('#pf-list > li', (l) => l.length), 0);

        // Another way in: a place on the map.
        await page.locator('#pf-map').scrollIntoViewIfNeeded();
        const box = await page.locator('#pf-map').boundingBox();
        assert.ok(box);
        await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5);
        await page.getByRole('button', { name: 'Search from here' }).click();
        await page.waitForFunction(() => !document.querySelector('main')?.hasAttribute('data-busy') && /place you chose/.test(document.querySelector('#pf-status')?.textContent ?? ''), null, { timeout: 30_000 });
        assert.equal(await page.isVisible('#pf-error-summary'), false);

        // Once the server has the real file again, the same postcode works: nothing kept the bad one.
        const fetches = served.filter((line) => line.includes('/data/postcodes/LS.bin')).length;
        await writeFile(join(root, 'data/postcodes/LS.bin'), await readFile(join(ROOT, 'www/data/postcodes/LS.bin')));
        await page.fill('#postcode', 'LS6 2AA');
        await page.click('#pf-submit');
        await page.waitForFunction(() => /LS6 2AA/.test(document.querySelector('#pf-status')?.textContent ?? '') && !document.querySelector('main')?.hasAttribute('data-busy'), null, { timeout: 30_000 });
        assert.ok(await page.$$eval('#pf-list > li', (l) => l.length) > 0);
        assert.equal(await page.isVisible('#pf-error-summary'), false);
        assert.ok(served.filter((line) => line.includes('/data/postcodes/LS.bin')).length > fetches, 'the file was fetched again');
      });
    });
  });

  it('refuses a council policy pack with an unknown field, says which, and uses the illustrative default', async () => {
    const pack = JSON.parse(await readFile(join(ROOT, 'data/policy/default.json'), 'utf8'));
    pack.id = 'anytown';
    pack.title = 'Anytown SEND placement policy';
    pack.illustrative = false;
    pack.levels[0].radiusMile = 4; // a typo for radiusMiles
    const root = await rootWith({ 'councils/anytown/policy.json': JSON.stringify(pack, null, 2) }, hostile);
    await withServer(root, async (url) => {
      const page = session.page;
      /** @type {string[]} */
      const warnings = [];
      page.on('console', (msg) => { if (msg.type() === 'warning') warnings.push(msg.text()); });
      await withScreenshotOnFailure(page, 'broken-policy', async () => {
        // What the snippet's data-policy="councils/anytown/policy.json" becomes in the iframe.
        await page.goto(`${url}embed.html?policy=councils/anytown/policy.json`);
        await waitReady(page);
        const notice = await page.textContent('#pf-policy-error') ?? '';
        assert.equal(await page.isVisible('#pf-policy-error'), true);
        assert.match(notice, /^This council’s own rules for levels of need could not be used, so the levels of need and the list follow an illustrative example instead/);
        assert.match(notice, /unknown field `radiusMile`/, 'it names the field');
        // (The service worker may fetch it once more to keep it for offline use: not the engine.)
        const datasetFetches = session.requests.filter((r) => new URL(r.url()).pathname === '/data/finder/core.bin' && !r.serviceWorker());
        assert.equal(datasetFetches.length, 1, 'starting again with the default pack does not fetch the dataset again');
        assert.ok(warnings.some((w) => /policy pack .*councils\/anytown\/policy\.json was refused.*unknown field `radiusMile`/.test(w)), `for the web team: ${warnings.join(' | ')}`);
        // Nothing of the refused pack is used; the default says it is illustrative, on every list.
        assert.doesNotMatch(await page.textContent('#pf-policy-notice') ?? '', /Anytown/);
        assert.match(await page.textContent('#pf-policy-notice') ?? '', /[Ii]llustrative/);
        await fillSearch(page, { postcode: 'LS6 2AA', age: '7', need: 'ASD', level: 'Specialist school or unit' });
        await page.click('#pf-submit');
        await page.waitForFunction(() => !document.querySelector('main')?.hasAttribute('data-busy') && document.querySelector('#pf-list > li'), null, { timeout: 30_000 });

        // A pack that is not there at all: the same, naming the HTTP status.
        await page.goto(`${url}embed.html?policy=councils/anytown/policy-2027.json`);
        await waitReady(page);
        assert.match(await page.textContent('#pf-policy-error') ?? '', /could not load the council policy pack \(.*policy-2027\.json\): HTTP 404/);
        // Chromium's own console line for the 404 is expected here; nothing else.
        session.errors = session.errors.filter((e) => !/Failed to load resource: .* 404/.test(e));
      });
    });
  });
});
