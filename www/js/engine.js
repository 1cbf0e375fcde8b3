// The engine adapter: the only module that imports the wasm package. It runs inside the Web
// Worker (engine-worker.js), owns the one long-lived Finder, fetches the dataset and the postcode
// shards, and turns engine failures into errors with a stable `code` the page can act on.
//
// Privacy: the only requests made here are for the dataset (or its core, `finder/core.bin`), the
// policy pack (if a council sets one), the area index, one shard and one details file per
// postcode *area* ("LS"; for a home chosen on the map, the details file of the area nearest it),
// and the details of every setting (`finder/details/all.bin`, the same for everyone); never
// anything that carries the rest of the postcode, the child's age or needs.

import { EngineError, asEngineError, loadCode, lookupCode, messageOf, placeOf, rustCodeOf } from './engine-errors.js';
import { forgetImported, readImported, saveImported } from './saved-data.js';

/**
 * The wasm packages, each loaded once: the finder's lean module (pkg/, what a family downloads
 * for a page with the default policy pack), the finder's full module (pkg-full/: the same plus a
 * council's policy pack and a whole dataset.bin), or the dashboard's, which adds the coverage
 * engine and the importer (pkg-dashboard/; all three from the one crate, scripts/build.sh).
 * @typedef {typeof import('../pkg-dashboard/placement_finder.js')} WasmModule
 * @typedef {'finder' | 'full' | 'dashboard'} Which
 * @type {Map<Which, Promise<WasmModule>>}
 */
const modules = new Map();
/** The first module started: enough for the calls every module answers (postcodes, ages). */
let wasmModule = /** @type {Promise<WasmModule> | null} */ (null);
/** The finder's module a call before `load` starts (`load` sets it first when a page needs the full one). */
let finderModule = /** @type {'finder' | 'full'} */ ('finder');

/**
 * The wasm files, beside this module's folder (www/js/ or the bundle's www/bundle/): the page
 * fetches the finder's from its first script and hands it over (startup.js `prefetch`).
 */
export const WASM_URLS = {
  finder: new URL('../pkg/placement_finder_bg.wasm', import.meta.url).href,
  full: new URL('../pkg-full/placement_finder_bg.wasm', import.meta.url).href,
  dashboard: new URL('../pkg-dashboard/placement_finder_bg.wasm', import.meta.url).href,
};

/**
 * The JavaScript glue of a module. The finder's two modules export the same functions, so
 * wasm-bindgen writes the same glue for both: the one imported by a literal path is in the
 * bundle (scripts/build.sh), so that no request waits for it, and serves whichever finder's
 * module is loaded first; a second finder's module (the full one, after the lean one refused a
 * whole dataset) and the dashboard's are imported by a computed path, which keeps them out of the
 * finder's bundle. (The bundled glue holds one wasm instance: it is taken once the other
 * finder's module has started.)
 * @param {Which} which
 * @returns {Promise<WasmModule>}
 */
function glue(which) {
  if (which !== 'dashboard' && !modules.has(which === 'full' ? 'finder' : 'full')) {
    return /** @type {Promise<WasmModule>} */ (import('../pkg/placement_finder.js'));
  }
  const folder = which === 'dashboard' ? 'pkg-dashboard' : 'pkg-full';
  return import(/* @vite-ignore */ new URL(`../${folder}/placement_finder.js`, import.meta.url).href);
}

/**
 * Loads a wasm package once. The module is compiled while it downloads
 * (`instantiateStreaming` through the glue), from the page's early fetch if there was one.
 * @param {Which} which
 */
function init(which) {
  let started = modules.get(which);
  if (!started) {
    started = (async () => {
      const [mod, response] = await Promise.all([
        glue(which),
        handedOver(WASM_URLS[which]).then((r) => r ?? fetch(WASM_URLS[which], { credentials: 'omit', cache: 'default' })),
      ]);
      await mod.default({ module_or_path: response });
      return mod;
    })();
    modules.set(which, started);
    wasmModule ??= started;
  }
  return started;
}

