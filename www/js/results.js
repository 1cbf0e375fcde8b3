// The results: the ranked list with reasons and things to check, the near misses, the count
// announced to screen readers, and the statements about the data and the policy. All text from
// the engine and the dataset goes in through text nodes (dom.js), never as HTML.
//
// Events dispatched on the list (wired in main.js):
//   pf:show-on-map {detail: {key}}
//   pf:compare     {detail: {key, checked}}
//   pf:explain     {detail: {key, urn, body}}   a "How this was scored" section was opened

import { append, byId, clear, h, hiddenText } from './dom.js';
import { ageRangeText, councilText, dateText, itemCode, itemText, milesText, placesText, safeWebsite, splitReasons } from './format.js';
import { reveal } from './reveal.js';
import { resultKey } from './state.js';

export { reveal };

/**
 * @typedef {import('./types.js').ShortList} ShortList
 * @typedef {import('./types.js').Result} Result
 * @typedef {import('./types.js').Meta} Meta
 * @typedef {import('./types.js').Policy} Policy
 */

/** Results shown at first, and added by each "Show more settings" (a phone page stays short). */
export const PAGE_SIZE = 10;

/** Reason codes shown as facts at the top of a result, so not repeated under "Why". */
const FACT_CODES = new Set(['distance', 'places']);

/**
 * One result as a list item.
 * @param {Result} result
 * @param {{ selected: boolean }} options
 */
function resultItem(result, { selected }) {
  const key = resultKey(result);
  const id = `result-${key}`;
  const nameId = `${id}-name`;
  const item = h('li', { class: 'pf-result', id, 'data-key': key, tabindex: -1, 'aria-labelledby': nameId });

  item.append(h('div', { class: 'pf-result__header' },
    h('span', { class: 'pf-result__rank', 'aria-hidden': 'true' }, String(result.rank)),
    h('div', { class: 'pf-result__title' },
      h('h3', { class: 'pf-result__name', id: nameId }, result.name),
      h('p', { class: 'pf-result__kind' }, result.kindLabel || result.kind))));

  const facts = h('dl', { class: 'pf-facts' });
  /**
   * @param {string} term
   * @param {string} value
   */
  const fact = (term, value) => facts.append(h('div', { class: 'pf-facts__row' }, h('dt', {}, term), h('dd', {}, value)));
  fact('Ages', ageRangeText(result.ageRange) ?? 'Not recorded');
  fact('Distance', `${milesText(result.distanceMiles)} in a straight line`);
  const places = placesText(result.places);
  if (places) fact('Places', places);
  const council = councilText(result);
  if (council) fact('Council', council);
  item.append(facts);

  const { why, check } = splitReasons(result);
  const reasons = why.filter((r) => !FACT_CODES.has(itemCode(r)));
  if (reasons.length) {
    item.append(h('h4', { class: 'pf-result__subheading' }, 'Why it is on the list'),
      h('ul', { class: 'pf-list pf-list--reasons' }, ...reasons.map((r) => h('li', {
        'data-code': itemCode(r),
        // Only a factor that counts for the setting gets a tick: not one that adds nothing ("No
        // recorded provision for autism") or is not known ("counted as 0.5 of a match").
        class: typeof r !== 'string' && r.factor && !(r.factor.value != null && r.factor.value > 0.5) ? 'pf-list__neutral' : null,
      }, itemText(r)))));
  }
  if (check.length) {
    item.append(h('h4', { class: 'pf-result__subheading' }, 'Things to check'),
      h('ul', { class: 'pf-list pf-list--flags' }, ...check.map((f) => h('li', { 'data-code': itemCode(f) }, itemText(f)))));
  }

  const actions = h('div', { class: 'pf-result__actions' });
  const website = safeWebsite(result.website);
  if (website) {
    actions.append(h('a', { class: 'pf-link', href: website, target: '_blank', rel: 'noopener noreferrer' },
      'Website', hiddenText(` of ${result.name}`), h('span', { class: 'pf-link__note' }, ' (opens in new tab)')));
  }
  actions.append(h('button', { type: 'button', class: 'pf-link-button', 'data-action': 'map' },
    'Show on map', hiddenText(`: ${result.name}`)));
  const compareId = `compare-${key}`;
  actions.append(h('div', { class: 'pf-checkboxes pf-checkboxes--small pf-result__compare' },
    h('div', { class: 'pf-checkboxes__item' },
      h('input', { class: 'pf-checkboxes__input', type: 'checkbox', id: compareId, 'data-action': 'compare', checked: selected }),
      h('label', { class: 'pf-label pf-checkboxes__label', for: compareId }, 'Compare', hiddenText(` ${result.name}`)))));
  item.append(actions);
  if (website) item.append(h('p', { class: 'pf-print-only pf-body-s' }, `Website: ${website}`));

  const explain = h('details', { class: 'pf-details pf-result__explain', 'data-action': 'explain' },
    h('summary', { class: 'pf-details__summary' }, h('span', { class: 'pf-details__summary-text' }, 'How this setting was scored')),
    h('div', { class: 'pf-details__text' }, `Fit score ${Math.round(result.score * 100)} out of 100, from ${Math.round(result.coverage * 100)}% of the information we would like to have.`));
  item.append(explain);
  return item;
}

