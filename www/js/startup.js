// Starting the page: the engine loads the dataset, postcodes and the council's policy pack (in
// its Web Worker); the page says when the list is a saved copy (offline) or data imported on this
// device, and asks the service worker to keep the files used for offline use. A policy pack the
// engine refuses does not stop the page; a dataset it cannot read does, with a message.

import { byId } from './dom.js';
import { dateText } from './format.js';
import { remember } from './offline.js';

/**
 * @typedef {import('./engine-client.js').RemoteEngine} RemoteEngine
 * @typedef {import('./engine-client.js').Loaded} Loaded
 */

/**
 * A path from the page's `data-*` settings as an absolute URL (the worker fetches it).
 * @param {string} path
 */
export function absolute(path) {
  return new URL(path, document.baseURI).href;
}

/**
 * The split copy of a dataset (docs/data.md) that `build-data` writes beside `dataset.bin`: the
 * core every answer needs (`finder/core.bin`) and the details per postcode area
 * (`finder/details/`). Null for a dataset file of another name (loaded whole).
 * @param {string} datasetUrl absolute
 * @returns {{ core: string, details: string } | null}
 */
export function finderFiles(datasetUrl) {
  const url = new URL(datasetUrl);
  if (!url.pathname.endsWith('/dataset.bin') || url.search) return null;
  return { core: new URL('finder/core.bin', url).href, details: new URL('finder/details/', url).href };
}

/** The file the engine starts from: the core of the split copy, else the whole dataset. */
function startFile(/** @type {HTMLElement} */ app) {
  const dataset = absolute(app.dataset.dataset || 'data/dataset.bin');
  return finderFiles(dataset)?.core ?? dataset;
}

/**
 * The finder's wasm module the engine will load, as engine.js `WASM_URLS` finds it (the modules
 * sit one folder below www/): the lean one (pkg/) for the core with the default policy pack, the
 * full one (pkg-full/) when the page sets a council's pack (`data-policy`) or starts from a
 * whole dataset. (Data imported on this device also needs the full one: the engine fetches it then.)
 * @param {HTMLElement} app
 */
function finderWasm(app) {
  const full = Boolean(app.dataset.policy) || !finderFiles(absolute(app.dataset.dataset || 'data/dataset.bin'));
  return new URL(full ? '../pkg-full/placement_finder_bg.wasm' : '../pkg/placement_finder_bg.wasm', import.meta.url).href;
}

/**
 * The files every first answer needs, fetched from the page's first script (and named in
 * index.html's `<link rel="preload">`, which these fetches take up): the dataset, the finder's
 * wasm and the postcode area index. Each is handed to the engine's worker as it arrives (engine.js
 * `prefetched`), so that nothing waits for the worker to start, and nothing is fetched twice.
 * Only files that are the same for everyone. Returns what prepares a postcode area's files.
 * @param {RemoteEngine} engine
 * @param {HTMLElement} app
 */
export function prefetch(engine, app) {
  const folder = absolute(postcodesFolder(app));
  const index = `${folder}index.json`;
  const wasm = finderWasm(app);
  const preloaded = [...document.querySelectorAll('link[rel="preload"]')].map((l) => /** @type {HTMLLinkElement} */ (l).href);
  if (preloaded.some((href) => /\/pkg(-full)?\/placement_finder_bg\.wasm$/.test(href)) && !preloaded.includes(wasm)) {
    console.info(`placement-finder: this page preloads a finder wasm module it does not use; it uses ${wasm} (docs/embedding.md, "Your own data and policy pack")`);
  }
  engine.prefetching([startFile(app), wasm, index]);
  handOver(engine, startFile(app));
  handOver(engine, wasm);
  const areas = handOver(engine, index, true)
    .then((r) => (r?.ok ? r.json() : null))
    .then((json) => (json && Array.isArray(json.areas) ? AreaFiles.listed(json) : null), () => null);
  return new AreaFiles(engine, folder, areas, finderFiles(absolute(app.dataset.dataset || 'data/dataset.bin'))?.details ?? null);
}

