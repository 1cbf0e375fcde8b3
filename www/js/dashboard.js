// The inclusion dashboard (dashboard.html): where provision for a need is missing. The coverage
// engine runs in the Web Worker (engine-worker.js → engine.js → wasm); this module reads the
// form, draws the tables (which carry everything the map shows) and wires the map and exports.

import { h } from './dom.js';
import { EngineClient } from './engine-client.js';
import { CoverageMap } from './map.js';

/**
 * The coverage report, as generated from src/dashboard/coverage.rs (bindings/), plus the engine's timing.
 * @typedef {import('../../bindings/CouncilRow').CouncilRow} CouncilRow
 * @typedef {import('../../bindings/PointRow').PointRow} SectorRow
 * @typedef {{ south: number, west: number, north: number, east: number }} Bounds
 * @typedef {import('../../bindings/OtherChoice').OtherChoice} OtherChoice
 * @typedef {import('../../bindings/Report').Report & { timing: { runMs: number } }} Report
 */

/** Kinds ticked at first: the specialist places a need-led question is usually about. */
const DEFAULT_KINDS = ['special', 'senUnit', 'resourcedProvision'];
const DEFAULT_NEEDS = ['ASD'];
/** England's sector table lists this many (the CSV has them all). */
const SECTOR_ROWS = 200;
/** Widest heat-map image, in pixels (the map scales it). */
const OVERLAY_WIDTH = 1024;

const main = /** @type {HTMLElement} */ (document.querySelector('main[data-module="coverage-dashboard"]'));
const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const status = $('pf-status');

/** @type {Map<string, string>} kind code → label */
const kindLabels = new Map();
/** @type {Report | null} */
let last = null;
/** @type {string} */
let lastPng = '';
/** @type {string} */
let lastScopeName = 'England';

const client = new EngineClient();
/** @type {Promise<CoverageMap | null>} */
const mapReady = CoverageMap.create($('pf-coverage-map')).catch(() => null);

/** @param {number} n */
const pct = (n) => `${n.toFixed(2)}%`;
/** @param {number} n */
const count = (n) => n.toLocaleString('en-GB');

/**
 * "special 4; SEN unit 1" from a count by code.
 * @param {Record<string, number>} byCode
 * @param {(code: string) => string} label
 */
function countsText(byCode, label) {
  const parts = Object.entries(byCode).map(([code, n]) => `${label(code)} ${n}`);
  return parts.length ? parts.join('; ') : 'none';
}

/** @param {CouncilRow} r */
function placesText(r) {
  if (!r.withPlaces) return 'No figures recorded';
  const dates = r.placesFrom && r.placesTo ? (r.placesFrom === r.placesTo ? ` (as of ${r.placesFrom})` : ` (figures dated ${r.placesFrom} to ${r.placesTo})`) : '';
  return `${count(r.capacity)} places, ${count(r.onRoll)} on roll, at ${r.withPlaces} setting${r.withPlaces === 1 ? '' : 's'}${dates}`;
}

/**
 * The council table: every council for England, or the chosen council beside England.
 * @param {Report} report
 * @param {number | null} la
 */