export class ResultsView {
  /** @param {HTMLOListElement} list */
  constructor(list) {
    this.list = list;
    /** @type {ShortList | null} */
    this.shortlist = null;
    /** @type {Map<string, Result>} */
    this.byKey = new Map();
    byId('pf-more-button').addEventListener('click', () => this.showMore());
    // "Jump to the map", "Back to the list": focus and scroll through `reveal`, which the embed
    // passes to the host page (an in-page link cannot scroll it).
    document.addEventListener('click', (event) => {
      const link = /** @type {HTMLElement} */ (event.target).closest('a[data-reveal]');
      const target = link instanceof HTMLElement ? document.getElementById(link.dataset.reveal ?? '') : null;
      if (!target) return;
      event.preventDefault();
      reveal(target, 'start');
    });
    list.addEventListener('click', (event) => {
      const target = /** @type {HTMLElement} */ (event.target);
      const button = target.closest('[data-action="map"]');
      const item = target.closest('.pf-result');
      if (button && item instanceof HTMLElement) this.emit('pf:show-on-map', { key: item.dataset.key });
    });
    list.addEventListener('change', (event) => {
      const box = /** @type {HTMLInputElement} */ (event.target);
      const item = box.closest('.pf-result');
      if (box.dataset.action === 'compare' && item instanceof HTMLElement) {
        this.emit('pf:compare', { key: item.dataset.key, checked: box.checked });
      }
    });
    list.addEventListener('toggle', (event) => {
      const details = /** @type {HTMLDetailsElement} */ (event.target);
      const item = details.closest('.pf-result');
      if (details.dataset.action === 'explain' && details.open && item instanceof HTMLElement && !details.dataset.loaded) {
        const result = this.byKey.get(item.dataset.key ?? '');
        details.dataset.loaded = '1';
        if (result) this.emit('pf:explain', { key: item.dataset.key, result, body: details.querySelector('.pf-details__text') });
      }
    }, true);
  }

  /**
   * @param {string} type
   * @param {unknown} detail
   */
  emit(type, detail) {
    this.list.dispatchEvent(new CustomEvent(type, { detail, bubbles: true }));
  }

  /**
   * Renders a shortlist.
   * @param {ShortList} shortlist
   * @param {Set<string>} selected keys ticked for comparison
   */
  render(shortlist, selected) {
    this.shortlist = shortlist;
    this.byKey = new Map(shortlist.results.map((r) => [resultKey(r), r]));
    clear(this.list);
    for (const result of shortlist.results) {
      this.list.append(resultItem(result, { selected: selected.has(resultKey(result)) }));
    }
    this.showUpTo(PAGE_SIZE);
    const many = shortlist.results.length > 1;
    byId('pf-jump-map-line').hidden = !many;
    byId('pf-back-to-list-line').hidden = !many;
    const section = byId('pf-near-misses');
    const misses = byId('pf-near-miss-list');
    clear(misses);
    for (const miss of shortlist.nearMisses) {
      const miles = miss.distanceMiles ?? miss.distanceM / 1609.344;
      misses.append(h('li', { class: 'pf-near-miss' },
        h('span', { class: 'pf-near-miss__name' }, miss.name),
        h('span', { class: 'pf-near-miss__meta' }, ` (${miss.kindLabel || miss.kind}, ${milesText(miles)}): `),
        h('span', { class: 'pf-near-miss__rule', 'data-code': miss.rule.code }, miss.rule.text)));
    }
    section.hidden = shortlist.nearMisses.length === 0;
  }

