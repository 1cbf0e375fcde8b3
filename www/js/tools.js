// The tools under the results that need no engine: the CSV download, the share-link panel, the
// print summary, and whether the address bar still holds the share link the page came from.

import { shortlistRows, toCsv } from './csv.js';
import { byId, clear, h } from './dom.js';
import { dateText } from './format.js';
import { describeSearch } from './summary.js';

/**
 * Downloads the list as CSV (`shortlist-YYYY-MM-DD.csv`).
 * @param {import('./types.js').ShortList} shortlist
 * @param {{ meta: { dataVersion: string }, policy: { title: string, version: string } }} loaded
 */
export function downloadCsv(shortlist, loaded) {
  const today = new Date().toISOString().slice(0, 10);
  const rows = shortlistRows(shortlist, {
    dataVersion: loaded.meta.dataVersion,
    policy: `${loaded.policy.title} ${loaded.policy.version}`,
    created: today,
  });
  // A byte-order mark so that spreadsheet programs read the file as UTF-8.
  const blob = new Blob(['\uFEFF', toCsv(rows)], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: `shortlist-${today}.csv`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The share panel: its button shows the link (`link()`, made when asked), selected; "copy"
 * copies it, or says to copy it by hand.
 * @param {() => string} link
 */
export function wireSharePanel(link) {
  const shareButton = byId('pf-share-button');
  shareButton.addEventListener('click', () => {
    const panel = byId('pf-share');
    const input = /** @type {HTMLInputElement} */ (byId('pf-share-link'));
    input.value = link();
    panel.hidden = false;
    shareButton.setAttribute('aria-expanded', 'true');
    byId('pf-share-status').textContent = '';
    input.focus();
    input.select();
  });
  byId('pf-share-copy').addEventListener('click', async () => {
    const input = /** @type {HTMLInputElement} */ (byId('pf-share-link'));
    const note = byId('pf-share-status');
    try {
      await navigator.clipboard.writeText(input.value);
      note.textContent = 'Link copied.';
    } catch {
      input.focus();
      input.select();
      note.textContent = 'Select the link and copy it.';
    }
  });
}

/**
 * "Your search" for the printed list: the questions and answers, the date, the data and policy
 * versions. Empty when no list is shown.
 * @param {HTMLElement} box
 * @param {{ state: import('./state.js').PageState, where: string } | null} last
 * @param {import('./engine-client.js').Loaded | null} loaded
 */
export function renderPrintSummary(box, last, loaded) {
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

/** Whether the page shows a state restored from the share link in the address bar. */
export class LinkState {
  constructor() {
    /** True while the page shows a state restored from a share link. */
    this.fromLink = false;
  }

  /** The page now shows the link's state. */
  restored() {
    this.fromLink = true;
  }

  /** Once the person changes a restored page, the link in the address bar no longer describes it. */
  forget() {
    if (this.fromLink && location.hash) history.replaceState(null, '', location.pathname + location.search);
    this.fromLink = false;
  }

  /** "Start again": drops any fragment from the address bar. */
  clear() {
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
    this.fromLink = false;
  }
}