function councilTable(report, la) {
  const rows = la == null ? report.councils : report.councils.filter((r) => r.la === la || r.la == null);
  const bands = report.bandsMiles;
  const head = h('tr', {},
    h('th', { scope: 'col' }, 'Council'),
    h('th', { scope: 'col', class: 'pf-table__numeric' }, 'Suitable settings'),
    h('th', { scope: 'col', class: 'pf-table__numeric' }, 'Needs not recorded'),
    h('th', { scope: 'col' }, 'By kind'),
    h('th', { scope: 'col' }, 'By need recorded'),
    h('th', { scope: 'col' }, 'Places'),
    ...bands.map((b) => h('th', { scope: 'col', class: 'pf-table__numeric' }, `Postcodes within ${b} miles`)),
    ...bands.map((b) => h('th', { scope: 'col', class: 'pf-table__numeric' }, `Area within ${b} miles`)),
    h('th', { scope: 'col', class: 'pf-table__numeric' }, 'Farthest square (miles)'));
  const body = h('tbody', {}, ...rows.map((r) => h('tr', { 'data-la': r.la ?? 'england' },
    h('th', { scope: 'row' }, r.name),
    h('td', { class: 'pf-table__numeric' }, count(r.settings)),
    h('td', { class: 'pf-table__numeric' }, count(r.needsNotRecorded)),
    h('td', {}, countsText(r.settingsByKind, (c) => kindLabels.get(c) ?? c)),
    h('td', {}, countsText(r.settingsByNeed, (c) => c)),
    h('td', {}, placesText(r)),
    ...r.postcodeShare.map((s) => h('td', { class: 'pf-table__numeric' }, r.postcodes ? pct(s) : '–')),
    ...r.cellShare.map((s) => h('td', { class: 'pf-table__numeric' }, r.cells ? pct(s) : '–')),
    h('td', { class: 'pf-table__numeric' }, r.maxMiles == null ? (r.cells ? 'none suitable' : '–') : r.maxMiles.toFixed(2)))));
  const counted = report.includeNeedsNotRecorded
    ? 'distances to settings that are suitable or whose needs are not recorded'
    : 'distances to suitable settings only';
  const caption = h('caption', {}, `${la == null ? 'Every council, and England' : `${lastScopeName}, and England for comparison`}: ` +
    `settings inside each council; ${counted}, wherever they are`);
  return h('div', { class: 'pf-table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Council table (scrolls sideways)' },
    h('table', { class: 'pf-table pf-table--compact', id: 'council-table' }, caption, h('thead', {}, head), body));
}

/**
 * The postcode sectors of the scope, farthest first.
 * @param {Report} report
 * @param {number | null} la
 */
function sectorTable(report, la) {
  const shown = la == null ? report.sectors.slice(0, SECTOR_ROWS) : report.sectors;
  const note = shown.length < report.sectors.length
    ? ` (the ${SECTOR_ROWS} farthest of ${count(report.sectors.length)}; the CSV has every sector)` : '';
  return h('div', { class: 'pf-table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Postcode sector table' },
    h('table', { class: 'pf-table pf-table--compact', id: 'sector-table' },
      h('caption', {}, `Postcode sectors in ${lastScopeName}, farthest first${note}`),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Sector'),
        h('th', { scope: 'col', class: 'pf-table__numeric' }, 'Postcodes'),
        h('th', { scope: 'col', class: 'pf-table__numeric' },
          report.includeNeedsNotRecorded ? 'Nearest setting, suitable or of unknown need (miles)' : 'Nearest suitable setting (miles)'),
        h('th', { scope: 'col' }, 'Which setting'))),
      h('tbody', {}, ...shown.map((s) => h('tr', {},
        h('th', { scope: 'row' }, s.label),
        h('td', { class: 'pf-table__numeric' }, count(s.units)),
        h('td', { class: 'pf-table__numeric' }, s.miles == null ? 'none suitable' : s.miles.toFixed(2)),
        h('td', {}, s.nearestName == null ? '–' : `${s.nearestName}${s.nearestNeedsNotRecorded ? ' (needs not recorded)' : ''}${s.nearestAgesNotRecorded ? ' (ages not recorded)' : ''}`))))));
}

/** @param {Report} report */
function drawLegend(report) {
  const b = report.bandsMiles;
  const labels = [`Up to ${b[0]}`, `${b[0]} to ${b[1]}`, `${b[1]} to ${b[2]}`, `${b[2]} to ${b[3]}`, `More than ${b[3]}`, 'No suitable setting'];
  const legend = $('coverage-legend');
  legend.replaceChildren(...labels.map((text, i) => {
    const swatch = h('span', { class: 'pf-legend__swatch', 'aria-hidden': 'true' });
    const [r, g, bl] = report.bandColours[i];
    swatch.style.backgroundColor = `rgb(${r}, ${g}, ${bl})`; // CSSOM: allowed under the page's CSP
    return h('li', { class: 'pf-legend__item' }, swatch, text);
  }));
}

