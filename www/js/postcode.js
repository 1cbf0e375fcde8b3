// Postcode text, checked on the page before anything is looked up. Pure: no DOM, no engine.
//
// A full postcode ("LS6 2AB") is accepted. The only part that ever leaves the page is the *area*
// letters ("LS"), which name the shard file to fetch.

const FULL = /^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$/;

/**
 * Normalises what a person typed: upper case, one space before the inward code.
 * Returns null when it is not shaped like a full UK postcode.
 *
 * ```js
 * normalisePostcode(' ls62ab ') // 'LS6 2AB'
 * normalisePostcode('sw1a 1aa') // 'SW1A 1AA'
 * normalisePostcode('LS6 2A')   // null
 * ```
 * @param {string} text
 * @returns {string | null}
 */
export function normalisePostcode(text) {
  const compact = String(text).toUpperCase().replace(/[\s\u00a0]+/g, '');
  if (compact.length > 8) return null;
  const full = FULL.exec(compact);
  return full ? `${full[1]} ${full[2]}` : null;
}

/**
 * The postcode area: the leading letters ("LS" for "LS6 2AB", "E" for "E1 6AN").
 * @param {string} normalised a value returned by `normalisePostcode`
 * @returns {string}
 */
export function postcodeAreaLetters(normalised) {
  const m = /^[A-Z]{1,2}/.exec(normalised);
  if (!m) throw new Error(`expected a normalised postcode, found ${JSON.stringify(normalised)}`);
  return m[0];
}
