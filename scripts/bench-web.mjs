// The page's benchmark, in node and in Chromium: cold start (core or dataset bytes → index ready),
// shortlist latency (median and p95 over 1,000 seeded queries), a plain-JavaScript per-need
// scan on the same data for comparison, wasm size (raw, gzip, brotli) and dataset bytes over
// the wire. Then a parent's first visit of www/index.html served by scripts/serve.mjs (real
// CSP, brotli), without throttling and under Chromium DevTools' "Slow 4G" preset through CDP:
// every request with its bytes, the time from the page's first byte to the first results of a
// real postcode search driven through the form, and the engine's cold start in its worker.
// Run after scripts/build.sh:   node scripts/bench-web.mjs
//   FIRST_VISIT_RUNS=n (default 3) runs of each first-visit case; the median is reported.
//   FIRST_VISIT_ONLY=1 skips the engine measurements (cold start, shortlist latency) before them.
//
// Not a timed test: it measures and prints.

import { readFile } from 'node:fs/promises';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { serve } from './serve.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'www');
const br = (/** @type {Buffer} */ b) =>
  brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const gz = (/** @type {Buffer} */ b) => gzipSync(b, { level: 9 }).length;

/**
 * The whole benchmark as one self-contained function, run both in node and (serialised) in
 * the page, so both measure the same thing.
 * @param {any} mod the finder's lean wasm-bindgen module (pkg/, already initialised): the
 *   page's cold start from the core, and the shortlists (the core with every details file, as
 *   the page has it once `all.bin` is added)
 * @param {any} full the finder's full module (pkg-full/), which alone reads a whole dataset.bin
 * @param {Uint8Array} dataset
 * @param {() => number} now
 * @param {any} table the settings as parallel arrays (`Finder.settingsTable`, in the dashboard's
 *   module only: the `bench` feature), for the plain-JS baseline
 * @param {Uint8Array} core the page's core data file (`finder/core.bin`), what the page starts from
 * @param {Uint8Array} details every setting's details (`finder/details/all.bin`)
 */
async function measure(mod, full, dataset, now, table, core, details) {
  // The page's cold start: the core. The shortlists below use the core with every details file.
  const tc = now();
  const finder = new mod.Finder(core, null);
  const coreColdMs = now() - tc;
  finder.addDetails(details);
  const t0 = now();
  const whole = new full.Finder(dataset, null);
  const coldMs = now() - t0;
  whole.free?.();

  // Seeded queries across England (SplitMix64-like generator in 32-bit arithmetic).
  let seed = 0x5eed;
  const rnd = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const needs = ['SpLD', 'MLD', 'SLD', 'PMLD', 'SEMH', 'SLCN', 'ASD', 'HI', 'VI', 'MSI', 'PD', 'OTH'];
  const levels = ['universal', 'targeted', 'specialist', 'complex'];
  const queries = [];
  for (let i = 0; i < 1000; i++) {
    queries.push({
      home: { lat: 50.7 + rnd() * 4.6, lon: -3.5 + rnd() * 5.0 },
      age: 4 + Math.floor(rnd() * 15),
      primaryNeed: needs[Math.floor(rnd() * 12)],
      level: levels[i % 4],
      limit: 20,
    });
  }
  // Per-query time as the mean of `reps` runs, since browsers coarsen performance.now().
  const reps = 20;
  const times = [];
  let results = 0;
  for (const q of queries) finder.shortlist(q); // warm up
  for (const q of queries) {
    const t = now();
    let list;
    for (let r = 0; r < reps; r++) list = finder.shortlist(q);
    times.push(((now() - t) / reps) * 1000);
    results += list.results.length;
  }
  times.sort((a, b) => a - b);

  // The plain-JavaScript baseline: per-need arrays built once, then for each query a scan of
  // the primary need's settings (and, for kinds that record no needs, of those) with haversine
  // distances, keeping the 20 nearest that take the child's age. No scoring, no explanations.
  const byNeed = needs.map((_, i) => table.urn.map((_, j) => j).filter((j) => table.needs[j] & (1 << i)));
  const noNeeds = table.urn.map((_, j) => j).filter((j) => table.needs[j] === 0);
  const R = 6371008.8;
  const rad = Math.PI / 180;
  const hav = (/** @type {number} */ la1, /** @type {number} */ lo1, /** @type {number} */ la2, /** @type {number} */ lo2) => {
    const a = Math.sin(((la2 - la1) * rad) / 2) ** 2 + Math.cos(la1 * rad) * Math.cos(la2 * rad) * Math.sin(((lo2 - lo1) * rad) / 2) ** 2;
    return 2 * R * Math.asin(Math.sqrt(a));
  };
  const scan = (/** @type {any} */ q) => {
    const top = [];
    const consider = (/** @type {number[]} */ ids) => {
      for (const j of ids) {
        if (q.age < table.ageLow[j] || q.age > table.ageHigh[j]) continue;
        const d = hav(q.home.lat, q.home.lon, table.lat[j], table.lon[j]);
        if (top.length < 20 || d < top[top.length - 1][0]) {
          top.push([d, j]);
          top.sort((a, b) => a[0] - b[0]);
          if (top.length > 20) top.pop();
        }
      }
    };
    consider(byNeed[needs.indexOf(q.primaryNeed)]);
    if (q.level !== 'complex') consider(noNeeds);
    return top;
  };
  const jsTimes = [];
  for (const q of queries) scan(q);
  for (const q of queries) {
    const t = now();
    for (let r = 0; r < reps; r++) scan(q);
    jsTimes.push(((now() - t) / reps) * 1000);
  }
  jsTimes.sort((a, b) => a - b);
  const pct = (/** @type {number[]} */ v, /** @type {number} */ p) => v[Math.min(v.length - 1, Math.floor(v.length * p))];
  finder.free?.();
  return {
    coreColdMs,
    coldMs,
    medianUs: pct(times, 0.5),
    p95Us: pct(times, 0.95),
    resultsPerQuery: results / queries.length,
    jsMedianUs: pct(jsTimes, 0.5),
    jsP95Us: pct(jsTimes, 0.95),
  };
}