// ---- Files the page fetched for the engine -----------------------------------------------------
// A dedicated worker's fetch does not use the page's preloads (index.html `<link rel=preload>`),
// and the worker starts one round trip after the page's first script. So the page fetches the
// files every first answer needs (the dataset, the finder's wasm, the postcode index) as soon as
// it starts, says so at once (`prefetching`), and hands each response's body over as it arrives
// (`prefetched`, a transferred stream). The engine's own fetch of such a URL takes it instead of
// asking the network again; a URL the page could not fetch is fetched here as usual.

/** @type {Map<string, { promise: Promise<Response | null>, resolve: (r: Response | null) => void, taken: boolean }>} */
const handed = new Map();

/**
 * The page is fetching these URLs for the engine: wait for its responses instead of fetching them.
 * @param {string[]} urls
 */
export function prefetching(urls) {
  for (const url of urls) {
    if (handed.has(url)) continue;
    /** @type {(r: Response | null) => void} */
    let resolve = () => {};
    const promise = new Promise((done) => { resolve = done; });
    handed.set(url, { promise: /** @type {Promise<Response | null>} */ (promise), resolve, taken: false });
  }
}

/**
 * The page's response for a URL it announced: status and headers, and the body as a stream
 * (transferred, so that it arrives while it downloads), or `null` when the page's fetch failed.
 * @param {string} url
 * @param {{ status: number, statusText: string, headers: [string, string][] } | null} head
 * @param {ReadableStream<Uint8Array> | null} body
 */
export function prefetched(url, head, body) {
  const entry = handed.get(url);
  if (!entry) return;
  entry.resolve(head ? new Response(body, { status: head.status, statusText: head.statusText, headers: head.headers }) : null);
}

/**
 * The page's response for `url`, once (null when there is none: fetch it).
 * @param {string} url
 * @returns {Promise<Response | null>}
 */
async function handedOver(url) {
  const entry = handed.get(url);
  if (!entry || entry.taken) return null;
  entry.taken = true; // a body is read once: a second fetch of the URL goes to the network
  return entry.promise;
}

/**
 * @typedef {import('./saved-data.js').ImportedInfo} ImportedInfo
 */

/**
 * `coreUrl` and `detailsUrl` (a folder ending in `/`): the split copy of the dataset that
 * `build-data` writes beside it (`finder/core.bin`, `finder/details/<AREA>.bin`), loaded instead
 * of the whole dataset when given (docs/data.md).
 * @typedef {{ datasetUrl: string, postcodesUrl: string, policyUrl?: string | null, coreUrl?: string | null, detailsUrl?: string | null }} LoadOptions
 */

/** @type {import('../pkg-dashboard/placement_finder.js').Finder | null} */
let finder = null;
/** @type {string} */
let postcodesUrl = '';
/** @type {Promise<AreaIndex> | null} */
let areas = null;
/** @type {Map<string, Promise<Uint8Array>>} */
const shards = new Map();
/** Every URL fetched successfully, so that the page can ask the service worker to keep them. */
const used = new Set();
/** The folder of the details files when the engine was made from the core (null: it has every detail). */
let detailsUrl = /** @type {string | null} */ (null);
/** Details files asked for, by URL: their bytes once fetched (added to the finder before the next answer). */
const details = /** @type {Map<string, Promise<Uint8Array | null>>} */ (new Map());
/** Details files added to the finder. */
const added = new Set();
/** The postcode areas looked up, whose details the engine needs once it knows where they are. */
const areasWanted = new Set();

export { EngineError };

/**
 * @param {string} url
 * @param {string} what
 */
async function fetchOk(url, what) {
  const response = (await handedOver(url)) ?? await fetch(url, { credentials: 'omit', cache: 'default' });
  if (!response.ok) throw new EngineError('load', `could not load ${what} (${url}): HTTP ${response.status}`);
  used.add(response.url || url);
  return response;
}

/** @returns {import('../pkg-dashboard/placement_finder.js').Finder} */
function ready() {
  if (!finder) throw new EngineError('notLoaded', 'the engine is not loaded yet');
  return finder;
}