/**
 * @param {number} n
 * @param {string} one
 */
const settingsText = (n, one) => `${count(n)} ${one}${n === 1 ? '' : 's'}`;

/**
 * The headline: what the scope holds (suitable settings and settings of unknown need, inside
 * it), what the distances count (settings anywhere in England), the share of the scope's
 * postcodes beyond each band, and the same share had the other choice been made.
 * @param {Report} report
 * @param {number | null} la
 */
function summaryText(report, la) {
  const row = report.councils.find((r) => (la == null ? r.la == null : r.la === la));
  const england = report.councils.find((r) => r.la == null);
  if (!row || !england) return '';
  if (!england.settings && !england.needsNotRecorded) return 'No setting in the data matches these choices.';
  const unknown = england.needsNotRecorded > 0;
  const kind = (/** @type {string} */ c) => kindLabels.get(c) ?? c;
  let text = `${row.name}: ${settingsText(row.settings, 'suitable setting')}${la == null ? '' : ` in ${row.name}`}`;
  if (unknown) {
    text += `, and ${count(row.needsNotRecorded)} of the chosen kinds whose needs are not recorded` +
      (row.needsNotRecorded ? ` (${countsText(row.needsNotRecordedByKind, kind)})` : '');
  }
  text += '.';
  if (la != null) {
    text += ` There are ${settingsText(england.settings, 'suitable setting')} in England` +
      (unknown ? ` and ${count(england.needsNotRecorded)} of unknown need` : '') + '.';
  }
  if (!report.suitable) return `${text} No setting counts towards the distances with these choices.`;
  text += report.includeNeedsNotRecorded
    ? ' Distances are to the nearest setting in England, suitable or of unknown need, wherever it is (settings whose needs are not recorded are counted): '
    : ` Distances are to the nearest suitable setting in England, wherever it is${unknown ? ' (settings whose needs are not recorded are left out)' : ''}: `;
  text += `${pct(row.postcodeShare[0])} of ${row.name}’s postcodes are within 2 miles of one, ${pct(row.postcodeShare[1])} within 5 miles; ` +
    `${pct(100 - row.postcodeShare[2])} are more than 10 miles away.`;
  const other = report.otherChoice;
  if (other) {
    text += ` ${other.includeNeedsNotRecorded ? 'Counting them too' : 'Leaving them out'}, ${pct(100 - other.postcodeShare[2])} would be more than 10 miles away.`;
  }
  return text;
}

/**
 * The status line: the scope shown and the settings the distances count, in England and inside the scope.
 * @param {Report} report
 * @param {number | null} la
 */
function statusText(report, la) {
  const basis = report.includeNeedsNotRecorded
    ? `${settingsText(report.suitable, 'setting')} in England, suitable or of unknown need`
    : `${settingsText(report.suitable, 'suitable setting')} in England`;
  const row = la == null ? null : report.councils.find((r) => r.la === la);
  const inside = row ? ` (${count(row.settings + (report.includeNeedsNotRecorded ? row.needsNotRecorded : 0))} of them in ${row.name})` : '';
  return `Showing ${lastScopeName}. Distances are to the nearest of ${basis}${inside}; worked out in ${Math.round(report.timing.runMs)} ms.`;
}

