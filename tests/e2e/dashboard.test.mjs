// The inclusion dashboard end to end in Debian's Chromium: it renders for England and for a
// council, its table and CSV match the command line's for the same choices, and axe-core finds
// no WCAG 2.2 AA violations. Runs against www/ as built by scripts/build.sh.

import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ROOT, WWW, axe, builtPageExists, cspViolations, dashboardSettled, describeViolations, launch, openDashboard, openPage,
  screenshot, startServer, withScreenshotOnFailure,
} from './helpers.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof openPage>>} */
let session;

before(async () => {
  if (!builtPageExists() || !existsSync(join(WWW, 'data/sectors.csv'))) {
    throw new Error('www/ is not built: run `bash scripts/build.sh` first (wasm engine, dataset, sectors, Leaflet)');
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
  const csp = await cspViolations(session.page).catch(() => []);
  await session.context.close();
  assert.deepEqual(session.errors, [], 'console or page errors');
  assert.deepEqual(csp, [], 'CSP violations');
});

const open = () => openDashboard(session.page, server.url);
const settled = () => dashboardSettled(session.page);

/**
 * The command line's council CSV for the same choices.
 * @param {string[]} args
 */
function cliCsv(args) {
  return execFileSync('cargo', ['run', '--release', '--quiet', '--bin', 'placement-finder', '--', 'coverage', ...args],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 16 << 20 });
}

/**
 * Parses the simple CSV the engine writes (quoted fields may hold commas).
 * @param {string} text
 */
function parseCsv(text) {
  return text.trim().split('\n').map((line) => {
    /** @type {string[]} */
    const out = [];
    let field = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') { out.push(field); field = ''; } else field += c;
    }
    out.push(field);
    return out;
  });
}