/** The published dataset last fetched (a promise of its bytes), and its saved-copy date. */
let lastDataset = /** @type {{ url: string, bytes: Promise<Uint8Array> } | null} */ (null);
let lastCachedAt = /** @type {string | null} */ (null);

/**
 * Starts the engine: fetches the dataset (and a council's policy pack, if any) and builds the
 * index. Returns what the page needs to build its form and statements.
 * @param {LoadOptions} options
 */
export async function load(options) {
  postcodesUrl = options.postcodesUrl.endsWith('/') ? options.postcodesUrl : `${options.postcodesUrl}/`;
  const started = performance.now();
  /** When the service worker answered from its copy because the network failed (sw.js). */
  let cachedAt = /** @type {string | null} */ (null);
  const saved = await readImported();
  detailsUrl = saved || !options.coreUrl || !options.detailsUrl ? null
    : options.detailsUrl.endsWith('/') ? options.detailsUrl : `${options.detailsUrl}/`;
  // Areas looked up before now (a postcode typed while the engine loads): their details too.
  for (const area of areasWanted) prefetchDetails(area);
  const dataUrl = !saved && options.coreUrl ? options.coreUrl : options.datasetUrl;
  // The finder's lean module reads the core with the default policy pack; a council's pack or a
  // whole dataset (an import saved here, a deployment without the core) needs the full one.
  if (options.policyUrl || dataUrl !== options.coreUrl) finderModule = 'full';
  // Kept after a successful fetch, so that starting again without a refused policy pack does
  // not download the dataset a second time.
  if (!saved && lastDataset?.url !== dataUrl) {
    const url = dataUrl;
    // A core that cannot be fetched (a dataset.bin deployed without its finder/ folder): the whole dataset.
    const response = url === options.coreUrl
      ? fetchOk(url, 'the list of settings').catch(() => fetchOk(options.datasetUrl, 'the list of settings'))
      : fetchOk(url, 'the list of settings');
    lastDataset = {
      url,
      bytes: response.then(async (r) => {
        lastCachedAt = r.headers.get('x-pf-cached-at');
        return new Uint8Array(await r.arrayBuffer());
      }),
    };
    lastDataset.bytes.catch(() => { if (lastDataset?.url === url) lastDataset = null; });
  }
  let [mod, dataset, policy] = await Promise.all([
    init(finderModule),
    saved ? saved.bytes : /** @type {{ bytes: Promise<Uint8Array> }} */ (lastDataset).bytes.then((b) => {
      cachedAt = lastCachedAt;
      return b;
    }),
    options.policyUrl ? fetchOk(options.policyUrl, 'the council policy pack').then((r) => r.text(), (error) => {
      throw new EngineError('policy', `policy pack: ${messageOf(error)}`);
    }) : null,
  ]);
  const fetched = performance.now();
  try {
    try {
      finder = new mod.Finder(dataset, policy);
    } catch (error) {
      // The lean module and a whole dataset (the core could not be fetched): the full module.
      if (rustCodeOf(error) !== 'needsFullModule') throw error;
      finderModule = 'full';
      mod = await init('full');
      finder = new mod.Finder(dataset, policy);
    }
  } catch (error) {
    const message = messageOf(error);
    throw new EngineError(loadCode(error), saved ? `the data imported on this device: ${message}` : message);
  }
  added.clear();
  // The full module is not in the service worker's app shell (the lean one is): keep it with the data.
  if (finderModule === 'full') used.add(WASM_URLS.full);
  if (finder.hasAllDetails()) detailsUrl = null; // a whole dataset (the core could not be fetched)
  return {
    meta: finder.meta(),
    policy: finder.policy(),
    vocabulary: finder.vocabulary(),
    timing: { fetchMs: fetched - started, indexMs: performance.now() - fetched, bytes: dataset.byteLength },
    cachedAt,
    imported: saved ? infoOf(saved) : null,
  };
}

/**
 * @param {import('./saved-data.js').ImportedRecord} record
 * @returns {ImportedInfo}
 */
