// The service worker: the finder keeps working offline after the first visit.
//
// * Every same-origin GET goes to the network first, so that a visit online always sees the
//   newest page and data; a good response is saved, stamped with when (x-pf-cached-at).
// * When the network fails, the saved copy answers, still stamped, so that the page can say
//   it is showing saved data and of what date (engine.js reads the stamp on the dataset).
// * The app shell is saved at install. The dataset, policy pack and the postcode shards already
//   used are saved when the page asks (message `remember`, below), because on the first visit
//   the engine fetched them before this worker was in control.
// * A new dataset version (meta.dataVersion, sent by the page) replaces the old one cleanly:
//   everything saved for the old version (its postcode shards too) is dropped, so old and new
//   files are never mixed.
//
// Messages (from pages of this origin only), versioned like the embed's:
//   in:  { type: 'placement-finder', version: 1, kind: 'remember', id: number, urls: string[], dataVersion: string, since: number }
//   out: { type: 'placement-finder', version: 1, kind: 'remembered', id: number }
//
// Plain script (not a module) so that it registers everywhere; no imports.

const SHELL = 'pf-shell-v3';
const DATA = 'pf-data-v1';
/** The cache entry holding the saved dataset's version. */
const VERSION_KEY = new URL('pf-data-version', self.location.href).href;
const PROTOCOL = 'placement-finder';
const VERSION = 1;

/**
 * The app shell, relative to this file: what the finder's page and embed.html load (the bundle
 * scripts/build.sh makes, the finder's wasm, Leaflet), nothing of the dashboard's or the council
 * page's loader (embed.js): those are kept when they are used, as every file fetched through
 * this worker is. The server's validators (ETag) let these fetches reuse what the first visit
 * downloaded (304s) instead of downloading it again. Kept in step with www/ by tests/js/embed.test.mjs.
 */
const SHELL_FILES = [
  './', 'index.html', 'embed.html', 'css/app.css',
  'bundle/main.js', 'bundle/embed-frame.js', 'bundle/engine-worker.js',
  'pkg/placement_finder_bg.wasm',
  'vendor/leaflet/leaflet-src.esm.js', 'vendor/leaflet/leaflet.css',
  'vendor/leaflet/images/marker-icon.png', 'vendor/leaflet/images/marker-icon-2x.png',
  'vendor/leaflet/images/marker-shadow.png', 'vendor/leaflet/images/layers.png', 'vendor/leaflet/images/layers-2x.png',
];

/** Data files (kept per dataset version) rather than the app shell. */
function isData(/** @type {URL} */ url) {
  return /\.(bin|json|geojson)$/.test(url.pathname);
}

/**
 * A copy of a response with the time it was saved.
 * @param {Response} response
 */
async function stamped(response) {
  const headers = new Headers(response.headers);
  headers.set('x-pf-cached-at', new Date().toISOString());
  return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers });
}

/**
 * Fetches and saves one URL; failures are left for the next visit.
 * @param {Cache} cache
 * @param {string} url
 */
async function save(cache, url) {
  try {
    const response = await fetch(url, { credentials: 'omit' });
    if (response.ok) await cache.put(url, await stamped(response));
  } catch { /* offline or gone: nothing to save */ }
}

self.addEventListener('install', (event) => {
  const worker = /** @type {any} */ (self);
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    await Promise.all(SHELL_FILES.map((file) => save(cache, new URL(file, self.location.href).href)));
    await worker.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  const worker = /** @type {any} */ (self);
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('pf-') && name !== SHELL && name !== DATA) await caches.delete(name);
    }
    await worker.clients.claim();
  })());
});

/**
 * The cache key: navigations ignore their query string (the embed's configuration), so that
 * embed.html?dataset=… is answered by the saved embed.html.
 * @param {Request} request
 */
function keyOf(request) {
  if (request.mode !== 'navigate') return request.url;
  const url = new URL(request.url);
  url.search = '';
  url.hash = '';
  return url.href;
}

/** @param {Request} request */
async function networkFirst(request) {
  const url = new URL(request.url);
  const key = keyOf(request);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') {
      const cache = await caches.open(isData(url) ? DATA : SHELL);
      await cache.put(key, await stamped(response.clone()));
    }
    return response;
  } catch (error) {
    const saved = await caches.match(key);
    if (saved) return saved;
    throw error;
  }
}

self.addEventListener('fetch', (/** @type {any} */ event) => {
  const request = /** @type {Request} */ (event.request);
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.endsWith('/sw.js')) return;
  event.respondWith(networkFirst(request));
});

/**
 * Saves what the page's engine fetched. A new dataset version first drops what was saved for
 * the old one, except files fetched since this page started (those are the new version's).
 * @param {string[]} urls
 * @param {string} dataVersion
 * @param {number} since ms since the epoch
 */
async function remember(urls, dataVersion, since) {
  const cache = await caches.open(DATA);
  const marker = await cache.match(VERSION_KEY);
  const previous = marker ? await marker.text() : null;
  if (previous !== dataVersion) {
    for (const request of await cache.keys()) {
      const saved = await cache.match(request);
      const at = Date.parse(saved?.headers.get('x-pf-cached-at') ?? '');
      if (!(at >= since && urls.includes(request.url))) await cache.delete(request);
    }
    await cache.put(VERSION_KEY, new Response(dataVersion));
  }
  for (const url of urls) {
    if (new URL(url).origin !== self.location.origin) continue;
    if (!(await cache.match(url))) await save(cache, url);
  }
}

self.addEventListener('message', (/** @type {any} */ event) => {
  const message = event.data;
  if (event.origin !== self.location.origin) return;
  if (!message || message.type !== PROTOCOL || message.version !== VERSION || message.kind !== 'remember') return;
  const urls = Array.isArray(message.urls) ? message.urls.map(String) : [];
  event.waitUntil(remember(urls, String(message.dataVersion ?? ''), Number(message.since) || 0).then(() => {
    event.source?.postMessage({ type: PROTOCOL, version: VERSION, kind: 'remembered', id: message.id });
  }));
});
