// The coverage engine in wasm (node's V8, the engine Chromium uses): grid set-up, distances for
// England's 1 km cells and every postcode sector, and the whole dashboard report, for a sparse
// and a dense filter — beside a plain-JavaScript version of the same algorithm (row sweep over
// the National Grid, then the exact banded search on the sphere) on the same inputs,
// in the same run, checked to give the same distances. Run after scripts/build.sh:
//   node scripts/bench-coverage.mjs
//
// Not a timed test: it measures and prints (medians of 7 runs).

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const www = join(dirname(fileURLToPath(import.meta.url)), '..', 'www');
const mod = await import(process.env.PF_PKG ? join(process.env.PF_PKG, 'placement_finder.js') : join(www, 'pkg-dashboard/placement_finder.js'));
mod.initSync({ module: await readFile(process.env.PF_PKG ? join(process.env.PF_PKG, 'placement_finder_bg.wasm') : join(www, 'pkg-dashboard/placement_finder_bg.wasm')) });

const [dataset, boundaries, sectors] = await Promise.all([
  readFile(join(www, 'data/dataset.bin')),
  readFile(join(www, 'data/boundaries.geojson'), 'utf8'),
  readFile(join(www, 'data/sectors.csv'), 'utf8'),
]);

/** @param {() => unknown} run */
function median(run) {
  const times = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[3];
}

const MEAN_RADIUS_M = 6_371_008.8;

/** `2 asin(c / 2)` for a squared chord, with the engine's series below 600 km. */
function chord2ToAngle(c2) {
  const x = Math.sqrt(c2) / 2;
  if (x < 0.05) {
    const x2 = x * x;
    return 2 * x * (1 + x2 * (1 / 6 + x2 * (3 / 40 + x2 * (5 / 112))));
  }
  return 2 * Math.asin(Math.min(x, 1));
}

/**
 * The same algorithm as src/dashboard/coverage.rs, in plain JavaScript: latitude bands of suitable
 * settings sorted by longitude, as unit vectors (exact nearest on the sphere) and the row sweep with lower envelopes
 * of parabolas for a first guess per cell. Returns functions that time the two halves.
 * @param {any} inp `Dashboard.plainInputs(filter)`
 */