function infoOf(record) {
  return { files: record.files, importedAt: record.importedAt, settings: record.settings, dataVersion: record.dataVersion };
}

/**
 * Starts fetching the details of the settings near postcode area `area` ("LS"): the same area
 * letters as its postcode shard, so that nothing more leaves the device. Does nothing when the
 * engine has every detail (a whole dataset) or is not made from a core.
 * @param {string} area
 */
export function prefetchDetails(area) {
  if (!/^[A-Z]{1,2}$/.test(area)) return;
  areasWanted.add(area);
  if (detailsUrl) fetchDetails(`${detailsUrl}${area}.bin`);
}

/**
 * The bytes of a details file, fetched once (null if it could not be: a missing file is not an
 * error until an answer needs it).
 * @param {string} url
 */
function fetchDetails(url) {
  let bytes = details.get(url);
  if (!bytes) {
    bytes = fetchOk(url, 'the details of the settings')
      .then(async (r) => new Uint8Array(await r.arrayBuffer()))
      .catch(() => {
        details.delete(url);
        used.delete(url);
        return null;
      });
    details.set(url, bytes);
  }
  return bytes;
}

/** Adds every details file fetched (or on its way) to the finder. */
async function addFetchedDetails() {
  for (const [url, bytes] of [...details]) {
    if (added.has(url)) continue;
    const b = await bytes;
    if (!b || !finder || added.has(url)) continue;
    added.add(url);
    try {
      finder.addDetails(b);
    } catch (error) {
      // Not details of this data (a web page sent instead, another build): forget it.
      details.delete(url);
      used.delete(url);
      console.warn(`placement-finder: ${url} could not be read: ${messageOf(error)}`);
    }
  }
}

/**
 * Asks the finder, first adding the details fetched. If the answer needs details no file
 * fetched holds (`detailsMissing`): while no postcode has been looked up (a home chosen on the
 * map or by "use my location"), the details file of the area whose centre is nearest, if not
 * fetched already (the area's letters: what a typed postcode reveals), and asks again; then, if
 * still needed, every setting's details once (`all.bin`, the same for everyone).
 * @template T
 * @param {(f: import('../pkg-dashboard/placement_finder.js').Finder) => T} ask
 * @param {import('./types.js').Query} query
 * @returns {Promise<T>}
 */
async function answer(ask, query) {
  const f = ready();
  if (detailsUrl) await addFetchedDetails();
  try {
    return ask(f);
  } catch (error) {
    if (rustCodeOf(error) !== 'detailsMissing' || !detailsUrl) throw asEngineError(error);
    // Only while no postcode has been looked up: with one, its area's file is already here, and
    // a second area would say more about where home is than the postcode's area did.
    const area = areasWanted.size === 0 ? await nearestArea(query.home) : null;
    if (area && !details.has(`${detailsUrl}${area}.bin`)) {
      await fetchDetails(`${detailsUrl}${area}.bin`);
      await addFetchedDetails();
      try {
        return ask(f);
      } catch (again) {
        if (rustCodeOf(again) !== 'detailsMissing') throw asEngineError(again);
      }
    }
    const all = `${detailsUrl}all.bin`;
    if (!(await fetchDetails(all))) throw new EngineError('load', `could not load the details of the settings (${all})`);
    await addFetchedDetails();
    try {
      return ask(f);
    } catch (again) {
      throw asEngineError(again);
    }
  }
}

/**
 * The postcode area whose centre (`index.json`) is nearest `home`, or null (no index, an index
 * without centres, no home).
 * @param {{ lat: number, lon: number } | undefined} home
 * @returns {Promise<string | null>}
 */
async function nearestArea(home) {
  if (!home || !Number.isFinite(home.lat) || !Number.isFinite(home.lon)) return null;
  const index = await areaIndex().catch(() => null);
  if (!index) return null;
  // Degrees of longitude shortened by the latitude: enough to rank distances across England.
  const k = Math.cos((home.lat * Math.PI) / 180);
  let best = null;
  let bestD = Infinity;
  for (const c of index.centres) {
    const d = (c.lat - home.lat) ** 2 + ((c.lon - home.lon) * k) ** 2;
    if (d < bestD) {
      bestD = d;
      best = c.area;
    }
  }
  return best;
}