function report(/** @type {string} */ where, /** @type {any} */ r) {
  console.log(
    `${where}: cold start from finder/core.bin ${r.coreColdMs.toFixed(1)} ms after the bytes arrive [target <= 20 ms] ` +
      `(from the whole dataset.bin ${r.coldMs.toFixed(1)} ms); ` +
      `shortlist (top 20 with explanations, ${r.resultsPerQuery.toFixed(1)} results each) median ${r.medianUs.toFixed(1)} us, p95 ${r.p95Us.toFixed(1)} us [target median <= 5 us]; ` +
      `plain-JS per-need scan (20 nearest by age, no scoring) median ${r.jsMedianUs.toFixed(1)} us, p95 ${r.jsP95Us.toFixed(1)} us`,
  );
}

// ---- a parent's first visit -----------------------------------------------------------------

/**
 * Chromium DevTools' "Slow 4G" preset (front_end/core/sdk/NetworkManager.ts, renamed from
 * "Fast 3G" in 2024): 1.6 Mbps down and 750 kbps up at 90%, 150 ms RTT times 3.75 because CDP
 * throttles per request, not per packet. Bytes per second and milliseconds, as CDP's
 * Network.emulateNetworkConditions takes them.
 */
const SLOW_4G = { offline: false, latency: 150 * 3.75, downloadThroughput: (1.6 * 1000 * 1000) / 8 * 0.9, uploadThroughput: (750 * 1000) / 8 * 0.9 };

/** The words taken literally: 1.6 Mbps down, 150 ms round trip (no DevTools adjustments). */
const SLOW_4G_NOMINAL = { offline: false, latency: 150, downloadThroughput: (1.6 * 1000 * 1000) / 8, uploadThroughput: (750 * 1000) / 8 };

/** The search a parent makes (tests/e2e/page.test.mjs): a live Leeds postcode, age 7, autism, specialist. */
const SEARCH = { postcode: 'LS6 2AA', age: '7', need: 'ASD', level: 'Specialist school or unit' };