/** Reads the form; null (with the error shown) when the age is not a whole number 0–25. */
function readForm() {
  const form = /** @type {HTMLFormElement} */ ($('pf-coverage-form'));
  const data = new FormData(form);
  const ageText = String(data.get('age') ?? '').trim();
  const ageError = $('age-error');
  const age = ageText === '' ? null : Number(ageText);
  if (age != null && !(Number.isInteger(age) && age >= 0 && age <= 25)) {
    ageError.textContent = 'Error: Enter an age as a whole number from 0 to 25, or leave it empty';
    ageError.hidden = false;
    $('age').setAttribute('aria-invalid', 'true');
    $('age').focus();
    return null;
  }
  ageError.hidden = true;
  $('age').removeAttribute('aria-invalid');
  const scope = String(data.get('scope') ?? '');
  return {
    la: scope === '' ? null : Number(scope),
    filter: {
      needs: data.getAll('needs').map(String), kinds: data.getAll('kinds').map(String), age,
      includeNeedsNotRecorded: data.get('includeNeedsNotRecorded') === 'yes',
    },
  };
}

/**
 * Mercator height for a width over some bounds, so that the image is not stretched.
 * @param {Bounds} b
 * @param {number} width
 */
function mercatorHeight(b, width) {
  const y = (/** @type {number} */ lat) => Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
  const h = (width * (y(b.north) - y(b.south))) / (((b.east - b.west) * Math.PI) / 180);
  return Math.max(1, Math.min(4096, Math.round(h)));
}