/** The URLs fetched so far (dataset, policy pack, postcode index and shards). */
export function usedUrls() {
  return [...used];
}

const JURISDICTIONS = /** @type {Record<string, string>} */ ({
  wales: 'Wales', scotland: 'Scotland', northernIreland: 'Northern Ireland',
  isleOfMan: 'the Isle of Man', jersey: 'Jersey', guernsey: 'Guernsey',
});

/**
 * The area index (`index.json`, the same file for everyone): which areas have a shard, and which
 * are outside England, so that such a postcode gets an answer without a revealing request; and
 * each area's centre, to pick the details file for a home chosen on the map.
 * @typedef {{ areas: Set<string>, outside: Map<string, string>, centres: { area: string, lat: number, lon: number }[] }} AreaIndex
 * @returns {Promise<AreaIndex>}
 */
function areaIndex() {
  areas ??= fetchOk(`${postcodesUrl}index.json`, 'the postcode index')
    .then((r) => r.json())
    .then((index) => {
      if (!index || !Array.isArray(index.areas)) throw new EngineError('load', 'the postcode index has no list of areas');
      /** @type {Map<string, string>} */
      const outside = new Map();
      for (const o of Array.isArray(index.outsideEngland) ? index.outsideEngland : []) {
        outside.set(String(o.area), JURISDICTIONS[o.jurisdiction] ?? 'outside England');
      }
      /** @type {{ area: string, lat: number, lon: number }[]} */
      const centres = [];
      for (const a of index.areas) {
        const lat = Number(a?.centre?.lat);
        const lon = Number(a?.centre?.lon);
        if (Number.isFinite(lat) && Number.isFinite(lon)) centres.push({ area: String(a.area), lat, lon });
      }
      return { areas: new Set(index.areas.map((/** @type {{area: string}} */ a) => String(a.area))), outside, centres };
    })
    .catch((error) => {
      areas = null; // try again next time
      throw error;
    });
  return areas;
}

/**
 * Looks a postcode up offline. Only its area letters name the file fetched.
 * @param {string} postcode
 * @returns {Promise<import('./types.js').PostcodeFix>}
 */
export async function findPostcode(postcode) {
  /** @type {string} */
  let area;
  const mod = await (wasmModule ?? init(finderModule));
  try {
    area = mod.postcodeArea(postcode);
  } catch (error) {
    throw new EngineError('malformed', messageOf(error));
  }
  if (!/^[A-Z]{1,2}$/.test(area)) throw new EngineError('malformed', `not a postcode area: ${area}`);
  const index = await areaIndex();
  const elsewhere = index.outside.get(area);
  if (elsewhere) throw new EngineError('outsideEngland', `${postcode} is in ${elsewhere}: this list covers England only`);
  if (!index.areas.has(area)) throw new EngineError('notCovered', `postcodes in the ${area} area are not in this list`);
  prefetchDetails(area);
  let shard = shards.get(area);
  if (!shard) {
    shard = fetchOk(`${postcodesUrl}${area}.bin`, `postcodes for ${area}`)
      .then((r) => r.arrayBuffer())
      .then((b) => new Uint8Array(b));
    shards.set(area, shard);
    shard.catch(() => shards.delete(area));
  }
  const bytes = await shard;
  try {
    return mod.lookupPostcode(bytes, postcode);
  } catch (error) {
    const message = messageOf(error);
    // The file is not a usable shard (a web page sent instead, cut short, another version): not
    // the postcode's fault. Forget it, so that the next search fetches it again.
    if (lookupCode(error) === 'load') {
      shards.delete(area);
      used.delete(`${postcodesUrl}${area}.bin`); // not for the service worker to keep
      throw new EngineError('load', `postcodes for ${area} could not be read: ${message}`);
    }
    // The engine placed it outside England (a unit, sector or district in Wales or Scotland, as
    // the shard records): say where, as for an area outside England. The nation comes as data
    // (`error.place`), never read out of the message.
    if (lookupCode(error) === 'outsideEngland') {
      throw new EngineError('outsideEngland', `${postcode} is in ${placeOf(error) ?? 'a nation outside England'}: this list covers England only`);
    }
    throw new EngineError('notFound', message);
  }
}

