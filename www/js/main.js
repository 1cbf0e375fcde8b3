// Wires the page together: the form, the engine (in a Web Worker), the results, the map, the
// comparison and the tools (print, CSV, share link, start again). Components talk through DOM
// events; this module listens and calls the others.

import { renderCompare } from './compare.js';
import { byId, clear, h } from './dom.js';
import { EngineClient } from './engine-client.js';
import { dateText } from './format.js';
import { PlacementForm } from './form.js';
import { ResultsMap } from './map.js';
import { registerOffline, remember } from './offline.js';
import { MAX_AGE, MIN_AGE, buildQuery, isoDate, validate, yearGroupAge } from './query.js';
import { ResultsView, countText, renderAbout, renderExplanation, reveal, revealResults, setHomeNote } from './results.js';
import { decodeState, emptyState, encodeState, resultKey } from './state.js';
import { describeSearch } from './summary.js';
import { downloadCsv, wireSharePanel } from './tools.js';
import { HomeFinder } from './where.js';

/**
 * @typedef {import('./engine-client.js').Loaded} Loaded
 * @typedef {import('./types.js').ShortList} ShortList
 * @typedef {import('./types.js').Query} Query
 * @typedef {import('./state.js').PageState} PageState
 */

/** Most results to list. */
const LIMIT = 25;
/** Wait after typing / after a click before searching again (ms). */
const TYPING_DELAY = 450;
const CHANGE_DELAY = 120;

const app = byId('main');
const form = new PlacementForm(/** @type {HTMLFormElement} */ (byId('pf-form')));
const results = new ResultsView(/** @type {HTMLOListElement} */ (byId('pf-list')));
const status = byId('pf-status');
const engine = new EngineClient();
/** The council whose area "outside your council area" refers to when home has no council of its own (a place on the map). */
const homeCouncil = /^\d{1,4}$/.test(app.dataset.homeLa ?? '') ? Number(app.dataset.homeLa) : null;
const home = new HomeFinder(engine, form, homeCouncil);
if (Number(app.dataset.radius) > 0) form.defaultRadius = Number(app.dataset.radius);

/** @type {Loaded | null} */
let loaded = null;
/** @type {ResultsMap | null} */
let map = null;
/** Keys ticked for comparison, in the order ticked. */
let compare = /** @type {string[]} */ ([]);
/** @type {{ shortlist: ShortList, query: Query, state: PageState, where: string, note: string } | null} */
let last = null;
let searchSeq = 0;
/** Searches running now. */
let running = 0;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let timer;
/** A search asked for before the engine was ready: run it once it is. */
let pending = /** @type {null | { explicit: boolean }} */ (null);
/** True while the page shows a state restored from a share link. */
let fromLink = false;

/** @param {string} text */
function setStatus(text) {
  status.textContent = text;
}

/** @param {string} path */
function absolute(path) {
  return new URL(path, document.baseURI).href;
}

// ---- engine start --------------------------------------------------------------------------

/**
 * Starts the engine. A council policy pack the engine refuses (unknown field, bad weight, not
 * JSON, not found...) does not stop the page: it starts again with the illustrative default pack
 * and says so, naming the problem for the council's web team.
 * @param {string | null} policyUrl
 */
function start(policyUrl) {
  engine.load({
    datasetUrl: absolute(app.dataset.dataset || 'data/dataset.bin'),
    postcodesUrl: absolute(app.dataset.postcodes || 'data/postcodes/'),
    policyUrl,
  }).then((value) => {
    loaded = value;
    if (value.cachedAt) showSavedCopy(value.cachedAt);
    if (value.imported) showImported(value.imported);
    keepForOffline();
    form.build(value.vocabulary, value.policy);
    renderAbout(value.meta, value.policy);
    app.dataset.ready = 'true';
    setStatus('Answer the questions to see the list.');
    if (isStateFragment(location.hash)) restore(location.hash);
    else if (pending) search(pending.explicit);
    pending = null;
  }, (error) => {
    const { code = '', message = '' } = /** @type {{code?: string, message?: string}} */ (error);
    if (code === 'policy' && policyUrl) {
      console.warn(`placement-finder: the policy pack ${policyUrl} was refused, so the illustrative default is used: ${message}`);
      const box = byId('pf-policy-error');
      box.textContent = 'This council’s own rules for levels of need could not be used, so the levels of need and the list ' +
        `follow an illustrative example instead, which may not match how your council decides. (${message})`;
      box.hidden = false;
      start(null);
      return;
    }
    const box = byId('pf-load-error');
    box.textContent = code === 'version'
      ? 'The list of settings is a different version from the one this page reads, so this page cannot search. ' +
        `This can happen while the site is being updated: please reload the page in a few minutes. (${message})`
      : `The list of settings could not be loaded, so this page cannot search. Please try again later. (${message})`;
    box.hidden = false;
    setStatus('');
    app.dataset.ready = 'error';
  });
}
start(app.dataset.policy ? absolute(app.dataset.policy) : null);