async function run() {
  const read = readForm();
  if (!read) return;
  const { la, filter } = read;
  const select = /** @type {HTMLSelectElement} */ ($('scope'));
  lastScopeName = select.selectedOptions[0]?.textContent ?? 'England';
  main.setAttribute('data-busy', '');
  status.textContent = `Working out distances for ${lastScopeName}…`;
  try {
    const report = /** @type {Report} */ (await client.coverage(filter, la));
    last = report;
    drawLegend(report);
    $('coverage-summary').textContent = summaryText(report, la);
    $('coverage-tables').replaceChildren(councilTable(report, la), sectorTable(report, la));
    for (const id of ['download-councils', 'download-sectors']) /** @type {HTMLButtonElement} */ ($(id)).disabled = false;
    if (report.bounds) {
      const view = { ...report.bounds, width: OVERLAY_WIDTH, height: mercatorHeight(report.bounds, OVERLAY_WIDTH) };
      lastPng = await client.coverageOverlay(la, view);
      const map = await mapReady;
      map?.show(lastPng, report.bounds, `Heat map of distance to the nearest suitable setting in ${lastScopeName}`);
      /** @type {HTMLButtonElement} */ ($('download-png')).disabled = false;
    }
    status.textContent = statusText(report, la);
    main.dataset.runMs = String(report.timing.runMs);
  } catch (error) {
    status.textContent = `Could not work out coverage: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    main.removeAttribute('data-busy');
  }
}

/**
 * @param {string} href
 * @param {string} name
 */
function download(href, name) {
  const link = h('a', { href, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
}

/**
 * @param {string} text
 * @param {string} name
 */
function downloadCsv(text, name) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  download(url, name);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * @param {string} code
 * @param {string} label
 * @param {string} name
 * @param {boolean} checked
 */
function checkbox(code, label, name, checked) {
  const id = `${name}-${code}`;
  return h('div', { class: 'pf-checkboxes__item' },
    h('input', { class: 'pf-checkboxes__input', id, name, type: 'checkbox', value: code, checked }),
    h('label', { class: 'pf-label pf-checkboxes__label', for: id }, label));
}

// ---- Use your own data ----------------------------------------------------------------------

/** Rejected rows listed on the page (the CSV report has every one). */
const REJECTED_ROWS = 100;
/** @type {string} */
let lastImportCsv = '';

/** @param {string} iso */
function whenText(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString('en-GB', { dateStyle: 'long', timeStyle: 'short' });
}

/**
 * The notice that this device uses imported data, with the way back.
 * @param {import('./saved-data.js').ImportedInfo | null} imported
 */
function showImported(imported) {
  const notice = $('pf-imported-notice');
  notice.hidden = !imported;
  if (!imported) return;
  $('pf-imported-text').textContent = `This dashboard and the finder on this device use data imported from ${imported.files.join(' and ')} ` +
    `on ${whenText(imported.importedAt)} (${count(imported.settings)} settings; data version ${imported.dataVersion}), not the published data.`;
}

/** @param {string} message */
function importError(message) {
  const box = $('import-error');
  box.textContent = `Error: ${message}`;
  box.hidden = false;
  $('import-files').setAttribute('aria-invalid', 'true');
}

/** @param {import('./engine.js').ImportProgress} p */
function showProgress(p) {
  const bar = /** @type {HTMLProgressElement} */ ($('import-bar'));
  const stage = $('import-stage');
  if (p.stage === 'checking') stage.textContent = 'Checking the files…';
  else if (p.stage === 'reading') stage.textContent = `Opening ${p.file}…`;
  else if (p.stage === 'rows') {
    stage.textContent = `Reading rows: ${count(p.rows ?? 0)} so far`;
    bar.value = p.fraction ?? 0;
  } else if (p.stage === 'building') {
    stage.textContent = 'Building the list of settings…';
    bar.value = 1;
  } else if (p.stage === 'saving') stage.textContent = 'Keeping the data on this device…';
}

/**
 * What the import did: counts per file, the rejected rows, the full report as CSV.
 * @param {import('./engine.js').RebuildSummary} summary
 * @param {number} ms
 */
function importResult(summary, ms) {
  const files = summary.sources.map((s) => h('li', {},
    `${s.source}: ${count(s.rowsRead)} rows — ${count(s.accepted)} accepted, ${count(s.filtered)} left out as not a placement ` +
    `(closed, not yet open, not a school type this tool lists…), ${count(s.rejected)} rejected` +
    (s.warnings ? `, ${count(s.warnings)} values left unrecorded` : '')));
  const rejected = summary.rejectedRows;
  const table = rejected.length
    ? h('div', { class: 'pf-table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Rejected rows' },
      h('table', { class: 'pf-table pf-table--compact', id: 'import-rejected' },
        h('caption', {}, rejected.length > REJECTED_ROWS
          ? `Rejected rows: the first ${REJECTED_ROWS} of ${count(rejected.length)} (the report has every one)` : 'Rejected rows'),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'File'), h('th', { scope: 'col', class: 'pf-table__numeric' }, 'Row'),
          h('th', { scope: 'col', class: 'pf-table__numeric' }, 'URN'), h('th', { scope: 'col' }, 'Column'), h('th', { scope: 'col' }, 'Why'))),
        h('tbody', {}, ...rejected.slice(0, REJECTED_ROWS).map((r) => h('tr', {},
          h('td', {}, r.source), h('td', { class: 'pf-table__numeric' }, String(r.row)),
          h('td', { class: 'pf-table__numeric' }, r.urn == null ? '–' : String(r.urn)),
          h('td', {}, r.column ?? '–'), h('td', {}, r.reason))))))
    : h('p', { class: 'pf-body', id: 'import-no-rejected' }, 'No row was rejected.');
  lastImportCsv = summary.reportCsv;
  return [
    h('h3', { class: 'pf-heading-s', id: 'import-done', tabindex: -1 }, `Imported in ${(ms / 1000).toFixed(1)} seconds: ${count(summary.settings)} settings`),
    h('ul', { class: 'pf-list pf-list--bullet' }, ...files),
    h('p', { class: 'pf-body-s' }, summary.coverage),
    table,
    h('button', { class: 'pf-button pf-button--secondary', type: 'button', id: 'import-report' },
      'Download the full import report (CSV)'),
  ];
}

/** @param {File[]} files */
async function importFiles(files) {
  if (!files.length) return;
  const input = /** @type {HTMLInputElement} */ ($('import-files'));
  $('import-error').hidden = true;
  input.removeAttribute('aria-invalid');
  $('import-result').replaceChildren();
  $('import-progress').hidden = false;
  input.disabled = true;
  main.setAttribute('data-importing', '');
  try {
    const kitUrl = new URL(main.dataset.rebuildKit || 'data/rebuild-kit.json', document.baseURI).href;
    const done = await client.importFiles(files, { kitUrl }, showProgress);
    $('import-result').replaceChildren(...importResult(done.summary, done.timing.ms));
    main.dataset.importMs = String(done.timing.ms);
    showImported(done.imported);
    if (done.councils) {
      const select = /** @type {HTMLSelectElement} */ ($('scope'));
      const chosen = select.value;
      select.replaceChildren(h('option', { value: '' }, 'England'), ...done.councils.map(([code, name]) => h('option', { value: code }, name)));
      select.value = chosen;
    }
    /** @type {HTMLElement} */ ($('import-done')).focus();
    await run();
  } catch (error) {
    importError(error instanceof Error ? error.message : String(error));
    input.disabled = false;
    input.focus();
  } finally {
    $('import-progress').hidden = true;
    input.disabled = false;
    input.value = '';
    main.removeAttribute('data-importing');
  }
}

const drop = $('import-drop');
$('import-files').addEventListener('change', (event) => {
  const input = /** @type {HTMLInputElement} */ (event.target);
  importFiles([...(input.files ?? [])]);
});
drop.addEventListener('dragover', (event) => {
  event.preventDefault();
  drop.classList.add('pf-drop--active');
});
drop.addEventListener('dragleave', () => drop.classList.remove('pf-drop--active'));
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('pf-drop--active');
  importFiles([...(event.dataTransfer?.files ?? [])]);
});
$('import-result').addEventListener('click', (event) => {
  if (/** @type {HTMLElement} */ (event.target).id === 'import-report' && lastImportCsv) downloadCsv(lastImportCsv, 'import-report.csv');
});
$('import-forget').addEventListener('click', async () => {
  await client.forgetImportedData();
  location.reload();
});

async function start() {
  const url = (/** @type {string} */ key, /** @type {string} */ fallback) => new URL(main.dataset[key] || fallback, document.baseURI).href;
  try {
    const loaded = await client.loadDashboard({
      datasetUrl: url('dataset', 'data/dataset.bin'),
      boundariesUrl: url('boundaries', 'data/boundaries.geojson'),
      sectorsUrl: url('sectors', 'data/sectors.csv'),
    });
    const select = $('scope');
    select.append(...loaded.councils.map(([code, name]) => h('option', { value: code }, name)));
    $('need-options').replaceChildren(...loaded.vocabulary.needs.map((n) =>
      checkbox(n.code, `${n.label} (${n.code})`, 'needs', DEFAULT_NEEDS.includes(n.code))));
    for (const k of loaded.vocabulary.kinds) kindLabels.set(k.code, k.label);
    $('kind-options').replaceChildren(...loaded.vocabulary.kinds.map((k) =>
      checkbox(k.code, k.label, 'kinds', DEFAULT_KINDS.includes(k.code))));
    showImported(loaded.imported);
    main.dataset.ready = 'true';
    main.dataset.gridMs = String(loaded.timing.gridMs);
    await run();
  } catch (error) {
    const box = $('pf-load-error');
    box.textContent = `The dashboard could not start: ${error instanceof Error ? error.message : String(error)}`;
    box.hidden = false;
    status.textContent = '';
    main.dataset.ready = 'false';
  }
}

$('pf-coverage-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run();
});
$('download-councils').addEventListener('click', () => { if (last) downloadCsv(last.councilCsv, 'coverage-councils.csv'); });
$('download-sectors').addEventListener('click', () => { if (last) downloadCsv(last.sectorCsv, 'coverage-sectors.csv'); });
$('download-png').addEventListener('click', () => { if (lastPng) download(lastPng, 'coverage-map.png'); });

start();
