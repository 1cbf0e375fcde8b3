// Words and numbers as the page shows them. Pure: no DOM.

/**
 * The text of a reason or flag, whichever shape the engine sent.
 * @param {import('./types.js').Reason | string} item
 */
export function itemText(item) {
  return typeof item === 'string' ? item : item.text;
}

/**
 * The code of a reason or flag ('' for a bare string).
 * @param {import('./types.js').Reason | string} item
 */
export function itemCode(item) {
  return typeof item === 'string' ? '' : item.code;
}

/**
 * Miles to one decimal place, as words: "0.4 miles", "1 mile", "12.5 miles".
 * @param {number} miles
 */
export function milesText(miles) {
  const rounded = Math.round(miles * 10) / 10;
  return `${rounded} ${rounded === 1 ? 'mile' : 'miles'}`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];

/**
 * "2025-01-16" → "16 January 2025"; "2025-01" → "January 2025"; anything else unchanged.
 * @param {string} iso
 */
export function dateText(iso) {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?/.exec(iso);
  if (!m) return iso;
  const month = MONTHS[Number(m[2]) - 1];
  if (!month) return iso;
  return m[3] ? `${Number(m[3])} ${month} ${m[1]}` : `${month} ${m[1]}`;
}

/**
 * Places information in words ("10 places, 9 on roll (January 2025)"), or null if none.
 * @param {import('./types.js').Places | null | undefined} places
 * @returns {string | null}
 */
export function placesText(places) {
  if (!places) return null;
  const parts = [];
  if (places.capacity != null) parts.push(`${places.capacity} places`);
  if (places.onRoll != null) parts.push(`${places.onRoll} on roll`);
  if (parts.length === 0) return null;
  return places.asOf ? `${parts.join(', ')} (${dateText(places.asOf)})` : parts.join(', ');
}

/**
 * A link target only if it is http(s); bare domains ("www.school.sch.uk", common in GIAS) get
 * https://. Anything else (javascript:, data:, mailto:, junk) gives null: shown as no link.
 * @param {string | null | undefined} raw
 * @returns {string | null}
 */
export function safeWebsite(raw) {
  if (!raw) return null;
  let text = String(raw).trim();
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) {
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?([/?#]|$)/i.test(text)) return null;
    text = `https://${text}`;
  }
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username || url.password) return null;
    return url.href;
  } catch {
    return null;
  }
}

/**
 * An age range in words: "4 to 11", or "4 to 11 (usual for its phase)" when not recorded.
 * @param {import('./types.js').Result['ageRange']} range
 * @returns {string | null}
 */
export function ageRangeText(range) {
  if (!range) return null;
  const text = `${range.low} to ${range.high}`;
  return range.basis === 'phase' ? `${text} (usual for its phase)` : text;
}

/**
 * A result's reasons split into why it is on the list and the things to check (its flags).
 * @param {import('./types.js').Result} result
 * @returns {{ why: import('./types.js').Reason[], check: (import('./types.js').Reason | string)[] }}
 */
export function splitReasons(result) {
  const flagCodes = new Set(result.flags.filter((f) => typeof f === 'string'));
  const flagItems = result.flags.filter((f) => typeof f !== 'string');
  return {
    why: result.reasons.filter((r) => !flagCodes.has(r.code)),
    check: [...result.reasons.filter((r) => flagCodes.has(r.code)), ...flagItems],
  };
}

/**
 * The council a result is in, by name when known.
 * @param {import('./types.js').Result} result
 * @returns {string | null}
 */
export function councilText(result) {
  return result.la?.name ?? null;
}