/** Raw and brotli (quality 11) sizes of a file under www/, by URL path. */
const fileSizes = new Map();
async function sizesOf(/** @type {string} */ path) {
  const key = path.endsWith('/') ? `${path}index.html` : path;
  if (!fileSizes.has(key)) {
    const body = await readFile(join(root, decodeURIComponent(key))).catch(() => null);
    fileSizes.set(key, body ? { raw: body.length, br: br(body) } : { raw: 0, br: 0 });
  }
  return fileSizes.get(key);
}

/**
 * Records every response scripts/serve.mjs sends: path, Content-Encoding and bytes on the wire.
 * Seen on the server, so it includes the service worker's own fetches (which CDP's per-page
 * throttling and playwright's page events do not see).
 * @param {import('node:http').Server} server
 */
function recordResponses(server) {
  /** @type {{path: string, at: number, status: number, encoding: string, bytes: number}[]} */
  const log = [];
  server.prependListener('request', (req, res) => {
    const entry = { path: new URL(req.url ?? '/', 'http://x').pathname, at: performance.now(), status: 0, encoding: '', bytes: 0 };
    log.push(entry);
    const writeHead = res.writeHead;
    res.writeHead = /** @type {any} */ (function (/** @type {number} */ status, /** @type {any} */ headers) {
      entry.status = status;
      entry.encoding = headers?.['Content-Encoding'] ?? '';
      return writeHead.call(this, status, headers);
    });
    const end = res.end;
    res.end = /** @type {any} */ (function (/** @type {any} */ chunk, /** @type {any[]} */ ...rest) {
      if (chunk) entry.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      return end.call(this, chunk, ...rest);
    });
  });
  return log;
}

/** Marks the page sets on itself (an init script; the page's own code is unchanged). */
function pageProbe() {
  const w = /** @type {any} */ (window);
  w.__pfMarks = {};
  const mark = (/** @type {string} */ k) => { if (!(k in w.__pfMarks)) w.__pfMarks[k] = performance.now(); };
  new MutationObserver(() => {
    if (document.querySelector('#postcode')) mark('formHtml');
    if (document.querySelector('main')?.dataset.ready === 'true') mark('ready');
    if (document.querySelector('#pf-form input[name="level"]')) mark('formBuilt');
    if (document.querySelector('#pf-list > li')) mark('results');
    if (document.querySelector('#pf-map .pf-marker')) mark('markers');
  }).observe(document, { subtree: true, childList: true, attributes: true });
  document.addEventListener('submit', () => mark('submit'), true);
  // The engine's own load timing (engine.js: fetchMs, indexMs = new Finder(bytes) in the worker),
  // read from the worker's answer to 'load'.
  const W = w.Worker;
  w.Worker = class extends W {
    constructor(/** @type {any[]} */ ...args) {
      super(...args);
      this.addEventListener('message', (/** @type {MessageEvent} */ e) => {
        const t = e.data?.value?.timing;
        if (t && 'indexMs' in t && !w.__pfLoad) w.__pfLoad = { ...t, at: performance.now() };
      });
    }
  };
}

/**
 * One first visit (a new browser context: empty cache, no service worker): opens the page, types
 * the search as soon as each question is there, submits, waits for the list. Requests are
 * recorded by playwright (page, its engine worker and the service worker); the server's log
 * cross-checks the bytes.
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 * @param {ReturnType<typeof recordResponses>} log
 * @param {{ conditions: typeof SLOW_4G | null, serviceWorkers: 'allow' | 'block' }} options
 */
