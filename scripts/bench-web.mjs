// The page's benchmark, in node and in Chromium: cold start (dataset bytes → index ready),
// shortlist latency (median and p95 over 1,000 seeded queries), a plain-JavaScript per-need
// scan on the same data for comparison, wasm size (raw, gzip, brotli) and dataset bytes over
// the wire. Run after scripts/build.sh:   node scripts/bench-web.mjs
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
 * @param {any} mod the wasm-bindgen module (already initialised)
 * @param {Uint8Array} dataset
 * @param {() => number} now
 * @param {any} table the settings as parallel arrays (`Finder.settingsTable`, in the dashboard's
 *   module only: the `bench` feature), for the plain-JS baseline
 */
async function measure(mod, dataset, now, table) {
  const t0 = now();
  const finder = new mod.Finder(dataset, null);
  const coldMs = now() - t0;

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
    `${where}: cold start ${r.coldMs.toFixed(1)} ms after the bytes arrive [target <= 20 ms]; ` +
      `shortlist (top 20 with explanations, ${r.resultsPerQuery.toFixed(1)} results each) median ${r.medianUs.toFixed(1)} us, p95 ${r.p95Us.toFixed(1)} us [target median <= 5 us]; ` +
      `plain-JS per-need scan (20 nearest by age, no scoring) median ${r.jsMedianUs.toFixed(1)} us, p95 ${r.jsP95Us.toFixed(1)} us`,
  );
}

const wasm = await readFile(join(root, 'pkg/placement_finder_bg.wasm'));
const dataset = await readFile(join(root, 'data/dataset.bin'));
console.log(`wasm: ${wasm.length} bytes raw, ${gz(wasm)} gzip, ${br(wasm)} brotli [target <= 60 KB brotli]`);
console.log(`dataset: ${dataset.length} bytes raw, ${gz(dataset)} gzip, ${br(dataset)} brotli`);

// The plain-JS baseline's input, from the dashboard's module (built with the `bench` feature).
const dash = await import(join(root, 'pkg-dashboard/placement_finder.js'));
await dash.default({ module_or_path: await readFile(join(root, 'pkg-dashboard/placement_finder_bg.wasm')) });
const table = new dash.Finder(new Uint8Array(dataset), null).settingsTable();

// node
const mod = await import(join(root, 'pkg/placement_finder.js'));
await mod.default({ module_or_path: wasm });
report('node', await measure(mod, new Uint8Array(dataset), () => performance.now(), table));

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
    const t = performance.now();
    const bytes = new Uint8Array(await (await fetch('/data/dataset.bin')).arrayBuffer());
    const fetchMs = performance.now() - t;
    const fn = new Function(`return (${src})`)();
    const out = await fn(mod, bytes, () => performance.now(), table);
    return { ...out, fetchMs };
  }, { src: measure.toString(), table });
  report('chromium', r);
  console.log(
    `chromium over the wire (brotli from scripts/serve.mjs): wasm ${wire['/pkg/placement_finder_bg.wasm']} bytes, ` +
      `dataset ${wire['/data/dataset.bin']} bytes (fetch from localhost ${r.fetchMs.toFixed(1)} ms)`,
  );
} finally {
  await browser.close();
  server.close();
}