ResultsMap.create(byId('pf-map')).then((m) => {
  map = m;
  if (last) {
    map.setResults(last.shortlist.results, last.shortlist.results.length ? homeOf(last.query) : null);
    map.setHome(homeOf(last.query), last.where);
  }
}, (error) => {
  byId('pf-map').replaceChildren(h('p', { class: 'pf-body-s' }, `The map could not be shown (${error.message}). The list has everything the map would show.`));
});

registerOffline();

/** Asks the service worker to keep what the engine has fetched, for use offline. */
function keepForOffline() {
  if (!loaded) return;
  const version = loaded.meta.dataVersion;
  const boundaries = byId('pf-map').dataset.boundaries;
  engine.usedUrls().then((urls) => remember(boundaries ? [...urls, absolute(boundaries)] : urls, version)).then(() => {
    app.dataset.offlineSaved = String(Number(app.dataset.offlineSaved ?? 0) + 1);
  }, () => { /* offline use is a bonus: the page works without it */ });
}

/**
 * Says that the list of settings is the copy saved on this device (the network failed).
 * @param {string} cachedAt ISO date-time
 */
function showSavedCopy(cachedAt) {
  if (!loaded) return;
  const box = byId('pf-offline-notice');
  box.textContent = `You seem to be offline, so this is the copy of the list of settings saved on this device on ${dateText(cachedAt)}. ` +
    `It was built on ${dateText(loaded.meta.buildDate)} (data version ${loaded.meta.dataVersion}).`;
  box.hidden = false;
}

/**
 * Data a council officer imported on this device (dashboard "Use your own data") is in use.
 * @param {import('./saved-data.js').ImportedInfo} imported
 */
function showImported(imported) {
  byId('pf-imported-text').textContent = `This list uses data imported on this device from ${imported.files.join(' and ')} ` +
    `on ${dateText(imported.importedAt.slice(0, 10))} (${imported.settings.toLocaleString('en-GB')} settings), not the published data.`;
  byId('pf-imported-notice').hidden = false;
}

byId('pf-imported-forget').addEventListener('click', async () => {
  await engine.forgetImportedData();
  location.reload();
});

/** @param {Query} query */
function homeOf(query) {
  return query.home;
}

// ---- the child's age -----------------------------------------------------------------------

/** @param {PageState} state */
async function showYearGroup(state) {
  if (state.outOfYear && yearGroupAge(state.yearGroup) != null) {
    form.setYearGroupText(`We will look for settings that take children of age ${yearGroupAge(state.yearGroup)}, the usual age for that year group.`);
    return;
  }
  if (state.ageMode === 'age') {
    const age = Number(state.age);
    const yearGroup = /^\d{1,2}$/.test(state.age) && age >= MIN_AGE && age <= MAX_AGE ? await engine.yearGroup(age).catch(() => null) : null;
    // The answer may come after the person has changed the age again: show only the current one.
    if (form.read().age !== state.age) return;
    form.setYearGroupText(yearGroup ? `A child who is ${age} on 31 August usually joins ${yearGroup}.` : '');
    return;
  }
  const dob = isoDate(state.dob);
  const start = isoDate(state.start);
  if (!loaded || !dob || !start) {
    form.setYearGroupText('');
    return;
  }
  try {
    const at = await engine.ageAt(dob, start);
    form.setYearGroupText(`Your child will be ${at.age} on the 31 August before ${dateText(start)}, so they would usually join ${at.yearGroup}.`);
  } catch {
    form.setYearGroupText('');
  }
}

// ---- search ----------------------------------------------------------------------------------

/**
 * Runs a search from the form. `explicit` for the submit button: errors show in the summary,
 * which takes focus; results take focus when they arrive.
 * @param {boolean} explicit
 */
async function search(explicit) {
  clearTimeout(timer);
  running++;
  markBusy();
  try {
    await searchNow(explicit);
  } finally {
    running--;
    markBusy();
  }
}

/** Marks the page busy while a search is waiting or running (`data-busy`, used by the tests). */
function markBusy() {
  if (running > 0 || timer !== undefined) app.dataset.busy = 'true';
  else delete app.dataset.busy;
}