function plainEngine(inp) {
  const n = inp.siteId.length;
  const maxId = n ? Math.max(...inp.siteId) : 0;
  // The strip: latitude bands (height from the density), each sorted by longitude (then id).
  const rad = (/** @type {number} */ d) => (d * Math.PI) / 180;
  let south = Infinity, north = -Infinity;
  for (const l of inp.siteLat) { south = Math.min(south, l); north = Math.max(north, l); }
  const span = rad(north - south);
  const bandRad = Number.isFinite(span) ? Math.min(Math.max((span * 12) / n, 0.0002), 0.01) : 0.01;
  const bandOf = (/** @type {number} */ i) => Math.floor(rad(inp.siteLat[i]) / bandRad);
  const order = Array.from({ length: n }, (_, i) => i)
    .sort((a, b) => bandOf(a) - bandOf(b) || inp.siteLon[a] - inp.siteLon[b] || inp.siteId[a] - inp.siteId[b]);
  const firstBand = n ? bandOf(order[0]) : 0;
  const bands = n ? bandOf(order[n - 1]) - firstBand + 1 : 0;
  const bandStart = new Uint32Array(bands + 1);
  for (const i of order) bandStart[bandOf(i) - firstBand + 1]++;
  for (let b = 0; b < bands; b++) bandStart[b + 1] += bandStart[b];
  const sLon = new Float64Array(n), sx = new Float64Array(n), sy = new Float64Array(n), sz = new Float64Array(n);
  const sId = new Uint32Array(n);
  const position = new Int32Array(maxId + 1).fill(-1);
  order.forEach((i, k) => {
    const lat = rad(inp.siteLat[i]), lon = rad(inp.siteLon[i]);
    sLon[k] = lon; sx[k] = Math.cos(lat) * Math.cos(lon); sy[k] = Math.cos(lat) * Math.sin(lon); sz[k] = Math.sin(lat);
    sId[k] = inp.siteId[i]; position[inp.siteId[i]] = k;
  });
  const unitOf = (/** @type {number[]} */ lats, /** @type {number[]} */ lons) => {
    const m = lats.length, x = new Float64Array(m), y = new Float64Array(m), z = new Float64Array(m), la = new Float64Array(m), lo = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const lat = rad(lats[i]), lon = rad(lons[i]);
      la[i] = lat; lo[i] = lon; x[i] = Math.cos(lat) * Math.cos(lon); y[i] = Math.cos(lat) * Math.sin(lon); z[i] = Math.sin(lat);
    }
    return { x, y, z, la, lo };
  };
  const cells = unitOf(inp.cellLat, inp.cellLon);
  const points = unitOf(inp.pointLat, inp.pointLon);
  let bestId = -1, best2 = Infinity, bestAngle = Infinity;
  let qx = 0, qy = 0, qz = 0, qlon = 0, cos2 = 0;
  const offer = (/** @type {number} */ k) => {
    const d2 = (sx[k] - qx) ** 2 + (sy[k] - qy) ** 2 + (sz[k] - qz) ** 2;
    if (d2 < best2 || (d2 === best2 && sId[k] < bestId)) { best2 = d2; bestId = sId[k]; bestAngle = chord2ToAngle(d2) + 1e-12; }
  };
  const beyond = (/** @type {number} */ k) => {
    const dl = Math.abs(sLon[k] - qlon);
    const s = dl - (dl * dl * dl) / 6;
    const lower = dl < Math.PI / 2 ? cos2 * s * s : cos2;
    return lower > best2 * (1 + 1e-9) + 1e-300;
  };
  const scanBand = (/** @type {number} */ b) => {
    const start = bandStart[b], end = bandStart[b + 1];
    let lo = start, hi = end;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (sLon[mid] < qlon) lo = mid + 1; else hi = mid; }
    for (let k = lo; k < end && !beyond(k); k++) offer(k);
    for (let k = lo - 1; k >= start && !beyond(k); k--) offer(k);
  };
  /** Nearest suitable setting to a unit vector (ties to the lowest id); sets bestId/best2. */
  function nearest(x, y, z, lat, lon, guess) {
    best2 = Infinity; bestId = -1; bestAngle = Infinity;
    qx = x; qy = y; qz = z; qlon = lon; cos2 = Math.cos(lat) ** 2;
    if (!bands) return;
    if (guess >= 0 && position[guess] >= 0) offer(position[guess]);
    const own = Math.min(Math.max(Math.floor(lat / bandRad) - firstBand, 0), bands - 1);
    const bandSouth = (/** @type {number} */ b) => (firstBand + b) * bandRad;
    scanBand(own);
    let up = own + 1, down = own;
    for (;;) {
      const northGap = up < bands ? bandSouth(up) - lat : Infinity;
      const southGap = down > 0 ? lat - bandSouth(down) : Infinity;
      const goNorth = northGap <= bestAngle, goSouth = southGap <= bestAngle;
      if (!goNorth && !goSouth) break;
      if (goNorth && (!goSouth || northGap <= southGap)) scanBand(up++);
      else scanBand(--down);
    }
  }
  // Settings by northing (then id) for the sweep.
  const byN = Array.from({ length: n }, (_, i) => i).sort((a, b) => inp.siteN[a] - inp.siteN[b] || inp.siteId[a] - inp.siteId[b]);
  const nN = Float64Array.from(byN, (i) => inp.siteN[i]), nE = Float64Array.from(byN, (i) => inp.siteE[i]);
  const nId = Uint32Array.from(byN, (i) => inp.siteId[i]);
  const partition = (/** @type {(v: number) => boolean} */ before) => {
    let lo = 0, hi = n;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (before(nN[mid])) lo = mid + 1; else hi = mid; }
    return lo;
  };

  function cellDistances() {
    const total = inp.cellCol.length;
    const dist = new Float32Array(total).fill(Infinity);
    if (!n) return dist;
    const cellM = inp.cellM;
    let reach = 4 * cellM;
    /** @type {number[]} */ let bandE = [], bandH = [], bandId = [], hull = [], from = [];
    const guessId = new Int32Array(4096);
    const guessSecond = new Float64Array(4096);
    for (let row = 0; row < inp.rows; row++) {
      const a = inp.rowStart[row], b = inp.rowStart[row + 1];
      if (a === b) continue;
      const y = inp.originN + (row + 0.5) * cellM;
      for (;;) {
        const lo = partition((v) => v < y - reach), hi = partition((v) => v <= y + reach);
        if (lo === hi) { reach *= 2; continue; }
        const band = [];
        for (let k = lo; k < hi; k++) band.push(k);
        band.sort((p, q) => nE[p] - nE[q] || nId[p] - nId[q]);
        bandE = band.map((k) => nE[k]); bandH = band.map((k) => (y - nN[k]) * (y - nN[k]) + nE[k] * nE[k]); bandId = band.map((k) => nId[k]);
        // Lower envelope of the parabolas x² − 2ex + h, then the envelope of the rest.
        const envelope = (/** @type {number[]} */ E, /** @type {number[]} */ H) => {
          /** @type {number[]} */ const hl = [], fr = [];
          for (let k = 0; k < E.length; k++) {
            for (;;) {
              if (!hl.length) { hl.push(k); fr.push(-Infinity); break; }
              const top = hl[hl.length - 1];
              if (E[k] === E[top]) {
                if (H[k] < H[top]) { hl.pop(); fr.pop(); continue; }
                break;
              }
              const x = (H[k] - H[top]) / (2 * (E[k] - E[top]));
              if (x <= fr[fr.length - 1]) { hl.pop(); fr.pop(); continue; }
              hl.push(k); fr.push(x); break;
            }
          }
          return { hl, fr };
        };
        ({ hl: hull, fr: from } = envelope(bandE, bandH));
        const onHull = new Uint8Array(bandE.length);
        for (const k of hull) onHull[k] = 1;
        const restE = bandE.filter((_, k) => !onHull[k]), restH = bandH.filter((_, k) => !onHull[k]);
        const { hl: hull2, fr: from2 } = envelope(restE, restH);
        let farthest2 = 0, j = 0, j2 = 0;
        for (let c = a; c < b; c++) {
          const x = inp.originE + (inp.cellCol[c] + 0.5) * cellM;
          while (j + 1 < hull.length && from[j + 1] <= x) j++;
          const k = hull[j];
          const d2 = x * x - 2 * bandE[k] * x + bandH[k];
          if (d2 > farthest2) farthest2 = d2;
          guessId[c - a] = bandId[k];
          let second2 = reach * reach;
          if (j > 0) second2 = Math.min(second2, x * x - 2 * bandE[hull[j - 1]] * x + bandH[hull[j - 1]]);
          if (j + 1 < hull.length) second2 = Math.min(second2, x * x - 2 * bandE[hull[j + 1]] * x + bandH[hull[j + 1]]);
          if (hull2.length) {
            while (j2 + 1 < hull2.length && from2[j2 + 1] <= x) j2++;
            second2 = Math.min(second2, x * x - 2 * restE[hull2[j2]] * x + restH[hull2[j2]]);
          }
          guessSecond[c - a] = second2;
        }
        const farthest = Math.sqrt(Math.max(farthest2, 0));
        if (farthest <= reach || (lo === 0 && hi === n)) { reach = farthest + 2 * cellM; break; }
        reach = farthest * (1 + 1e-9) + 1;
      }
      for (let c = a; c < b; c++) {
        // Certain when every other setting is farther on the grid than 1.01 × the guess on the sphere.
        const k = position[guessId[c - a]];
        const g2 = (sx[k] - cells.x[c]) ** 2 + (sy[k] - cells.y[c]) ** 2 + (sz[k] - cells.z[c]) ** 2;
        if (Math.sqrt(guessSecond[c - a]) > 1.01 * chord2ToAngle(g2) * MEAN_RADIUS_M + 1) {
          dist[c] = chord2ToAngle(g2) * MEAN_RADIUS_M;
          continue;
        }
        nearest(cells.x[c], cells.y[c], cells.z[c], cells.la[c], cells.lo[c], guessId[c - a]);
        if (bestId >= 0) dist[c] = chord2ToAngle(best2) * MEAN_RADIUS_M;
      }
    }
    return dist;
  }

  function pointDistances() {
    const m = points.x.length;
    const dist = new Float32Array(m).fill(Infinity);
    for (let i = 0; i < m; i++) {
      nearest(points.x[i], points.y[i], points.z[i], points.la[i], points.lo[i], -1);
      if (bestId >= 0) dist[i] = chord2ToAngle(best2) * MEAN_RADIUS_M;
    }
    return dist;
  }
  return { cellDistances, pointDistances };
}