/**
 * Fetches `url` on the page and hands the response to the engine (announced with `prefetching`
 * first). With `keep`, resolves to a copy for the page too.
 * @param {RemoteEngine} engine
 * @param {string} url
 * @param {boolean} [keep]
 * @returns {Promise<Response | null>}
 */
function handOver(engine, url, keep = false) {
  return fetch(url).then((r) => {
    const mine = keep ? r.clone() : null;
    engine.prefetched(url, { status: r.status, statusText: r.statusText, headers: [...r.headers] }, r.body);
    return mine;
  }, () => {
    engine.prefetched(url, null, null);
    return null;
  });
}

/** What a person has typed so far, once its area is certain: letters, then a digit ("LS6", "LS6 2A", "E1 6AN"). */
const AREA_KNOWN = /^([A-Z]{1,2})[0-9][A-Z0-9]?(?:[0-9][A-Z]{0,2})?$/;

/**
 * "The area is known now": the one place that acts on it. As the postcode field changes (and at
 * start, with what it holds), once the text starts with a complete outward code, the files of
 * its AREA ("LS": the postcode shard) start downloading, handed to the engine like the rest, so
 * that the search after submit waits for none of them. Only the area letters ever name a file,
 * as for a search; only areas the index lists in England are asked for (as engine.js
 * `findPostcode` does); the district, the rest of the postcode and nothing else typed leave the
 * device. The area's details file (`finder/details/<AREA>.bin`: the names and the rest of the
 * settings near it) is fetched the same way, named by the same letters.
 */
export class AreaFiles {
  /**
   * @param {RemoteEngine} engine
   * @param {string} folder the postcode files' folder, absolute, ending in `/`
   * @param {Promise<Set<string> | null>} areas the areas the index lists in England (null: no index)
   * @param {string | null} [details] the details files' folder, absolute, ending in `/` (null: none)
   */
  constructor(engine, folder, areas, details = null) {
    this.engine = engine;
    this.folder = folder;
    this.areas = areas;
    this.details = details;
    /** @type {Set<string>} */
    this.asked = new Set();
  }

  /**
   * The areas with a shard, less those outside England, from the index (`index.json`).
   * @param {{ areas: {area: string}[], outsideEngland?: {area: string}[] }} index
   */
  static listed(index) {
    const outside = new Set((Array.isArray(index.outsideEngland) ? index.outsideEngland : []).map((o) => String(o.area)));
    return new Set(index.areas.map((a) => String(a.area)).filter((a) => !outside.has(a)));
  }

  /**
   * The postcode field holds `text`: prepares its area's files once the area is certain.
   * @param {string} text
   * @returns {Promise<string | null>} the area whose files are on their way, if any
   */
  async prepare(text) {
    const area = AREA_KNOWN.exec(String(text).toUpperCase().replace(/[\s\u00a0]+/g, ''))?.[1];
    if (!area || this.asked.has(area)) return null;
    this.asked.add(area);
    const files = [`${this.folder}${area}.bin`];
    if (this.details) files.push(`${this.details}${area}.bin`);
    // Said at once, so that a search made meanwhile waits for these fetches rather than making its own.
    this.engine.prefetching(files);
    const areas = await this.areas;
    if (!areas?.has(area)) {
      for (const file of files) this.engine.prefetched(file, null, null);
      return null;
    }
    await Promise.all(files.map((file) => handOver(this.engine, file)));
    return area;
  }
}

/**
 * The folder of postcode files (`data-postcodes`), ending in `/`.
 * @param {HTMLElement} app
 */
export function postcodesFolder(app) {
  const folder = app.dataset.postcodes || 'data/postcodes/';
  return folder.endsWith('/') ? folder : `${folder}/`;
}