  /**
   * Shows the first `count` results; the rest stay in the list, folded (`pf-result--folded`: not
   * shown on screen, still printed, and still in the CSV, the comparison and a share link, which
   * use the whole shortlist), behind the "Show more settings" button.
   * @param {number} count
   */
  showUpTo(count) {
    const items = [...this.list.children];
    items.forEach((item, i) => item.classList.toggle('pf-result--folded', i >= count));
    const shown = Math.min(count, items.length);
    const rest = items.length - shown;
    byId('pf-more').hidden = rest === 0;
    const next = Math.min(rest, PAGE_SIZE);
    byId('pf-more-button').textContent = `Show ${next} more ${next === 1 ? 'setting' : 'settings'}`;
    byId('pf-more-count').textContent = `Showing ${shown} of ${items.length} settings.`;
  }

  /** The number of results shown now. */
  get shownCount() {
    return this.list.querySelectorAll(':scope > .pf-result:not(.pf-result--folded)').length;
  }

  /**
   * "Show more settings": the next page of results, with focus on the first of them.
   * @returns {HTMLElement | null} the first newly shown result
   */
  showMore() {
    const before = this.shownCount;
    this.showUpTo(before + PAGE_SIZE);
    const first = /** @type {HTMLElement | null} */ (this.list.children[before] ?? null);
    if (first) reveal(first, 'start');
    return first;
  }

  /** Empties the list (no search yet, or the form is incomplete). */
  reset() {
    this.shortlist = null;
    this.byKey.clear();
    clear(this.list);
    byId('pf-more').hidden = true;
    byId('pf-jump-map-line').hidden = true;
    byId('pf-back-to-list-line').hidden = true;
    clear(byId('pf-near-miss-list'));
    byId('pf-near-misses').hidden = true;
  }

  /**
   * Ticks or unticks a result's compare box (when the comparison table removes it).
   * @param {string} key
   * @param {boolean} checked
   */
  setCompared(key, checked) {
    const box = /** @type {HTMLInputElement | null} */ (document.getElementById(`compare-${key}`));
    if (box) box.checked = checked;
  }

  /**
   * Scrolls to a result and moves focus to it (from the map).
   * @param {string} key
   */
  focus(key) {
    const item = document.getElementById(`result-${key}`);
    if (!item) return;
    // A result beyond the ones shown (the map shows them all): show the list down to it.
    if (item.classList.contains('pf-result--folded')) this.showUpTo([...this.list.children].indexOf(item) + 1);
    reveal(item, 'center');
    item.classList.add('pf-result--highlight');
    setTimeout(() => item.classList.remove('pf-result--highlight'), 1600);
  }
}

/**
 * The results after a search the person asked for: focus and scroll on the results heading.
 */
export function revealResults() {
  reveal(byId('pf-results-heading'), 'start');
}

/**
 * The note beside the results when the home postcode was not found as it is: the search is from
 * the centre of its sector or district (said on the form too, but that is far from the list).
 * Empty for a postcode found as it is.
 * @param {import('./types.js').PostcodeFix | null} fix
 */
export function approximateText(fix) {
  if (!fix) return '';
  switch (fix.precision) {
    case 'unit': return '';
    case 'sector': return `${fix.postcode} is not in our list of postcodes, so distances are from the middle of postcode sector ${fix.postcode.slice(0, -2)}. Check the postcode if this is not what you meant.`;
    default: return `${fix.postcode} is not in our list of postcodes, so distances are from the middle of the ${fix.postcode.split(' ')[0]} postcode district. Check the postcode if this is not what you meant.`;
  }
}

/**
 * Shows or hides the note beside the results (see `approximateText`).
 * @param {string} text
 */
export function setHomeNote(text) {
  const note = byId('pf-home-note');
  note.textContent = text;
  note.hidden = text === '';
}