async function firstVisit(browser, url, log, { conditions, serviceWorkers }) {
  log.length = 0;
  const context = await browser.newContext({ viewport: { width: 412, height: 915 }, serviceWorkers });
  try {
    const page = await context.newPage();
    /** @type {Promise<{path: string, sw: boolean, start: number, end: number, wire: number, encoding: string, status: number}>[]} */
    const seen = [];
    context.on('requestfinished', (req) => {
      seen.push((async () => {
        const t = req.timing();
        const [sizes, response] = await Promise.all([req.sizes(), req.response()]);
        return {
          path: new URL(req.url()).pathname, sw: req.serviceWorker() !== null, start: t.startTime, end: t.startTime + t.responseEnd,
          wire: sizes.responseBodySize, encoding: (await response?.headerValue('content-encoding')) ?? '', status: response?.status() ?? 0,
        };
      })().catch(() => null)); // a request that ends as the context closes is not counted
    });
    await page.addInitScript(pageProbe);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    // The context is new, so its HTTP cache is empty: a first visit. (Not disabled: the service
    // worker's install revalidates what the page has just downloaded, as on a phone.)
    if (conditions) await cdp.send('Network.emulateNetworkConditions', conditions);
    await page.goto(url, { waitUntil: 'commit', timeout: 60_000 });
    await page.fill('#postcode', SEARCH.postcode, { timeout: 60_000 });
    await page.fill('#age', SEARCH.age);
    await page.check(`#need-${SEARCH.need}`, { timeout: 60_000 });
    await page.getByLabel(SEARCH.level, { exact: true }).check();
    await page.click('#pf-submit');
    await page.waitForSelector('#pf-list > li', { timeout: 60_000 });
    await page.waitForLoadState('networkidle', { timeout: 60_000 }).catch(() => {});
    // The service worker, when allowed, registers after the first list (main.js): wait until it
    // has saved what the engine used (the page counts it in data-offline-saved).
    if (serviceWorkers === 'allow') await page.waitForSelector('main[data-offline-saved]', { state: 'attached', timeout: 60_000 }).catch(() => {});
    await page.waitForTimeout(conditions ? 1500 : 500);
    const r = await page.evaluate(() => {
      const w = /** @type {any} */ (window);
      const nav = /** @type {PerformanceNavigationTiming} */ (performance.getEntriesByType('navigation')[0]);
      return { marks: w.__pfMarks, load: w.__pfLoad, firstByte: nav.responseStart, timeOrigin: performance.timeOrigin,
        dcl: nav.domContentLoadedEventEnd, results: document.querySelectorAll('#pf-list > li').length,
        status: document.querySelector('#pf-status')?.textContent ?? '' };
    });
    const from = (/** @type {number | undefined} */ t) => (t === undefined ? NaN : t - r.firstByte);
    const epochFirstByte = r.timeOrigin + r.firstByte;
    const requests = [];
    const unclaimed = [...log];
    const finished = /** @type {NonNullable<Awaited<(typeof seen)[number]>>[]} */ ((await Promise.all(seen)).filter(Boolean));
    for (const q of finished.sort((x, y) => x.start - y.start)) {
      // Playwright reports no body size for worker scripts: the server's count stands in.
      const sent = unclaimed.findIndex((e) => e.path === q.path);
      if (sent >= 0 && q.wire === 0) q.wire = unclaimed[sent].bytes;
      if (sent >= 0) unclaimed.splice(sent, 1);
      requests.push({ ...q, ...(await sizesOf(q.path)), by: q.sw ? 'sw' : 'page', startMs: q.start - epochFirstByte, endMs: q.end - epochFirstByte });
    }
    return {
      resultsMs: from(r.marks.results),
      readyMs: from(r.marks.ready),
      submitMs: from(r.marks.submit),
      dclMs: from(r.dcl),
      coldMs: r.load?.indexMs ?? NaN,
      fetchMs: r.load?.fetchMs ?? NaN,
      results: r.results,
      status: r.status,
      requests,
      server: { responses: log.length, bytes: log.reduce((a, e) => a + e.bytes, 0) },
    };
  } finally {
    await context.close();
  }
}

const kb = (/** @type {number} */ n) => `${(n / 1024).toFixed(1)} KB`;
const ms = (/** @type {number} */ n) => (Number.isNaN(n) ? '-' : `${Math.round(n)} ms`);

