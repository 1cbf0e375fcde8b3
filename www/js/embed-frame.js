// The embed's side of the iframe (embed.html): reads the configuration the loader (../embed.js)
// put in the iframe URL, applies it before main.js starts, and talks to the host page through
// postMessage: it reports its height so that the iframe never needs a scrollbar, and accepts a
// new theme. It talks only to the origin named in the URL, and only when that origin really is
// the page embedding it (location.ancestorOrigins, where the browser has it).
//
// Messages (schema version 1; anything else is ignored):
//   embed → host  { type: 'placement-finder', version: 1, kind: 'ready' | 'resize', height: number }
//   embed → host  { type: 'placement-finder', version: 1, kind: 'scrollTo', top: number, bottom: number,
//                   block: 'start' | 'center', height: number }
//                 focus has moved to an element (the results heading after a search, the first
//                 result that "Show more" adds, the map): the host scrolls its page so that the
//                 element, `top` to `bottom` px from the top of the iframe's document, is at the
//                 top ('start') or the middle ('center') of its window. `height` is the iframe's
//                 content height then, applied first as a 'resize' is (the list may just have grown).
//   host → embed  { type: 'placement-finder', version: 1, kind: 'theme', theme: { [name]: value } }
//
// URL parameters (all optional), set by the loader from the placeholder's data-* attributes:
//   origin        the host page's origin (to post to, and to accept messages from)
//   dataset, postcodes, policy   same-origin URLs of the council's data and policy pack
//   home-la       the council's LA code; radius  default radius in miles
//   tile-url, tile-attribution   map tiles (none by default); boundaries  '' for none
//   theme-NAME    sets the CSS custom property --pf-NAME (colours, --pf-font, ...)
//   text-KEY      replaces a piece of wording: title, lead, advisory, privacy, submit, results-heading

export const PROTOCOL = 'placement-finder';
export const VERSION = 1;

/** Which element each text override replaces (text only, never HTML). */
export const TEXT_TARGETS = /** @type {Record<string, string>} */ ({
  title: 'pf-title',
  lead: 'pf-lead',
  advisory: 'pf-advisory-text',
  privacy: 'pf-privacy',
  submit: 'pf-submit',
  'results-heading': 'pf-results-heading',
});

/**
 * A theme value that is safe to set as a custom property: no way out of the declaration and
 * nothing that fetches (the CSP would block a url() anyway; this keeps the console clean).
 * @param {string} name without the leading --pf-
 * @param {string} value
 */
export function safeThemeEntry(name, value) {
  return /^[a-z][a-z0-9-]{0,40}$/.test(name) && value.length <= 200 &&
    !/[;{}<>\\]|url\s*\(|expression\s*\(|@import/i.test(value);
}

/**
 * Sets theme custom properties on the root element (CSSOM, which style-src 'self' allows).
 * @param {Record<string, unknown>} theme name (without --pf-) → value
 */
export function applyTheme(theme) {
  const root = document.documentElement.style;
  for (const [name, raw] of Object.entries(theme)) {
    const value = String(raw ?? '').trim();
    if (safeThemeEntry(name, value)) root.setProperty(`--pf-${name}`, value);
  }
}

/**
 * A URL from the configuration, only if it is on this origin (the CSP allows nothing else).
 * @param {string | null} value
 */
function sameOriginUrl(value) {
  if (value == null) return null;
  if (value === '') return '';
  try {
    const url = new URL(value, document.baseURI);
    if (url.origin === location.origin) return url.href;
  } catch { /* not a URL */ }
  console.info(`embed: ignored ${value}: the dataset and policy pack must be on ${location.origin}`);
  return null;
}

/** @param {URLSearchParams} params */
function applyConfiguration(params) {
  const app = /** @type {HTMLElement} */ (document.getElementById('main'));
  const map = /** @type {HTMLElement} */ (document.getElementById('pf-map'));
  for (const [param, key] of /** @type {const} */ ([['dataset', 'dataset'], ['postcodes', 'postcodes'], ['policy', 'policy']])) {
    const url = sameOriginUrl(params.get(param));
    if (url != null) app.dataset[key] = url;
  }
  const la = params.get('home-la');
  if (la && /^\d{1,4}$/.test(la)) app.dataset.homeLa = la;
  const radius = params.get('radius');
  if (radius && /^\d{1,3}(\.\d+)?$/.test(radius)) app.dataset.radius = radius;
  const tiles = params.get('tile-url');
  if (tiles != null && (tiles === '' || /^https:\/\/[^\s"'<>]+$/.test(tiles))) map.dataset.tileUrl = tiles;
  const attribution = params.get('tile-attribution');
  if (attribution != null) map.dataset.tileAttribution = attribution.slice(0, 300);
  const boundaries = sameOriginUrl(params.get('boundaries'));
  if (boundaries != null) map.dataset.boundaries = boundaries;

  /** @type {Record<string, string>} */
  const theme = {};
  for (const [param, value] of params) {
    if (param.startsWith('theme-')) theme[param.slice(6)] = value;
    const target = param.startsWith('text-') ? TEXT_TARGETS[param.slice(5)] : undefined;
    const el = target ? document.getElementById(target) : null;
    if (el && value.trim()) el.textContent = value.slice(0, 600);
  }
  applyTheme(theme);
}

/**
 * The host's origin, if it may be talked to: named in the URL and (where the browser says) the
 * origin of the page that embeds this one.
 * @param {URLSearchParams} params
 * @returns {string | null}
 */
function hostOrigin(params) {
  if (window.parent === window) return null;
  const origin = params.get('origin');
  if (!origin || !/^https?:\/\/[^/\s]+$/.test(origin)) return null;
  const ancestors = location.ancestorOrigins;
  if (ancestors && ancestors.length && ancestors[0] !== origin) {
    console.info(`embed: not talking to ${origin}: this page is embedded by ${ancestors[0]}`);
    return null;
  }
  return origin;
}

/** @param {string} origin */
function talkTo(origin) {
  /** @param {'ready' | 'resize'} kind */
  const post = (kind) => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    window.parent.postMessage({ type: PROTOCOL, version: VERSION, kind, height }, origin);
  };
  let last = -1;
  new ResizeObserver(() => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    post('resize');
  }).observe(document.documentElement);
  // The iframe is as tall as its content, so it cannot scroll to what gets focus: the host does
  // (results.js `reveal` dispatches pf:reveal, cancelable, instead of scrolling itself).
  document.addEventListener('pf:reveal', (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    const detail = /** @type {CustomEvent<{block?: string}>} */ (event).detail;
    event.preventDefault();
    const rect = target.getBoundingClientRect();
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    last = height;
    window.parent.postMessage({
      type: PROTOCOL, version: VERSION, kind: 'scrollTo',
      top: Math.max(0, Math.floor(rect.top + window.scrollY)),
      bottom: Math.max(0, Math.ceil(rect.bottom + window.scrollY)),
      block: detail?.block === 'center' ? 'center' : 'start',
      height,
    }, origin);
  });
  window.addEventListener('message', (event) => {
    if (event.origin !== origin || event.source !== window.parent) return;
    const m = event.data;
    if (!m || m.type !== PROTOCOL || m.version !== VERSION) return;
    if (m.kind === 'theme' && m.theme && typeof m.theme === 'object') applyTheme(m.theme);
  });
  post('ready');
}

const params = new URLSearchParams(location.search);
applyConfiguration(params);
const origin = hostOrigin(params);
if (origin) talkTo(origin);
document.documentElement.dataset.embedded = origin ? 'true' : 'false';