/** @param {import('./types.js').Query} query */
export function shortlist(query) {
  return answer((f) => f.shortlist(query), query);
}

/**
 * @param {import('./types.js').Query} query
 * @param {number} urn
 */
export function explain(query, urn) {
  return answer((f) => f.explain(query, urn), query);
}

/**
 * The child's age on the 31 August before the start, and the year group that follows (the
 * engine's rule; it loads the wasm module if the page asks before the dataset has loaded).
 * @param {string} dateOfBirth
 * @param {string} startDate
 */
export async function ageAt(dateOfBirth, startDate) {
  const mod = await (wasmModule ?? init(finderModule));
  try {
    return mod.ageAt(dateOfBirth, startDate);
  } catch (error) {
    throw asEngineError(error);
  }
}

/**
 * The year group a child of `age` on 31 August usually joins ("Year 3", "Post-18 (after Year 13)").
 * @param {number} age
 */
export async function yearGroup(age) {
  const mod = await (wasmModule ?? init(finderModule));
  try {
    return mod.yearGroup(age);
  } catch (error) {
    throw asEngineError(error);
  }
}

// ---- The inclusion dashboard (dashboard.html) ------------------------------------------------

/** @type {any} */
let dashboard = null;
/** The dataset the dashboard uses: what a supplement on its own applies over. */
let dashboardDataset = /** @type {Uint8Array | null} */ (null);

/**
 * @typedef {{ datasetUrl: string, boundariesUrl: string, sectorsUrl: string }} DashboardOptions
 * @typedef {import('../../bindings/Filter').Filter} CoverageFilter
 * @typedef {import('../../bindings/View').View} MapView
 */

/**
 * Starts the coverage engine: the dataset, council boundaries (the 1 km grid of England is
 * rasterised from them) and postcode sectors.
 * @param {DashboardOptions} options
 */
export async function loadDashboard(options) {
  const started = performance.now();
  const saved = await readImported();
  const [mod, dataset, boundaries, sectors] = await Promise.all([
    init('dashboard'),
    saved ? saved.bytes : fetchOk(options.datasetUrl, 'the list of settings').then(async (r) => new Uint8Array(await r.arrayBuffer())),
    fetchOk(options.boundariesUrl, 'the council boundaries').then((r) => r.text()),
    fetchOk(options.sectorsUrl, 'the postcode sectors').then((r) => r.text()),
  ]);
  const fetched = performance.now();
  try {
    dashboard = new mod.Dashboard(dataset, boundaries, sectors);
  } catch (error) {
    throw new EngineError('load', saved ? `the data imported on this device: ${messageOf(error)}` : messageOf(error));
  }
  dashboardDataset = dataset;
  return {
    councils: /** @type {[number, string][]} */ (dashboard.councils()),
    vocabulary: /** @type {import('./types.js').Vocabulary} */ (dashboard.vocabulary()),
    timing: { fetchMs: fetched - started, gridMs: performance.now() - fetched },
    imported: saved ? infoOf(saved) : null,
  };
}

/**
 * Distances for a filter, and the report for one council (`la`) or England (`null`).
 * @param {CoverageFilter} filter
 * @param {number | null} la
 */
export function coverage(filter, la) {
  if (!dashboard) throw new EngineError('notLoaded', 'the coverage engine is not loaded yet');
  const started = performance.now();
  try {
    const report = dashboard.run(filter, la ?? undefined);
    return { ...report, timing: { runMs: performance.now() - started } };
  } catch (error) {
    throw new EngineError('query', messageOf(error));
  }
}

/**
 * The last coverage as a PNG data URL for a map view (drawn here, off the main thread: RGBA
 * pixels from wasm onto an OffscreenCanvas).
 * @param {number | null} la
 * @param {MapView} view
 * @returns {Promise<string>}
 */
