// "Use your own data" on the dashboard, end to end in Debian's Chromium: dropping the real Leeds
// GIAS extract (as downloaded: Windows-1252 text, CRLF) rebuilds the data in the page, shows
// the row report, switches the dashboard and the finder on this device, and is never uploaded;
// a damaged copy lists its rejected rows; a 500 MB file and a file that is not CSV fail at once
// with a clear message; "use the published data again" goes back. axe-core: 0 violations.

import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open as openFile, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  ROOT, axe, builtPageExists, cspViolations, dashboardSettled, describeViolations, launch, openDashboard as openDashboardAt,
  openPage, startServer, withScreenshotOnFailure,
} from './helpers.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof openPage>>} */
let session;
/** @type {string} */
let dir;
/** The Leeds extract, byte for byte as GIAS served it (data/sources/PROVENANCE.md). */
let leeds = Buffer.alloc(0);

before(async () => {
  if (!builtPageExists()) throw new Error('www/ is not built: run `bash scripts/build.sh` first');
  leeds = gunzipSync(await readFile(join(ROOT, 'data/sources/edubase-leeds_2023-07.csv.gz')));
  dir = await mkdtemp(join(tmpdir(), 'pf-import-'));
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  session = await openPage(browser);
});
afterEach(async () => {
  const csp = await cspViolations(session.page).catch(() => []);
  await session.context.close();
  assert.deepEqual(session.errors, [], 'console or page errors');
  assert.deepEqual(csp, [], 'CSP violations');
});

const openDashboard = () => openDashboardAt(session.page, server.url);
const settled = () => dashboardSettled(session.page);

/** England's number of suitable settings, from the council table. */
async function englandSuitable() {
  const text = await session.page.textContent('#council-table tr[data-la="england"] td');
  return Number(String(text).replace(/,/g, ''));
}

/**
 * Drops files onto the drop zone as a browser does (a DataTransfer with File objects).
 * @param {{ name: string, bytes: Buffer }[]} files
 */
async function dropFiles(files) {
  const payload = files.map((f) => ({ name: f.name, data: f.bytes.toString('base64') }));
  await session.page.evaluate((list) => {
    const transfer = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], f.name, { type: 'text/csv' }));
    }
    const zone = /** @type {HTMLElement} */ (document.getElementById('import-drop'));
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, payload);
}

async function importFinished() {
  await session.page.waitForSelector('#import-done, #import-error:not([hidden])', { timeout: 120_000 });
  const error = await session.page.$('#import-error:not([hidden])');
  assert.equal(error && await error.textContent(), null, 'the import failed');
  await settled();
}