/** The per-request table of one visit. */
function printRequests(/** @type {any[]} */ requests, /** @type {number} */ resultsMs) {
  const rows = [['request', 'by', 'enc', 'status', 'wire', 'raw', 'brotli-11', 'start', 'end']];
  const sum = { wire: 0, raw: 0, br: 0, wireBefore: 0, brBefore: 0, sw: 0 };
  for (const q of requests) {
    rows.push([q.path, q.by, q.encoding || '-', String(q.status), String(q.wire), String(q.raw), String(q.br), ms(q.startMs), ms(q.endMs)]);
    sum.wire += q.wire; sum.raw += q.raw; sum.br += q.br;
    if (q.by === 'sw') sum.sw += q.wire;
    else if (q.endMs <= resultsMs) { sum.wireBefore += q.wire; sum.brBefore += q.br; }
  }
  rows.push(['total', '', '', '', String(sum.wire), String(sum.raw), String(sum.br), '', '']);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) console.log(`  ${row.map((c, i) => (i < 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`);
  console.log(`  page and engine worker before the first results: ${kb(sum.wireBefore)} on the wire (${kb(sum.brBefore)} at brotli-11); ` +
    `service worker's own fetches: ${kb(sum.sw)}`);
}

/**
 * A parent's first visit of www/index.html, unthrottled and on "Slow 4G", with and without the
 * service worker (its install fetches the whole app shell during the first visit).
 * @param {import('playwright-core').Browser} browser
 */
async function firstVisits(browser) {
  const server = await serve(root, { port: 0 });
  const log = recordResponses(server);
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/index.html`;
  const runs = Number(process.env.FIRST_VISIT_RUNS ?? 3);
  // CDP throttles the page's target (the page and its dedicated worker), not the service worker,
  // which fetches on its own and, once it controls the page, answers the page's fetches from the
  // unthrottled network: so the throttled visits block it (a real phone also downloads its install,
  // see the unthrottled visit's 'sw' rows).
  const cases = [
    { name: 'no throttling', conditions: null, serviceWorkers: /** @type {const} */ ('allow') },
    { name: 'Slow 4G (DevTools preset), sw blocked', conditions: SLOW_4G, serviceWorkers: /** @type {const} */ ('block') },
    { name: 'Slow 4G as the issue words it (150 ms, 1.6 Mbps), sw blocked', conditions: SLOW_4G_NOMINAL, serviceWorkers: /** @type {const} */ ('block') },
  ];
  await firstVisit(browser, url, log, cases[0]); // warm the server's compressed copies
  const median = (/** @type {number[]} */ v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const summary = [['first visit', 'first results', 'engine ready', 'submitted (the harness, once the form is built)', 'DOMContentLoaded', 'cold start (worker)', 'fetch+init (worker)', 'wire bytes (page + worker + sw)']];
  try {
    for (const c of cases) {
      const visits = [];
      for (let i = 0; i < runs; i++) visits.push(await firstVisit(browser, url, log, c));
      const pick = (/** @type {string} */ k) => median(visits.map((v) => /** @type {any} */ (v)[k]));
      const mid = visits.find((v) => v.resultsMs === pick('resultsMs')) ?? visits[0];
      const how = c.conditions ? `${c.conditions.latency} ms latency, ${c.conditions.downloadThroughput} B/s down, ${c.conditions.uploadThroughput} B/s up` : 'localhost';
      console.log(`\nfirst visit, ${c.name} (${how}; median of ${runs} by first results; ${mid.results} results: "${mid.status}"); ` +
        `requests of that run, times from the page's first byte (server sent ${mid.server.responses} responses, ${kb(mid.server.bytes)}):`);
      printRequests(mid.requests, mid.resultsMs);
      summary.push([c.name, ms(pick('resultsMs')), ms(pick('readyMs')), ms(pick('submitMs')), ms(pick('dclMs')),
        `${pick('coldMs').toFixed(1)} ms`, ms(pick('fetchMs')), kb(mid.requests.reduce((a, q) => a + q.wire, 0))]);
    }
  } finally {
    server.close();
  }
  console.log(`\nfirst visit summary (median of ${runs}; times from the page's first byte; targets: first results on Slow 4G <= 2500 ms, cold start <= 20 ms):`);
  const widths = summary[0].map((_, i) => Math.max(...summary.map((row) => row[i].length)));
  for (const row of summary) console.log(`  ${row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`);
}

