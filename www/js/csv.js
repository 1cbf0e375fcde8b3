// CSV for the shortlist export (RFC 4180, CRLF). Pure: no DOM.
//
// Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return) as a formula, so
// a setting's name or website could otherwise run code on a SENCo's machine ("CSV injection").
// Such text cells get a leading apostrophe, which spreadsheets show as plain text. Numbers are
// written as numbers.

import { ageRangeText, councilText, itemText, placesText, splitReasons } from './format.js';

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One cell: quoted when it holds a comma, quote or line break; formula starts neutralised.
 * @param {string | number | boolean | null | undefined} value
 * @returns {string}
 */
export function csvCell(value) {
  if (value == null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  if (/[",\r\n]/.test(text)) text = `"${text.replace(/"/g, '""')}"`;
  return text;
}

/**
 * Rows to CSV text, CRLF line ends, a final CRLF.
 * @param {ReadonlyArray<ReadonlyArray<string | number | boolean | null | undefined>>} rows
 * @returns {string}
 */
export function toCsv(rows) {
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/**
 * The shortlist as rows: a header, then one row per result in rank order.
 * @param {import('./types.js').ShortList} list
 * @param {{ dataVersion?: string, policy?: string, created?: string }} [about]
 * @returns {(string | number | null)[][]}
 */
export function shortlistRows(list, about = {}) {
  /** @type {(string | number | null)[][]} */
  const rows = [[
    'Rank', 'Name', 'URN', 'Kind of setting', 'Age range', 'Distance (miles, straight line)',
    'Reasons', 'Things to check', 'Places', 'Website', 'Council area', 'Postcode',
    'Data version', 'Policy', 'Created',
  ]];
  for (const r of list.results) {
    const { why, check } = splitReasons(r);
    rows.push([
      r.rank,
      r.name,
      r.urn,
      r.kindLabel || r.kind,
      ageRangeText(r.ageRange),
      Math.round(r.distanceMiles * 10) / 10,
      why.map(itemText).join('; '),
      check.map(itemText).join('; '),
      placesText(r.places),
      r.website ?? null,
      councilText(r),
      r.postcode ?? null,
      about.dataVersion ?? null,
      about.policy ?? null,
      about.created ?? null,
    ]);
  }
  return rows;
}