describe('use your own data', () => {
  it('dropping the Leeds GIAS download becomes the live data for the dashboard and the finder, and is never uploaded', async () => {
    const { page, requests } = session;
    await withScreenshotOnFailure(page, 'import-leeds', async () => {
      await openDashboard();
      const published = await englandSuitable();
      const before = requests.length;
      await dropFiles([{ name: 'edubasealldata-leeds.csv', bytes: leeds }]);
      await importFinished();

      const result = await page.textContent('#import-result');
      assert.match(String(result), /edubasealldata-leeds\.csv: 771 rows — 287 accepted, 484 left out as not a placement/);
      assert.match(String(result), /0 rejected/);
      assert.equal(await page.textContent('#import-no-rejected'), 'No row was rejected.');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'import-done', 'focus moves to the result');
      // The dashboard now counts the Leeds file's settings only.
      const imported = await englandSuitable();
      assert.ok(imported > 0 && imported < published, `England now has ${imported} suitable (published: ${published})`);
      assert.match(String(await page.textContent('#pf-imported-text')), /imported from edubasealldata-leeds\.csv/);
      assert.ok(await page.isVisible('#pf-imported-notice'));

      // Nothing was sent: the only requests since are GETs for the page's own rebuild kit.
      const since = requests.slice(before);
      assert.deepEqual(since.filter((r) => r.method() !== 'GET').map((r) => `${r.method()} ${r.url()}`), []);
      assert.deepEqual(since.map((r) => new URL(r.url()).pathname), ['/data/rebuild-kit.json']);

      // The report downloads as CSV.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#import-report')]);
      const csv = await readFile(/** @type {string} */ (await download.path()), 'utf8');
      assert.match(csv.split('\n')[0], /^source,row,urn,outcome,column,reason/);
      assert.equal(csv.split('\n').filter((l) => l.includes(',filtered,')).length, 484);

      // The finder on this device uses it too: a Leeds search lists settings from the file.
      await page.goto(`${server.url}index.html`);
      await page.waitForSelector('main[data-ready="true"]', { timeout: 60_000 });
      assert.ok(await page.isVisible('#pf-imported-notice'));
      assert.match(String(await page.textContent('#pf-imported-text')), /edubasealldata-leeds\.csv.*settings\), not the published data/);
      const about = String(await page.textContent('.pf-about'));
      assert.match(about, /Get Information About Schools, all establishment data/);

      // And back to the published data.
      await Promise.all([page.waitForEvent('load'), page.click('#pf-imported-forget')]);
      await page.waitForSelector('main[data-ready="true"]', { timeout: 60_000 });
      assert.ok(!(await page.isVisible('#pf-imported-notice')));
      await openDashboard();
      assert.equal(await englandSuitable(), published);
      assert.ok(!(await page.isVisible('#pf-imported-notice')));
    });
  });

  it('a damaged copy lists every rejected row with its row, column and reason; axe finds nothing', async () => {
    const { page } = session;
    await withScreenshotOnFailure(page, 'import-damaged', async () => {
      await openDashboard();
      const lines = leeds.toString('latin1').split('\n');
      lines[10] = `${lines[10].split(',').slice(0, 6).join(',')}\r`; // cut short
      lines[20] = `X${lines[20]}`; // a URN that is not a number
      const file = join(dir, 'damaged.csv');
      await writeFile(file, Buffer.from(lines.join('\n'), 'latin1'));
      await page.setInputFiles('#import-files', file);
      await importFinished();
      const rows = await page.$$eval('#import-rejected tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
      assert.equal(rows.length, 2);
      assert.deepEqual(rows[0].slice(0, 2), ['damaged.csv', '11']);
      assert.match(String(rows[0][4]), /cut short/);
      assert.deepEqual([rows[1][1], rows[1][3]], ['21', 'URN']);
      assert.match(String(await page.textContent('#import-result')), /769 accepted|, 2 rejected/);
      const result = await axe(page);
      assert.deepEqual(result.violations, [], describeViolations(result));
    });
  });

  it('a 500 MB file and a file that is not CSV fail at once with a clear message, and the dashboard stays usable', async () => {
    const { page } = session;
    await openDashboard();
    const huge = join(dir, 'edubasealldata-huge.csv');
    const handle = await openFile(huge, 'w');
    await handle.truncate(500_000_000); // sparse: 500 MB of nothing
    await handle.close();
    const started = Date.now();
    await page.setInputFiles('#import-files', huge);
    await page.waitForSelector('#import-error:not([hidden])', { timeout: 30_000 });
    assert.ok(Date.now() - started < 10_000, `refused in ${Date.now() - started} ms`);
    assert.match(String(await page.textContent('#import-error')),
      /^Error: edubasealldata-huge\.csv is too large: 500000000 bytes, more than the 200000000 bytes/);
    assert.equal(await page.getAttribute('#import-files', 'aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'import-files');

    const png = join(dir, 'map.csv');
    await writeFile(png, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    await page.setInputFiles('#import-files', png);
    await page.waitForFunction(() => /not a CSV text file/.test(document.getElementById('import-error')?.textContent ?? ''));

    // Still the published data, still answering.
    assert.ok(!(await page.isVisible('#pf-imported-notice')));
    await page.click('#run');
    await settled();
    assert.ok(await englandSuitable() > 0);
  });
});
