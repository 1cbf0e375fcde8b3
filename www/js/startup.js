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

/** The finder's wasm, as engine.js `WASM_URLS.finder` finds it (both modules sit one folder below www/). */
const FINDER_WASM = new URL('../pkg/placement_finder_bg.wasm', import.meta.url).href;

/**
 * The files every first answer needs, fetched from the page's first script (and named in
 * index.html's `<link rel="preload">`, which these fetches take up): the dataset, the finder's
 * wasm and the postcode area index. Each is handed to the engine's worker as it arrives (engine.js
 * `prefetched`), so that nothing waits for the worker to start, and nothing is fetched twice.
 * Only files that are the same for everyone: nothing here depends on what the person types.
 * @param {RemoteEngine} engine
 * @param {HTMLElement} app
 */
export function prefetch(engine, app) {
  const urls = [
    absolute(app.dataset.dataset || 'data/dataset.bin'),
    FINDER_WASM,
    `${absolute(postcodesFolder(app))}index.json`,
  ];
  engine.prefetching(urls);
  for (const url of urls) {
    fetch(url).then((r) => engine.prefetched(url, { status: r.status, statusText: r.statusText, headers: [...r.headers] }, r.body),
      () => engine.prefetched(url, null, null));
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
 * `app`) and calls `onLoaded` once it has loaded. A council policy pack the engine refuses
 * (unknown field, bad weight, not JSON, not found...) does not stop the page: it starts again
 * with the illustrative default pack and says so, naming the problem for the council's web team.
 * @param {RemoteEngine} engine
 * @param {HTMLElement} app
 * @param {{ onLoaded: (loaded: Loaded) => void, setStatus: (text: string) => void }} hooks
 * @param {string | null} [policyUrl] defaults to `data-policy`
 */
export function startEngine(engine, app, hooks, policyUrl = app.dataset.policy ? absolute(app.dataset.policy) : null) {
  engine.load({
    datasetUrl: absolute(app.dataset.dataset || 'data/dataset.bin'),
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