/** @param {boolean} explicit */
async function searchNow(explicit) {
  timer = undefined;
  if (!loaded) {
    pending = { explicit: explicit || Boolean(pending?.explicit) };
    if (explicit) setStatus('Still loading the list of settings: your results will show in a moment.');
    return;
  }
  const seq = ++searchSeq;
  const state = form.read();
  showYearGroup(state);
  /** @type {import('./where.js').Where} */
  let where;
  try {
    where = await home.resolve(state);
  } catch (error) {
    if (seq === searchSeq) setStatus(`Postcodes could not be loaded (${/** @type {Error} */ (error).message}). Choose a place on the map instead.`);
    return;
  }
  if (seq !== searchSeq) return;
  if (map) map.setHome(where.where?.home ?? null, where.label);

  const errors = validate(state, {
    needs: loaded.vocabulary.needs.map((n) => n.code),
    levels: loaded.policy.levels.map((l) => l.id),
    today: form.today,
    homeError: where.problem,
  });
  if (errors.length || !where.where) {
    if (explicit || form.errors.length) form.showErrors(errors, { focus: explicit });
    if (explicit || last) clearResults(errors.length === 1 ? 'Answer the question marked above to see the list.' : 'Answer the questions marked above to see the list.');
    if (!explicit && !form.errors.length) setStatus('Answer the questions to see the list.');
    return;
  }
  form.clearErrors();
  const level = /** @type {import('./types.js').PolicyLevel} */ (loaded.policy.levels.find((l) => l.id === state.level));
  const query = buildQuery(state, where.where, level, LIMIT);
  /** @type {ShortList} */
  let shortlist;
  try {
    shortlist = await engine.shortlist(query);
  } catch (error) {
    if (seq === searchSeq) {
      clearResults(`The list could not be worked out: ${/** @type {Error} */ (error).message}`);
    }
    return;
  }
  if (seq !== searchSeq) return;
  last = { shortlist, query, state, where: where.label, note: where.note ?? '' };
  showResults(query.radiusMiles ?? level.radiusMiles);
  keepForOffline();
  if (explicit) revealResults();
}

/**
 * Debounced search after a change.
 * @param {boolean} typing
 */
function searchSoon(typing) {
  clearTimeout(timer);
  timer = setTimeout(() => search(false), typing ? TYPING_DELAY : CHANGE_DELAY);
  markBusy();
}

/** @param {number} radiusMiles */
function showResults(radiusMiles) {
  if (!last || !loaded) return;
  const { shortlist } = last;
  const keys = new Set(shortlist.results.map(resultKey));
  results.render(shortlist, new Set(compare));
  setStatus(countText(shortlist, last.where, radiusMiles));
  setHomeNote(last.note);
  byId('pf-toolbar').hidden = shortlist.results.length === 0;
  if (map) {
    map.setHome(last.query.home, last.where);
    map.setResults(shortlist.results, last.query.home);
  }
  updateCompare(keys);
  renderPrintSummary();
  app.dataset.results = String(shortlist.results.length);
}

/** @param {string} message */
function clearResults(message) {
  last = null;
  results.reset();
  setStatus(message);
  setHomeNote('');
  byId('pf-toolbar').hidden = true;
  byId('pf-share').hidden = true;
  byId('pf-share-button').setAttribute('aria-expanded', 'false');
  byId('pf-compare').hidden = true;
  map?.setResults([], null);
  delete app.dataset.results;
}

function renderPrintSummary() {
  const box = byId('pf-print-summary');
  clear(box);
  if (!last || !loaded) return;
  const list = h('dl', { class: 'pf-summary-list' });
  for (const [question, answer] of describeSearch(last.state, { where: last.where, vocabulary: loaded.vocabulary, policy: loaded.policy })) {
    list.append(h('div', { class: 'pf-summary-list__row' }, h('dt', {}, question), h('dd', {}, answer)));
  }
  const today = new Date().toISOString().slice(0, 10);
  box.append(
    h('h3', { class: 'pf-heading-s' }, 'Your search'), list,
    h('p', { class: 'pf-body-s' }, `Printed on ${dateText(today)}. Data version ${loaded.meta.dataVersion}; ${loaded.policy.title}, version ${loaded.policy.version}.`));
}

// ---- comparison ----------------------------------------------------------------------------

/** @param {Set<string>} [current] keys in the current results */
function updateCompare(current) {
  const keys = current ?? new Set(last?.shortlist.results.map(resultKey) ?? []);
  const selected = (last?.shortlist.results ?? []).filter((r) => compare.includes(resultKey(r)));
  const missing = compare.filter((k) => !keys.has(k));
  byId('pf-compare-button').textContent = `Compare selected (${selected.length})`;
  const section = byId('pf-compare');
  section.hidden = compare.length === 0;
  renderCompare(byId('pf-compare-body'), selected, missing);
}

/**
 * @param {string} key
 * @param {boolean} checked
 */
function setCompared(key, checked) {
  compare = checked ? [...new Set([...compare, key])] : compare.filter((k) => k !== key);
  results.setCompared(key, checked);
  updateCompare();
}

// ---- share, restore, reset ---------------------------------------------------------------

function shareLink() {
  const state = { ...form.read(), compare };
  // The query string is the embed's configuration (the council's data and wording), never answers.
  return `${location.origin}${location.pathname}${location.search}#${encodeState(state)}`;
}

