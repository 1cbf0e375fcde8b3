// Offline use: registers the service worker (../sw.js) and asks it to keep the files the engine
// has used (dataset, policy pack, postcode shards), so that the finder answers without a network
// after the first visit. The service worker only ever sees this origin's own static files.

const PROTOCOL = 'placement-finder';
const VERSION = 1;

/** When this page started (ms since the epoch): files saved since then are the current version's. */
const STARTED = Date.now();

/** @type {Promise<ServiceWorkerRegistration | null> | null} */
let registration = null;
let calls = 0;

/**
 * Registers the service worker once. Resolves to null where there is none (old browsers,
 * private modes that forbid it, file: URLs); the page works the same, just not offline.
 */
export function registerOffline() {
  registration ??= (async () => {
    if (!('serviceWorker' in navigator)) return null;
    try {
      return await navigator.serviceWorker.register(new URL('../sw.js', import.meta.url), { scope: new URL('../', import.meta.url).href });
    } catch (error) {
      console.info(`offline use is not available here (${/** @type {Error} */ (error).message})`);
      return null;
    }
  })();
  return registration;
}

/**
 * Asks the service worker to keep these URLs for the given dataset version. Resolves when they
 * are saved (or at once if there is no service worker).
 * @param {string[]} urls
 * @param {string} dataVersion
 * @returns {Promise<void>}
 */
export async function remember(urls, dataVersion) {
  if (!(await registerOffline())) return;
  const ready = await navigator.serviceWorker.ready;
  const worker = ready.active;
  if (!worker) return;
  await new Promise((done) => {
    const id = ++calls;
    /** @param {MessageEvent} event */
    const onMessage = (event) => {
      const m = event.data;
      if (event.source !== worker || m?.type !== PROTOCOL || m.version !== VERSION || m.kind !== 'remembered' || m.id !== id) return;
      navigator.serviceWorker.removeEventListener('message', onMessage);
      clearTimeout(timeout);
      done(undefined);
    };
    const timeout = setTimeout(() => {
      navigator.serviceWorker.removeEventListener('message', onMessage);
      done(undefined);
    }, 60_000);
    navigator.serviceWorker.addEventListener('message', onMessage);
    worker.postMessage({ type: PROTOCOL, version: VERSION, kind: 'remember', id, urls, dataVersion, since: STARTED });
  });
}
