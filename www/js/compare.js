// The comparison: the settings a person ticked, side by side in a real table (a column per
// setting, a row per question, header cells with scope) that scrolls sideways on its own on a
// narrow screen rather than making the page scroll.
//
// `Comparison` keeps the keys ticked (in the order ticked) and the section under the results.
//
// Events dispatched on the container: pf:compare {detail: {key, checked: false}} (Remove).

import { byId, clear, h, hiddenText } from './dom.js';
import { ageRangeText, councilText, itemCode, itemText, milesText, placesText, safeWebsite, splitReasons } from './format.js';
import { reveal } from './reveal.js';
import { resultKey } from './state.js';

/** @typedef {import('./types.js').Result} Result */

/**
 * @param {(Node | string)[]} items
 */
function cellList(items) {
  return items.length ? h('ul', { class: 'pf-list pf-list--compact' }, ...items.map((i) => h('li', {}, i))) : '–';
}

/**
 * Renders the comparison table for the selected results, in rank order.
 * @param {HTMLElement} container
 * @param {Result[]} results
 * @param {string[]} missing keys that were selected but are not in the current results
 */
export function renderCompare(container, results, missing) {
  clear(container);
  if (results.length < 2) {
    container.append(h('p', { class: 'pf-body' }, results.length === 0
      ? 'Tick “Compare” on two or more settings to see them side by side.'
      : 'Tick “Compare” on one more setting to see them side by side.'));
  }
  if (missing.length) {
    container.append(h('p', { class: 'pf-body-s' },
      `${missing.length} selected ${missing.length === 1 ? 'setting is' : 'settings are'} not in the current list, so ${missing.length === 1 ? 'it is' : 'they are'} not shown.`));
  }
  if (results.length === 0) return;

  /** @type {[string, (r: Result) => Node | string][]} */
  const rows = [
    ['Kind of setting', (r) => r.kindLabel || r.kind],
    ['Ages', (r) => ageRangeText(r.ageRange) ?? 'Not recorded'],
    ['Distance (straight line)', (r) => milesText(r.distanceMiles)],
    ['Rank on the list', (r) => String(r.rank)],
    ['Why it is on the list', (r) => cellList(splitReasons(r).why.filter((x) => itemCode(x) !== 'distance' && itemCode(x) !== 'places').map(itemText))],
    ['Things to check', (r) => cellList(splitReasons(r).check.map(itemText))],
    ['Places', (r) => placesText(r.places) ?? 'Not recorded'],
    ['Council', (r) => councilText(r) ?? 'Not recorded'],
    ['Website', (r) => {
      const url = safeWebsite(r.website);
      return url ? h('a', { class: 'pf-link', href: url, target: '_blank', rel: 'noopener noreferrer' }, 'Website', hiddenText(` of ${r.name} (opens in new tab)`)) : 'Not recorded';
    }],
  ];

  const head = h('tr', {}, h('td', { class: 'pf-table__corner' }));
  for (const r of results) head.append(h('th', { scope: 'col' }, r.name));
  const body = h('tbody');
  for (const [label, cell] of rows) {
    const tr = h('tr', {}, h('th', { scope: 'row' }, label));
    for (const r of results) tr.append(h('td', {}, cell(r)));
    body.append(tr);
  }
  const actions = h('tr', { class: 'pf-table__actions' }, h('th', { scope: 'row' }, hiddenText('Remove from comparison')));
  for (const r of results) {
    const button = h('button', { type: 'button', class: 'pf-link-button', 'data-key': resultKey(r) }, 'Remove', hiddenText(` ${r.name} from the comparison`));
    actions.append(h('td', {}, button));
  }
  body.append(actions);

  const table = h('table', { class: 'pf-table pf-table--compare' },
    h('caption', { class: 'pf-table__caption' }, `${results.length} settings side by side`),
    h('thead', {}, head), body);
  const scroller = h('div', { class: 'pf-table-scroll', role: 'region', 'aria-label': 'Comparison table, scrolls sideways', tabindex: 0 }, table);
  container.append(scroller);
  table.addEventListener('click', (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest('button[data-key]');
    if (button instanceof HTMLElement) {
      container.dispatchEvent(new CustomEvent('pf:compare', { detail: { key: button.dataset.key, checked: false }, bubbles: true }));
    }
  });
}

/** The settings ticked for comparison and the comparison section (`#pf-compare`). */
export class Comparison {
  /** @param {{ setCompared: (key: string, checked: boolean) => void }} list the results, which show the ticks */
  constructor(list) {
    this.list = list;
    /** Keys ticked for comparison, in the order ticked. */
    this.keys = /** @type {string[]} */ ([]);
    /** The results shown now. */
    this.current = /** @type {Result[]} */ ([]);
  }

  /**
   * A new list is shown.
   * @param {Result[]} results
   */
  show(results) {
    this.current = results;
    this.render();
  }

  /** The list is gone (the section is hidden by the caller). */
  clearResults() {
    this.current = [];
  }

  /** Updates the button's count and the section (shown while anything is ticked). */
  render() {
    const keys = new Set(this.current.map(resultKey));
    const selected = this.current.filter((r) => this.keys.includes(resultKey(r)));
    const missing = this.keys.filter((k) => !keys.has(k));
    byId('pf-compare-button').textContent = `Compare selected (${selected.length})`;
    const section = byId('pf-compare');
    section.hidden = this.keys.length === 0;
    renderCompare(byId('pf-compare-body'), selected, missing);
  }

  /**
   * Ticks or unticks a setting.
   * @param {string} key
   * @param {boolean} checked
   */
  set(key, checked) {
    this.keys = checked ? [...new Set([...this.keys, key])] : this.keys.filter((k) => k !== key);
    this.list.setCompared(key, checked);
    this.render();
  }

  /**
   * "Remove" in the table: focus stays in the section, or goes to the results once it is empty.
   * @param {string} key
   */
  remove(key) {
    this.set(key, false);
    const section = byId('pf-compare');
    if (!section.hidden) section.focus();
    else byId('pf-results-heading').focus();
  }

  /** "Compare selected": opens the section and brings it into view. */
  open() {
    const section = byId('pf-compare');
    section.hidden = false;
    this.render();
    reveal(section, 'start');
  }
}