describe('inclusion dashboard', () => {
  it('renders for England: every council in the table, a heat map, a legend in miles', async () => {
    const { page } = session;
    await withScreenshotOnFailure(page, 'dashboard-england', async () => {
      await open();
      const rows = await page.locator('#council-table tbody tr').count();
      assert.ok(rows >= 150, `${rows} council rows`);
      assert.equal(await page.locator('#council-table tbody tr[data-la="england"] th').textContent(), 'England');
      await page.waitForSelector('#pf-coverage-map img.leaflet-image-layer', { timeout: 30_000 });
      const legend = await page.locator('#coverage-legend li').allTextContents();
      assert.deepEqual(legend, ['Up to 2', '2 to 5', '5 to 10', '10 to 20', 'More than 20', 'No suitable setting']);
      assert.match(await page.textContent('#coverage-summary') ?? '', /England: \d[\d,]* suitable settings?/);
      assert.ok(await page.locator('#sector-table tbody tr').count() === 200);
      await screenshot(page, 'dashboard-england');
    });
  });

  it('renders for a council, and its table and CSV match `placement-finder coverage` for the same choices', async () => {
    const { page } = session;
    await withScreenshotOnFailure(page, 'dashboard-leeds', async () => {
      await open();
      await page.selectOption('#scope', '383');
      await page.fill('#age', '8');
      await page.check('#needs-SLCN');
      await page.click('#run');
      await page.waitForFunction(() => document.querySelector('#council-table caption')?.textContent?.startsWith('Leeds'), null, { timeout: 60_000 });
      await settled();
      await page.waitForSelector('#pf-coverage-map img.leaflet-image-layer', { timeout: 30_000 });

      const cli = parseCsv(cliCsv(['--needs', 'ASD,SLCN', '--kinds', 'resourcedProvision,senUnit,special', '--age', '8']));
      const header = cli[0];
      const leeds = cli.find((r) => r[0] === '383');
      assert.ok(leeds, 'Leeds in the CLI CSV');
      const col = (/** @type {string} */ name) => /** @type {string} */ (leeds[header.indexOf(name)]);
      const cells = await page.locator('#council-table tbody tr[data-la="383"] > *').allTextContents();
      assert.equal(cells[0], 'Leeds');
      assert.equal(cells[1], col('suitable_settings'));
      assert.equal(cells[2], col('needs_not_recorded'));
      assert.deepEqual(cells.slice(6, 10), ['2', '5', '10', '20'].map((b) => `${col(`postcodes_within_${b}mi_pct`)}%`));
      assert.deepEqual(cells.slice(10, 14), ['2', '5', '10', '20'].map((b) => `${col(`cells_within_${b}mi_pct`)}%`));
      assert.equal(cells[14], col('farthest_cell_mi'));

      // The downloaded CSV is the CLI's, byte for byte.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-councils')]);
      const path = await download.path();
      assert.equal(await readFile(path, 'utf8'), cliCsv(['--needs', 'ASD,SLCN', '--kinds', 'special,senUnit,resourcedProvision', '--age', '8']));

      const [png] = await Promise.all([page.waitForEvent('download'), page.click('#download-png')]);
      const bytes = await readFile(await png.path());
      assert.deepEqual([...bytes.subarray(1, 4)], [...Buffer.from('PNG')]);
      await screenshot(page, 'dashboard-leeds');
    });
  });

  it('says what each count counts: settings in England for the distances, settings inside the council (issue 11.7)', async () => {
    const { page } = session;
    await withScreenshotOnFailure(page, 'dashboard-manchester', async () => {
      await open();
      await page.selectOption('#scope', '352');
      await page.click('#run');
      await page.waitForFunction(() => document.querySelector('#council-table caption')?.textContent?.startsWith('Manchester'), null, { timeout: 60_000 });
      await settled();
      const cell = async (/** @type {string} */ la) => Number(String(await page.textContent(`#council-table tr[data-la="${la}"] td`)).replace(/,/g, ''));
      const [england, manchester] = [await cell('england'), await cell('352')];
      assert.ok(england > manchester, `${england} in England, ${manchester} in Manchester`);
      const n = (/** @type {number} */ x) => x.toLocaleString('en-GB');
      const status = String(await page.textContent('#pf-status'));
      assert.ok(status.startsWith(`Showing Manchester. Distances are to the nearest of ${n(england)} suitable settings in England ` +
        `(${n(manchester)} of them in Manchester)`), status);
      const summary = String(await page.textContent('#coverage-summary'));
      assert.ok(summary.startsWith(`Manchester: ${n(manchester)} suitable setting${manchester === 1 ? '' : 's'} in Manchester`), summary);
      assert.match(summary, new RegExp(`${n(england)} suitable settings in England`));
      assert.match(summary, /of Manchester’s postcodes are within 2 miles of one/);
    });
  });

  it('counts the settings whose needs are not recorded, apart, and in the distances when asked (issue 11.4)', async () => {
    const { page } = session;
    await withScreenshotOnFailure(page, 'dashboard-unknown-need', async () => {
      await open();
      const headers = await page.locator('#council-table thead th').allTextContents();
      assert.deepEqual(headers.slice(0, 3), ['Council', 'Suitable settings', 'Needs not recorded']);
      const cells = async () => (await page.locator('#council-table tr[data-la="england"] td').allTextContents())
        .slice(0, 2).map((t) => Number(t.replace(/,/g, '')));
      const [suitable, unknown] = await cells();
      const cli = parseCsv(cliCsv(['--needs', 'ASD', '--kinds', 'special,senUnit,resourcedProvision']));
      const england = /** @type {string[]} */ (cli.find((r) => r[1] === 'England'));
      const col = (/** @type {string} */ name) => england[cli[0].indexOf(name)];
      assert.equal(String(unknown), col('needs_not_recorded'));
      assert.ok(unknown > 100, `${unknown} settings of unknown need in England`);
      const n = (/** @type {number} */ x) => x.toLocaleString('en-GB');
      let summary = String(await page.textContent('#coverage-summary'));
      assert.ok(summary.startsWith(`England: ${n(suitable)} suitable settings, and ${n(unknown)} of the chosen kinds whose needs are not recorded (`), summary);
      assert.match(summary, /settings whose needs are not recorded are left out/);
      assert.match(summary, /Counting them too, [\d.]+% would be more than 10 miles away\./);

      // Counted in: the distances use both; the counts do not change; the CSV is the CLI's.
      await page.check('#include-unknown');
      await page.click('#run');
      await page.waitForFunction(() => document.querySelector('#pf-status')?.textContent?.includes('of unknown need'), null, { timeout: 60_000 });
      await settled();
      assert.deepEqual(await cells(), [suitable, unknown]);
      const status = String(await page.textContent('#pf-status'));
      assert.ok(status.startsWith(`Showing England. Distances are to the nearest of ${n(suitable + unknown)} settings in England, ` +
        `suitable or of unknown need`), status);
      summary = String(await page.textContent('#coverage-summary'));
      assert.match(summary, /settings whose needs are not recorded are counted/);
      assert.match(summary, /Leaving them out, [\d.]+% would be more than 10 miles away\./);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-councils')]);
      assert.equal(await readFile(await download.path(), 'utf8'),
        cliCsv(['--needs', 'ASD', '--kinds', 'special,senUnit,resourcedProvision', '--include-needs-not-recorded']));
      await screenshot(page, 'dashboard-unknown-need');
    });
  });

  it('has no axe-core violations (WCAG 2.2 AA)', async () => {
    const { page } = session;
    await open();
    const result = await axe(page);
    assert.equal(result.violations.length, 0, describeViolations(result));
  });
});
