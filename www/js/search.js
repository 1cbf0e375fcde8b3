// The search: reads the form, finds home, asks the engine (in its Web Worker) for the list and
// shows it in the results, the map, the comparison and the print summary. Owns the search state:
// the sequence number (a late answer to an older search is dropped), the debounce timer, the
// searches running (the page's `data-busy`), a search asked for before the engine was ready,
// and the last list shown. Also restoring a share link and "start again".
//
// Events dispatched on the controller: pf:results (a list is shown, after each search that found
// one; the page keeps the files used for offline use).

import { byId, h } from './dom.js';
import { buildQuery, validate } from './query.js';
import { countText, renderExplanation, revealResults, setHomeNote } from './results.js';
import { decodeState, emptyState, encodeState, isStateFragment } from './state.js';
import { downloadCsv, renderPrintSummary } from './tools.js';
import { showYearGroup } from './year-group.js';

/**
 * @typedef {import('./engine-client.js').RemoteEngine} EngineClient
 * @typedef {import('./engine-client.js').Loaded} Loaded
 * @typedef {import('./types.js').ShortList} ShortList
 * @typedef {import('./types.js').Query} Query
 * @typedef {import('./state.js').PageState} PageState
 * @typedef {{ shortlist: ShortList, query: Query, state: PageState, where: string, note: string }} LastSearch
 */

/** Most results to list. */
const LIMIT = 25;
/** Wait after typing / after a click before searching again (ms). */
const TYPING_DELAY = 450;
const CHANGE_DELAY = 120;

export class SearchController extends EventTarget {
  /**
   * @param {{
   *   app: HTMLElement,
   *   form: import('./form.js').PlacementForm,
   *   results: import('./results.js').ResultsView,
   *   engine: EngineClient,
   *   home: import('./where.js').HomeFinder,
   *   comparison: import('./compare.js').Comparison,
   *   link: import('./tools.js').LinkState,
   *   setStatus: (text: string) => void,
   * }} parts
   */
  constructor({ app, form, results, engine, home, comparison, link, setStatus }) {
    super();
    this.app = app;
    this.form = form;
    this.results = results;
    this.engine = engine;
    this.home = home;
    this.comparison = comparison;
    this.link = link;
    this.setStatus = setStatus;
    /** @type {Loaded | null} */
    this.loaded = null;
    /** @type {import('./map.js').ResultsMap | null} */
    this.map = null;
    /** @type {LastSearch | null} */
    this.last = null;
    this.seq = 0;
    /** Searches running now. */
    this.running = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    /** A search asked for before the engine was ready: run it once it is. */
    this.pending = /** @type {null | { explicit: boolean }} */ (null);
  }

  /**
   * The engine is ready: restore a share link in `fragment`, or run a search asked for while
   * loading.
   * @param {Loaded} loaded
   * @param {string} fragment the address bar's `#...`
   */
  ready(loaded, fragment) {
    this.loaded = loaded;
    if (isStateFragment(fragment)) this.restore(fragment);
    else if (this.pending) this.search(this.pending.explicit);
    this.pending = null;
    this.markBusy();
  }

  /** The engine could not load: a search asked for meanwhile will not run, so the page is not busy. */
  failed() {
    this.pending = null;
    this.markBusy();
  }

  /**
   * The map has loaded: show it the list already on the page.
   * @param {import('./map.js').ResultsMap} map
   */
  attachMap(map) {
    this.map = map;
    const { last } = this;
    if (last) {
      map.setResults(last.shortlist.results, last.shortlist.results.length ? last.query.home : null);
      map.setHome(last.query.home, last.where);
    }
  }

  /** @param {PageState} state */
  showYearGroup(state) {
    return showYearGroup(state, { form: this.form, engine: this.engine, loaded: this.loaded });
  }

  /**
   * Runs a search from the form. `explicit` for the submit button: errors show in the summary,
   * which takes focus; results take focus when they arrive.
   * @param {boolean} explicit
   */
  async search(explicit) {
    clearTimeout(this.timer);
    this.running++;
    this.markBusy();
    try {
      await this.searchNow(explicit);
    } finally {
      this.running--;
      this.markBusy();
    }
  }

  /**
   * Marks the page busy while a search is waiting (for the engine too: the form can be answered
   * before it has loaded) or running (`data-busy`, used by the tests).
   */
  markBusy() {
    if (this.running > 0 || this.timer !== undefined || this.pending) this.app.dataset.busy = 'true';
    else delete this.app.dataset.busy;
  }