export async function coverageOverlay(la, view) {
  if (!dashboard) throw new EngineError('notLoaded', 'the coverage engine is not loaded yet');
  /** @type {Uint8Array} */
  let pixels;
  try {
    pixels = dashboard.overlay(la ?? undefined, view);
  } catch (error) {
    throw new EngineError('query', messageOf(error));
  }
  const canvas = new OffscreenCanvas(view.width, view.height);
  const context = /** @type {OffscreenCanvasRenderingContext2D} */ (canvas.getContext('2d'));
  const rgba = new Uint8ClampedArray(new ArrayBuffer(pixels.byteLength));
  rgba.set(pixels);
  context.putImageData(new ImageData(rgba, view.width, view.height), 0, 0);
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(new EngineError('query', 'could not draw the map'));
    reader.readAsDataURL(blob);
  });
}

// ---- Use your own data (dashboard.html) ------------------------------------------------------

/** GIAS rows read between progress reports. */
const ROWS_PER_STEP = 4000;

/**
 * @typedef {{ stage: 'checking' | 'reading' | 'rows' | 'building' | 'saving', file?: string, fraction?: number, rows?: number }} ImportProgress
 * @typedef {import('../../bindings/RebuildSummary').RebuildSummary} RebuildSummary
 */

/** Today on this device, `YYYY-MM-DD`. */
function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * Rebuilds the dataset on this device from a council's own files (a GIAS "all establishment
 * data" CSV and/or a council supplement), switches the dashboard to it and keeps it (IndexedDB)
 * for the finder and the dashboard on this device. The files are read here and never sent.
 * @param {File[]} files
 * @param {{ kitUrl: string }} options
 * @param {(progress: ImportProgress) => void} progress called as the import goes (across the worker too)
 * @returns {Promise<{ summary: RebuildSummary, imported: ImportedInfo, councils: [number, string][] | null, timing: { ms: number } }>}
 */
export async function importFiles(files, options, progress) {
  const started = performance.now();
  const { Importer } = await init('dashboard');
  if (!files.length) throw new EngineError('query', 'choose a GIAS establishment CSV or a council supplement first');
  progress({ stage: 'checking' });
  /** @param {unknown} error */
  const fail = (error) => new EngineError('query', messageOf(error));
  // The size cap first, before a byte is read: a 500 MB file fails at once.
  for (const file of files) {
    try {
      Importer.checkSize(file.name, file.size);
    } catch (error) {
      throw fail(error);
    }
  }
  const kit = await fetchOk(options.kitUrl, 'the rebuild kit').then((r) => r.text());
  /** @type {import('../pkg-dashboard/placement_finder.js').Importer | null} */
  let importer = null;
  try {
    importer = new Importer(kit, today());
    for (const file of files) {
      progress({ stage: 'reading', file: file.name });
      importer.addFile(file.name, new Uint8Array(await file.arrayBuffer()));
    }
    for (let fraction = 0; fraction < 1;) {
      fraction = importer.step(ROWS_PER_STEP);
      progress({ stage: 'rows', fraction, rows: importer.rowsRead() });
    }
    progress({ stage: 'building' });
    const summary = /** @type {RebuildSummary} */ (importer.finish(dashboardDataset));
    const bytes = importer.datasetBytes();
    /** @type {[number, string][] | null} */
    let councils = null;
    if (dashboard) {
      // The grid and the sectors stay as they are: only the settings change.
      dashboard.setDataset(bytes);
      dashboardDataset = bytes;
      councils = dashboard.councils();
    }
    progress({ stage: 'saving' });
    const record = { bytes, files: files.map((f) => f.name), importedAt: new Date().toISOString(), settings: summary.settings, dataVersion: summary.dataVersion };
    await saveImported(record);
    return { summary, imported: infoOf(record), councils, timing: { ms: performance.now() - started } };
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw fail(error);
  } finally {
    importer?.free();
  }
}

/** Forgets the imported data; the page reloads to use the published data. */
export async function forgetImportedData() {
  await forgetImported();
}