/**
 * Largest difference between two distance arrays, in metres.
 * @param {ArrayLike<number>} a
 * @param {ArrayLike<number>} b
 */
function maxDiff(a, b) {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

let t = performance.now();
const dashboard = new mod.Dashboard(new Uint8Array(dataset), boundaries, sectors);
console.log(`wasm coverage (node ${process.version}): set-up (decode, 1 km grid of England, sectors) ${(performance.now() - t).toFixed(0)} ms`);

const filters = {
  'sparse: ASD, special/unit/resourced, age 8': { needs: ['ASD'], kinds: ['special', 'senUnit', 'resourcedProvision'], age: 8 },
  'dense: every kind, any need': { needs: [], kinds: [], age: null },
};
for (const [name, filter] of Object.entries(filters)) {
  const suitable = dashboard.distancesOnly(filter);
  const distances = median(() => dashboard.distancesOnly(filter));
  const england = median(() => dashboard.run(filter, undefined));
  const leeds = median(() => dashboard.run(filter, 383));
  t = performance.now();
  dashboard.overlay(undefined, { south: 49.8, west: -6.5, north: 55.9, east: 1.9, width: 1024, height: 1400 });
  const overlay = performance.now() - t;
  const cellsWasm = median(() => dashboard.cellDistances(filter));
  const sectorsWasm = median(() => dashboard.pointDistances(filter));
  const plain = plainEngine(dashboard.plainInputs(filter));
  const cellsJs = median(() => plain.cellDistances());
  const sectorsJs = median(() => plain.pointDistances());
  const cellDiff = maxDiff(dashboard.cellDistances(filter), plain.cellDistances());
  const sectorDiff = maxDiff(dashboard.pointDistances(filter), plain.pointDistances());
  console.log(`  ${name} (${suitable} settings):`);
  console.log(`    England 1 km cells (${dashboard.cellDistances(filter).length}): wasm ${cellsWasm.toFixed(1)} ms, plain JS ${cellsJs.toFixed(1)} ms ` +
    `(target ≤ 10 ms wasm; largest difference ${cellDiff} m)`);
  console.log(`    every postcode sector (${dashboard.pointDistances(filter).length}): wasm ${sectorsWasm.toFixed(1)} ms, plain JS ${sectorsJs.toFixed(1)} ms ` +
    `(target ≤ 50 ms; largest difference ${sectorDiff} m)`);
  console.log(`    distances, England 1 km cells + all postcode sectors: ${distances.toFixed(1)} ms`);
  console.log(`    whole report (tables, CSV, JSON to JS): England ${england.toFixed(0)} ms, Leeds ${leeds.toFixed(0)} ms`);
  console.log(`    heat-map pixels 1024×1400: ${overlay.toFixed(0)} ms`);
}