  /** @param {boolean} explicit */
  async searchNow(explicit) {
    this.timer = undefined;
    const { form, loaded } = this;
    if (!loaded) {
      this.pending = { explicit: explicit || Boolean(this.pending?.explicit) };
      if (explicit) this.setStatus('Still loading the list of settings: your results will show in a moment.');
      return;
    }
    const seq = ++this.seq;
    const state = form.read();
    this.showYearGroup(state);
    /** @type {import('./where.js').Where} */
    let where;
    try {
      where = await this.home.resolve(state);
    } catch (error) {
      if (seq === this.seq) this.setStatus(`Postcodes could not be loaded (${/** @type {Error} */ (error).message}). Choose a place on the map instead.`);
      return;
    }
    if (seq !== this.seq) return;
    if (this.map) this.map.setHome(where.where?.home ?? null, where.label);

    const errors = validate(state, {
      needs: loaded.vocabulary.needs.map((n) => n.code),
      levels: loaded.policy.levels.map((l) => l.id),
      today: form.today,
      homeError: where.problem,
    });
    if (errors.length || !where.where) {
      if (explicit || form.errors.length) form.showErrors(errors, { focus: explicit });
      if (explicit || this.last) this.clearResults(errors.length === 1 ? 'Answer the question marked above to see the list.' : 'Answer the questions marked above to see the list.');
      if (!explicit && !form.errors.length) this.setStatus('Answer the questions to see the list.');
      return;
    }
    form.clearErrors();
    const level = /** @type {import('./types.js').PolicyLevel} */ (loaded.policy.levels.find((l) => l.id === state.level));
    const query = buildQuery(state, where.where, level, LIMIT);
    /** @type {ShortList} */
    let shortlist;
    try {
      shortlist = await this.engine.shortlist(query);
    } catch (error) {
      if (seq === this.seq) {
        this.clearResults(`The list could not be worked out: ${/** @type {Error} */ (error).message}`);
      }
      return;
    }
    if (seq !== this.seq) return;
    this.last = { shortlist, query, state, where: where.label, note: where.note ?? '' };
    this.showResults(query.radiusMiles ?? level.radiusMiles);
    this.dispatchEvent(new Event('pf:results'));
    if (explicit) revealResults();
  }

  /**
   * Debounced search after a change.
   * @param {boolean} typing
   */
  searchSoon(typing) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.search(false), typing ? TYPING_DELAY : CHANGE_DELAY);
    this.markBusy();
  }

  /** @param {number} radiusMiles */
  showResults(radiusMiles) {
    const { last, map } = this;
    if (!last || !this.loaded) return;
    const { shortlist } = last;
    this.results.render(shortlist, new Set(this.comparison.keys));
    this.setStatus(countText(shortlist, last.where, radiusMiles));
    setHomeNote(last.note);
    byId('pf-toolbar').hidden = shortlist.results.length === 0;
    if (map) {
      map.setHome(last.query.home, last.where);
      map.setResults(shortlist.results, last.query.home);
    }
    this.comparison.show(shortlist.results);
    this.printSummary();
    this.app.dataset.results = String(shortlist.results.length);
  }

  /** @param {string} message */
  clearResults(message) {
    this.last = null;
    this.comparison.clearResults();
    this.results.reset();
    this.setStatus(message);
    setHomeNote('');
    byId('pf-toolbar').hidden = true;
    byId('pf-share').hidden = true;
    byId('pf-share-button').setAttribute('aria-expanded', 'false');
    byId('pf-compare').hidden = true;
    this.map?.setResults([], null);
    delete this.app.dataset.results;
  }

  /** "Your search", for the printed list. */
  printSummary() {
    renderPrintSummary(byId('pf-print-summary'), this.last, this.loaded);
  }

  /** Downloads the list shown as CSV. */
  downloadCsv() {
    if (this.last && this.loaded) downloadCsv(this.last.shortlist, this.loaded);
  }

  /**
   * Fills a result's "more detail" with the engine's explanation.
   * @param {import('./types.js').Result} result
   * @param {HTMLElement} body
   */
  async explain(result, body) {
    if (!this.last) return;
    try {
      renderExplanation(body, await this.engine.explain(this.last.query, result.urn), result);
    } catch (error) {
      body.append(h('p', { class: 'pf-body-s' }, `More detail could not be worked out (${/** @type {Error} */ (error).message}).`));
    }
  }

  /** The share link for the page as it is. */
  shareLink() {
    const state = { ...this.form.read(), compare: this.comparison.keys };
    // The query string is the embed's configuration (the council's data and wording), never answers.
    return `${location.origin}${location.pathname}${location.search}#${encodeState(state)}`;
  }

  /**
   * Shows the page a share link describes.
   * @param {string} fragment
   */
  restore(fragment) {
    const { state, problems } = decodeState(fragment);
    if (problems.length) console.info(`share link: ${problems.join(', ')}`);
    this.form.write(state);
    this.comparison.keys = state.compare;
    this.link.restored();
    this.search(false).then(() => {
      if (!this.last) {
        // An incomplete link: show what is missing, as a submit would.
        this.search(true);
      }
    });
  }

  /** "Start again": an empty form, no list, no link. */
  reset() {
    const { form } = this;
    this.seq++;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.markBusy();
    form.write(emptyState());
    form.setPoint(null);
    form.clearErrors();
    form.setWhereStatus('');
    form.setYearGroupText('');
    this.comparison.keys = [];
    this.clearResults('Answer the questions to see the list.');
    this.map?.reset();
    this.link.clear();
    byId('postcode').focus();
  }
}