/**
 * A share link's fragment, rather than an in-page link like #main.
 * @param {string} fragment
 */
function isStateFragment(fragment) {
  return /^#?v=/.test(fragment);
}

/** @param {string} fragment */
function restore(fragment) {
  const { state, problems } = decodeState(fragment);
  if (problems.length) console.info(`share link: ${problems.join(', ')}`);
  form.write(state);
  compare = state.compare;
  fromLink = true;
  search(false).then(() => {
    if (!last) {
      // An incomplete link: show what is missing, as a submit would.
      search(true);
    }
  });
}

function reset() {
  searchSeq++;
  clearTimeout(timer);
  timer = undefined;
  markBusy();
  form.write(emptyState());
  form.setPoint(null);
  form.clearErrors();
  form.setWhereStatus('');
  form.setYearGroupText('');
  compare = [];
  clearResults('Answer the questions to see the list.');
  map?.reset();
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  fromLink = false;
  byId('postcode').focus();
}

/** Once the person changes a restored page, the link in the address bar no longer describes it. */
function forgetLink() {
  if (fromLink && location.hash) history.replaceState(null, '', location.pathname + location.search);
  fromLink = false;
}

// ---- events ------------------------------------------------------------------------------

const formEl = byId('pf-form');
formEl.addEventListener('pf:submit', () => search(true));
formEl.addEventListener('pf:change', (event) => {
  const { typing } = /** @type {CustomEvent<{name: string, typing: boolean}>} */ (event).detail;
  forgetLink();
  showYearGroup(form.read());
  searchSoon(typing);
});
formEl.addEventListener('pf:reset', reset);
formEl.addEventListener('pf:use-location', () => {
  if (!('geolocation' in navigator)) {
    form.setWhereStatus('This browser cannot share your location. Enter your postcode instead.');
    return;
  }
  form.setWhereStatus('Finding your location…');
  navigator.geolocation.getCurrentPosition((position) => {
    form.setPoint({ lat: position.coords.latitude, lon: position.coords.longitude });
    form.setWhereStatus(`Using your location (to about ${Math.round(position.coords.accuracy)} metres). It stays on this device.`);
    forgetLink();
    search(false);
  }, (error) => {
    form.setWhereStatus(error.code === error.PERMISSION_DENIED
      ? 'You did not allow the page to use your location. Enter your postcode instead.'
      : 'Your location could not be found. Enter your postcode instead.');
  }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 60000 });
});

const list = byId('pf-list');
list.addEventListener('pf:show-on-map', (event) => {
  const { key } = /** @type {CustomEvent<{key: string}>} */ (event).detail;
  map?.showResult(key);
});
list.addEventListener('pf:compare', (event) => {
  const { key, checked } = /** @type {CustomEvent<{key: string, checked: boolean}>} */ (event).detail;
  setCompared(key, checked);
});
list.addEventListener('pf:explain', async (event) => {
  const { result, body } = /** @type {CustomEvent<{result: import('./types.js').Result, body: HTMLElement}>} */ (event).detail;
  if (!last) return;
  try {
    renderExplanation(body, await engine.explain(last.query, result.urn), result);
  } catch (error) {
    body.append(h('p', { class: 'pf-body-s' }, `More detail could not be worked out (${/** @type {Error} */ (error).message}).`));
  }
});

byId('pf-compare').addEventListener('pf:compare', (event) => {
  const { key } = /** @type {CustomEvent<{key: string}>} */ (event).detail;
  setCompared(key, false);
  const section = byId('pf-compare');
  if (!section.hidden) section.focus();
  else byId('pf-results-heading').focus();
});
byId('pf-compare-button').addEventListener('click', () => {
  const section = byId('pf-compare');
  section.hidden = false;
  updateCompare();
  reveal(section, 'start');
});

const mapEl = byId('pf-map');
mapEl.addEventListener('pf:map-select', (event) => {
  results.focus(/** @type {CustomEvent<{key: string}>} */ (event).detail.key);
});
mapEl.addEventListener('pf:map-home', (event) => {
  const { lat, lon } = /** @type {CustomEvent<{lat: number, lon: number}>} */ (event).detail;
  form.setPoint({ lat, lon });
  form.setWhereStatus('Using the place you chose on the map.');
  forgetLink();
  search(false);
});

byId('pf-print').addEventListener('click', () => {
  renderPrintSummary();
  window.print();
});

byId('pf-csv').addEventListener('click', () => {
  if (last && loaded) downloadCsv(last.shortlist, loaded);
});
wireSharePanel(shareLink);

window.addEventListener('hashchange', () => {
  if (loaded && isStateFragment(location.hash)) restore(location.hash);
});
window.addEventListener('beforeprint', renderPrintSummary);