/**
 * Starts the engine with the page's settings (`data-dataset`, `data-postcodes`, `data-policy` on
 * `app`) and calls `onLoaded` once it has loaded (`onFailed` if it cannot: a search asked for
 * meanwhile will not run). A council policy pack the engine refuses
 * (unknown field, bad weight, not JSON, not found...) does not stop the page: it starts again
 * with the illustrative default pack and says so, naming the problem for the council's web team.
 * @param {RemoteEngine} engine
 * @param {HTMLElement} app
 * @param {{ onLoaded: (loaded: Loaded) => void, setStatus: (text: string) => void, onFailed?: () => void }} hooks
 * @param {string | null} [policyUrl] defaults to `data-policy`
 */
export function startEngine(engine, app, hooks, policyUrl = app.dataset.policy ? absolute(app.dataset.policy) : null) {
  const datasetUrl = absolute(app.dataset.dataset || 'data/dataset.bin');
  const split = finderFiles(datasetUrl);
  engine.load({
    datasetUrl,
    coreUrl: split?.core ?? null,
    detailsUrl: split?.details ?? null,
    postcodesUrl: absolute(postcodesFolder(app)),
    policyUrl,
  }).then(hooks.onLoaded, (error) => {
    const { code = '', message = '' } = /** @type {{code?: string, message?: string}} */ (error);
    if (code === 'policy' && policyUrl) {
      console.warn(`placement-finder: the policy pack ${policyUrl} was refused, so the illustrative default is used: ${message}`);
      const box = byId('pf-policy-error');
      box.textContent = 'This council’s own rules for levels of need could not be used, so the levels of need and the list ' +
        `follow an illustrative example instead, which may not match how your council decides. (${message})`;
      box.hidden = false;
      startEngine(engine, app, hooks, null);
      return;
    }
    const box = byId('pf-load-error');
    box.textContent = code === 'version'
      ? 'The list of settings is a different version from the one this page reads, so this page cannot search. ' +
        `This can happen while the site is being updated: please reload the page in a few minutes. (${message})`
      : `The list of settings could not be loaded, so this page cannot search. Please try again later. (${message})`;
    box.hidden = false;
    hooks.setStatus('');
    app.dataset.ready = 'error';
    hooks.onFailed?.();
  });
}

/**
 * Asks the service worker to keep what the engine has fetched (and the map's boundaries), for
 * use offline; counts the times it did in `data-offline-saved` (used by the tests).
 * @param {RemoteEngine} engine
 * @param {HTMLElement} app
 * @param {Loaded | null} loaded
 */
export function keepForOffline(engine, app, loaded) {
  if (!loaded) return;
  const version = loaded.meta.dataVersion;
  const boundaries = byId('pf-map').dataset.boundaries;
  engine.usedUrls().then((urls) => remember(boundaries ? [...urls, absolute(boundaries)] : urls, version)).then(() => {
    app.dataset.offlineSaved = String(Number(app.dataset.offlineSaved ?? 0) + 1);
  }, () => { /* offline use is a bonus: the page works without it */ });
}

/**
 * The notices for where the list of settings came from: the copy saved on this device (the
 * network failed), or data a council officer imported on this device (dashboard "Use your own
 * data"), which its "forget" button drops.
 * @param {Loaded} loaded
 */
export function showDataSource(loaded) {
  if (loaded.cachedAt) {
    const box = byId('pf-offline-notice');
    box.textContent = `You seem to be offline, so this is the copy of the list of settings saved on this device on ${dateText(loaded.cachedAt)}. ` +
      `It was built on ${dateText(loaded.meta.buildDate)} (data version ${loaded.meta.dataVersion}).`;
    box.hidden = false;
  }
  if (loaded.imported) {
    const { imported } = loaded;
    byId('pf-imported-text').textContent = `This list uses data imported on this device from ${imported.files.join(' and ')} ` +
      `on ${dateText(imported.importedAt.slice(0, 10))} (${imported.settings.toLocaleString('en-GB')} settings), not the published data.`;
    byId('pf-imported-notice').hidden = false;
  }
}

/**
 * The imported-data notice's "forget" button: drops the imported data and reloads the page.
 * @param {RemoteEngine} engine
 */
export function wireForgetImported(engine) {
  byId('pf-imported-forget').addEventListener('click', async () => {
    await engine.forgetImportedData();
    location.reload();
  });
}
