// The coverage engine in wasm (node's V8, the engine Chromium uses): grid set-up, distances for
// England's 1 km cells and every postcode sector, and the whole dashboard report, for a sparse
// and a dense filter. Run after scripts/build.sh:   node scripts/bench-coverage.mjs
//
// Not a timed test: it measures and prints (medians of 7 runs).

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const www = join(dirname(fileURLToPath(import.meta.url)), '..', 'www');
const mod = await import(process.env.PF_PKG ? join(process.env.PF_PKG, 'placement_finder.js') : join(www, 'pkg/placement_finder.js'));
mod.initSync({ module: await readFile(process.env.PF_PKG ? join(process.env.PF_PKG, 'placement_finder_bg.wasm') : join(www, 'pkg/placement_finder_bg.wasm')) });

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
  console.log(`  ${name} (${suitable} settings):`);
  console.log(`    distances, England 1 km cells + all postcode sectors: ${distances.toFixed(1)} ms`);
  console.log(`    whole report (tables, CSV, JSON to JS): England ${england.toFixed(0)} ms, Leeds ${leeds.toFixed(0)} ms`);
  console.log(`    heat-map pixels 1024×1400: ${overlay.toFixed(0)} ms`);
}