/**
 * The count sentence for the status region (announced by screen readers).
 * @param {ShortList} shortlist
 * @param {string} where
 * @param {number} radiusMiles used when the list does not say
 */
export function countText(shortlist, where, radiusMiles) {
  radiusMiles = shortlist.radiusMiles ?? radiusMiles;
  const n = shortlist.results.length;
  const found = n === 0
    ? `No settings match all your answers within ${milesText(radiusMiles)} of ${where}.`
    : `${n} ${n === 1 ? 'setting' : 'settings'} within ${milesText(radiusMiles)} of ${where}, best fit first.`;
  const misses = shortlist.nearMisses.length;
  return misses ? `${found} ${misses} close ${misses === 1 ? 'match was' : 'matches were'} left out.` : found;
}

/** Names of the fit-score factors, by reason code. */
const FACTOR_NAMES = /** @type {Record<string, string>} */ ({
  primaryNeedSpecialism: 'Main need',
  secondaryNeeds: 'Other needs',
  broadArea: 'Area of need',
  kindFit: 'Kind of setting',
  ageRange: 'Age range',
  distance: 'Distance',
  preferences: 'Your preferences',
  places: 'Places',
});

/**
 * How one result's fit score is made up: each factor with its weight and what it adds, from
 * the engine's explanation of the result's establishment.
 * @param {HTMLElement} body
 * @param {import('./types.js').Explanation} explanation
 * @param {Result} result
 */
export function renderExplanation(body, explanation, result) {
  clear(body);
  const key = resultKey(result);
  const site = explanation.sites?.find((s) => resultKey({ urn: explanation.urn, site: s.site }) === key) ?? explanation.sites?.[0];
  const reasons = site?.reasons ?? result.reasons;
  const factors = reasons.filter((r) => r.factor);
  body.append(h('p', { class: 'pf-body-s' },
    `Fit score ${Math.round(result.score * 100)} out of 100. ${Math.round(result.coverage * 100)}% of the score rests on information we have; ` +
    'where something is not known, its share goes to the things that are.'));
  if (factors.length) {
    const rows = h('tbody');
    for (const r of factors) {
      const f = /** @type {import('./types.js').FactorScore} */ (r.factor);
      rows.append(h('tr', {},
        h('th', { scope: 'row' }, FACTOR_NAMES[r.code] ?? r.code),
        h('td', {}, f.value == null ? `${r.text} (not known: not counted)` : r.text),
        h('td', { class: 'pf-table__numeric' }, String(Math.round(f.contribution * 100)))));
    }
    body.append(h('div', { class: 'pf-table-scroll', role: 'region', 'aria-label': `How the score for ${result.name} is made up`, tabindex: 0 },
      h('table', { class: 'pf-table pf-table--compact' },
        h('caption', { class: 'pf-visually-hidden' }, `How the fit score for ${result.name} is made up`),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'Factor'), h('th', { scope: 'col' }, 'What we found'),
          h('th', { scope: 'col', class: 'pf-table__numeric' }, 'Points'))),
        rows)));
  }
  if (explanation.summary) body.append(h('p', { class: 'pf-body-s' }, explanation.summary));
}

/**
 * The statements under the results: the policy notice and the data in use.
 * @param {Meta} meta
 * @param {Policy} policy
 */
export function renderAbout(meta, policy) {
  const notice = byId('pf-policy-notice');
  clear(notice);
  append(notice, h('strong', {}, `${policy.title} (version ${policy.version}). `), policy.notice);

  const data = byId('pf-data-statement');
  clear(data);
  data.append(
    h('p', {}, h('strong', {}, 'The data: '), meta.coverage),
    h('p', {}, `Data version ${meta.dataVersion}, built on ${dateText(meta.buildDate)}: ${meta.settingCount.toLocaleString('en-GB')} settings at ${meta.establishmentCount.toLocaleString('en-GB')} schools and colleges. Sources:`),
    h('ul', { class: 'pf-list pf-list--bullet pf-body-s' }, ...meta.sources.map((s) =>
      h('li', {}, `${s.title}${s.date ? `, ${dateText(s.date)}` : ''} (${s.rows.toLocaleString('en-GB')} rows)`))));
}
