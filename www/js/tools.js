// The tools under the results that need no engine: the CSV download and the share-link panel.

import { shortlistRows, toCsv } from './csv.js';
import { byId, h } from './dom.js';

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