const wasm = await readFile(join(root, 'pkg/placement_finder_bg.wasm'));
const dataset = await readFile(join(root, 'data/dataset.bin'));
console.log(`wasm (the finder's lean module, pkg/): ${wasm.length} bytes raw, ${gz(wasm)} gzip, ${br(wasm)} brotli [target <= 60 KB brotli]`);
const fullWasm = await readFile(join(root, 'pkg-full/placement_finder_bg.wasm'));
console.log(`wasm (the finder's full module, pkg-full/: a council's policy pack, a whole dataset): ${fullWasm.length} bytes raw, ${br(fullWasm)} brotli`);
const core = await readFile(join(root, 'data/finder/core.bin'));
const lsDetails = await readFile(join(root, 'data/finder/details/LS.bin'));
const allDetails = await readFile(join(root, 'data/finder/details/all.bin'));
console.log(`dataset: ${dataset.length} bytes raw, ${gz(dataset)} gzip, ${br(dataset)} brotli`);
console.log(`core (finder/core.bin): ${core.length} bytes raw, ${br(core)} brotli [target <= 150 KB]; LS details ${lsDetails.length} bytes raw, ${br(lsDetails)} brotli`);

const firstVisitOnly = process.env.FIRST_VISIT_ONLY === '1';
/** @type {any} */
let table = null;
if (!firstVisitOnly) {
  // The plain-JS baseline's input, from the dashboard's module (built with the `bench` feature).
  const dash = await import(join(root, 'pkg-dashboard/placement_finder.js'));
  await dash.default({ module_or_path: await readFile(join(root, 'pkg-dashboard/placement_finder_bg.wasm')) });
  table = new dash.Finder(new Uint8Array(dataset), null).settingsTable();

  // node
  const mod = await import(join(root, 'pkg/placement_finder.js'));
  await mod.default({ module_or_path: wasm });
  const full = await import(join(root, 'pkg-full/placement_finder.js'));
  await full.default({ module_or_path: await readFile(join(root, 'pkg-full/placement_finder_bg.wasm')) });
  report('node', await measure(mod, full, new Uint8Array(dataset), () => performance.now(), table, new Uint8Array(core), new Uint8Array(allDetails)));
}

// Chromium, the page's own origin, bytes over the wire as the browser gets them.
const { chromium } = await import('playwright-core');
const server = await serve(root, { port: 0 });
const address = server.address();
const port = typeof address === 'object' && address ? address.port : 0;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  if (!firstVisitOnly) {
    // The harness evaluates the shared benchmark function in the page; the page itself keeps its CSP.
    const page = await (await browser.newContext({ bypassCSP: true })).newPage();
    /** @type {Record<string, number>} */
    const wire = {};
    page.on('response', async (res) => {
      const url = new URL(res.url());
      const len = Number((await res.allHeaders())['content-length'] ?? 0);
      wire[url.pathname] = len;
    });
    await page.goto(`http://127.0.0.1:${port}/pkg/placement_finder.js`);
    const r = await page.evaluate(async ({ src, table }) => {
      const mod = await import('/pkg/placement_finder.js');
      await mod.default();
      const full = await import('/pkg-full/placement_finder.js');
      await full.default();
      const t = performance.now();
      const bytes = new Uint8Array(await (await fetch('/data/dataset.bin')).arrayBuffer());
      const fetchMs = performance.now() - t;
      const core = new Uint8Array(await (await fetch('/data/finder/core.bin')).arrayBuffer());
      const details = new Uint8Array(await (await fetch('/data/finder/details/all.bin')).arrayBuffer());
      const fn = new Function(`return (${src})`)();
      const out = await fn(mod, full, bytes, () => performance.now(), table, core, details);
      return { ...out, fetchMs };
    }, { src: measure.toString(), table });
    report('chromium', r);
    console.log(
      `chromium over the wire (brotli from scripts/serve.mjs): wasm ${wire['/pkg/placement_finder_bg.wasm']} bytes, ` +
        `dataset ${wire['/data/dataset.bin']} bytes (fetch from localhost ${r.fetchMs.toFixed(1)} ms), core ${wire['/data/finder/core.bin']} bytes`,
    );
  }
  await firstVisits(browser);
} finally {
  await browser.close();
  server.close();
}
