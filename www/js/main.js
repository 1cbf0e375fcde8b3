// Wires the page together: the form, the engine (in a Web Worker), the search, the results, the
// map, the comparison and the tools (print, CSV, share link, start again). Components talk
// through DOM events; this module creates them and connects their events, nothing more. The
// search state lives in search.js, start-up in startup.js.

import { Comparison } from './compare.js';
import { byId, h } from './dom.js';
import { EngineClient } from './engine-client.js';
import { PlacementForm } from './form.js';
import { DEFAULT_POLICY, VOCABULARY } from './generated/vocabulary.js';
import { ResultsMap } from './map.js';
import { registerOffline } from './offline.js';
import { ResultsView, renderAbout } from './results.js';
import { SearchController } from './search.js';
import { keepForOffline, prefetch, showDataSource, startEngine, wireForgetImported } from './startup.js';
import { isStateFragment } from './state.js';
import { LinkState, wireSharePanel } from './tools.js';
import { HomeFinder, useMyLocation } from './where.js';

/**
 * @template T
 * @typedef {CustomEvent<T>} Detail
 */

const app = byId('main');
const formEl = byId('pf-form');
const list = byId('pf-list');
const mapEl = byId('pf-map');
const compareEl = byId('pf-compare');
const form = new PlacementForm(/** @type {HTMLFormElement} */ (formEl));
const results = new ResultsView(/** @type {HTMLOListElement} */ (list));
const status = byId('pf-status');
/** @param {string} text */
const setStatus = (text) => { status.textContent = text; };
const engine = new EngineClient();
// First, before any other call to the engine: the files every first answer needs.
const areaFiles = prefetch(engine, app);
/** The council whose area "outside your council area" refers to when home has no council of its own (a place on the map). */
const homeCouncil = /^\d{1,4}$/.test(app.dataset.homeLa ?? '') ? Number(app.dataset.homeLa) : null;
const home = new HomeFinder(engine, form, homeCouncil);
if (Number(app.dataset.radius) > 0) form.defaultRadius = Number(app.dataset.radius);
// Every question can be answered at once, from the words and levels Rust generates; a council's
// own pack (data-policy) may have other levels, shown once the engine has read it (form.update).
form.build(VOCABULARY, DEFAULT_POLICY, { notice: !app.dataset.policy });
const comparison = new Comparison(results);
const link = new LinkState();
const search = new SearchController({ app, form, results, engine, home, comparison, link, setStatus });

// ---- start-up ----------------------------------------------------------------------------

/** Milliseconds after the engine is ready before offline use is set up when there has been no search. */
const OFFLINE_AFTER_READY = 8000;
let offlineStarted = false;
let mapStarted = false;

startEngine(engine, app, {
  setStatus,
  onFailed: () => search.failed(),
  onLoaded(loaded) {
    search.loaded = loaded;
    showDataSource(loaded);
    form.update(loaded.vocabulary, loaded.policy);
    renderAbout(loaded.meta, loaded.policy);
    app.dataset.ready = 'true';
    setStatus('Answer the questions to see the list.');
    search.ready(loaded, location.hash);
    // Offline use is set up after the first list, or a while after the engine is ready when
    // there is no search, so that its downloads never compete with the first answer's.
    setTimeout(offlineUse, OFFLINE_AFTER_READY);
    // The map is not needed before the list: it loads when it comes into view, or with the list.
    whenVisible(mapEl, showMap);
  },
});

// The postcode's area (the letters "LS", never more) is known as soon as the field holds an
// outward code: its postcode file starts downloading then, not after submit.
const postcodeEl = /** @type {HTMLInputElement} */ (byId('postcode'));
const prepareArea = () => { areaFiles.prepare(postcodeEl.value); };
postcodeEl.addEventListener('input', prepareArea);
prepareArea();

/** Registers the service worker (once) and asks it to keep what the engine has fetched. */
function offlineUse() {
  if (offlineStarted) return;
  offlineStarted = true;
  registerOffline();
  keepForOffline(engine, app, search.loaded);
}

/** Loads Leaflet and the map (once). */
function showMap() {
  if (mapStarted) return;
  mapStarted = true;
  ResultsMap.create(mapEl).then((map) => search.attachMap(map), (error) => {
    mapEl.replaceChildren(h('p', { class: 'pf-body-s' }, `The map could not be shown (${error.message}). The list has everything the map would show.`));
  });
}

/**
 * Calls `then` once `el` comes into view (at once where there is no IntersectionObserver).
 * @param {HTMLElement} el
 * @param {() => void} then
 */
function whenVisible(el, then) {
  if (!('IntersectionObserver' in window)) {
    then();
    return;
  }
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) {
      observer.disconnect();
      then();
    }
  }, { rootMargin: '200px' });
  observer.observe(el);
}

wireForgetImported(engine);
search.addEventListener('pf:results', () => {
  showMap();
  if (offlineStarted) keepForOffline(engine, app, search.loaded);
  else offlineUse();
});

// ---- events ------------------------------------------------------------------------------

formEl.addEventListener('pf:submit', () => search.search(true));
formEl.addEventListener('pf:change', (event) => {
  link.forget();
  search.showYearGroup(form.read());
  search.searchSoon(/** @type {Detail<{name: string, typing: boolean}>} */ (event).detail.typing);
});
formEl.addEventListener('pf:reset', () => search.reset());
formEl.addEventListener('pf:use-location', () => useMyLocation(form, () => {
  link.forget();
  search.search(false);
}));

list.addEventListener('pf:show-on-map', (event) => {
  search.map?.showResult(/** @type {Detail<{key: string}>} */ (event).detail.key);
});
list.addEventListener('pf:compare', (event) => {
  const { key, checked } = /** @type {Detail<{key: string, checked: boolean}>} */ (event).detail;
  comparison.set(key, checked);
});
list.addEventListener('pf:explain', (event) => {
  const { result, body } = /** @type {Detail<{result: import('./types.js').Result, body: HTMLElement}>} */ (event).detail;
  search.explain(result, body);
});

compareEl.addEventListener('pf:compare', (event) => comparison.remove(/** @type {Detail<{key: string}>} */ (event).detail.key));
byId('pf-compare-button').addEventListener('click', () => comparison.open());

mapEl.addEventListener('pf:map-select', (event) => results.focus(/** @type {Detail<{key: string}>} */ (event).detail.key));
mapEl.addEventListener('pf:map-home', (event) => {
  const { lat, lon } = /** @type {Detail<{lat: number, lon: number}>} */ (event).detail;
  form.setPoint({ lat, lon });
  form.setWhereStatus('Using the place you chose on the map.');
  link.forget();
  search.search(false);
});

byId('pf-print').addEventListener('click', () => {
  search.printSummary();
  window.print();
});
byId('pf-csv').addEventListener('click', () => search.downloadCsv());
wireSharePanel(() => search.shareLink());

window.addEventListener('hashchange', () => {
  if (search.loaded && isStateFragment(location.hash)) search.restore(location.hash);
});
window.addEventListener('beforeprint', () => search.printSummary());
