// From what a person entered to what the engine ranks: validation (with the messages the error
// summary shows) and the engine query. Pure: no DOM, no engine.

/**
 * @typedef {import('./state.js').PageState} PageState
 * @typedef {import('./state.js').DateParts} DateParts
 * @typedef {'postcode' | 'age' | 'dob' | 'start' | 'yearGroup' | 'primaryNeed' | 'level' | 'kinds'} Field
 * @typedef {{ field: Field, message: string }} FieldError
 */

import { normalisePostcode } from './postcode.js';

/** Ages the page accepts: from nursery to the end of an EHC plan. */
export const MIN_AGE = 2;
export const MAX_AGE = 25;

/**
 * A real calendar date from day/month/year text, as "YYYY-MM-DD", or null.
 * @param {DateParts} d
 * @returns {string | null}
 */
export function isoDate(d) {
  if (!/^\d{1,2}$/.test(d.day.trim()) || !/^\d{1,2}$/.test(d.month.trim()) || !/^\d{4}$/.test(d.year.trim())) {
    return null;
  }
  const day = Number(d.day);
  const month = Number(d.month);
  const year = Number(d.year);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return null;
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Whole years between two ISO dates (the age on `on` of someone born on `born`).
 * @param {string} born
 * @param {string} on
 */
export function ageOn(born, on) {
  const [by, bm, bd] = born.split('-').map(Number);
  const [y, m, d] = on.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/**
 * The age a year group is usually taught at (age on 31 August before the school year): Nursery 3,
 * Reception 4, Year N is N + 4.
 * @param {string} yearGroup 'N', 'R' or '1'..'14'
 * @returns {number | null}
 */
export function yearGroupAge(yearGroup) {
  if (yearGroup === 'N') return 3;
  if (yearGroup === 'R') return 4;
  return /^(?:[1-9]|1[0-4])$/.test(yearGroup) ? Number(yearGroup) + 4 : null;
}

/**
 * The 1 September that starts the next school year after `today` (an ISO date).
 * @param {string} today
 * @returns {DateParts}
 */
export function nextSeptember(today) {
  const [y, m] = today.split('-').map(Number);
  return { day: '1', month: '9', year: String(m >= 9 ? y + 1 : y) };
}

/**
 * The message for a postcode the engine could not place, by its error code.
 * @param {string} postcode normalised
 * @param {string} code 'outsideEngland', 'notCovered', 'notFound', 'load' (the postcode file could not be had or read), ...
 * @param {string} detail the engine's message
 */
export function postcodeProblem(postcode, code, detail) {
  switch (code) {
    case 'outsideEngland': return `${detail.replace(/: this list covers England only$/, '')}: this list covers settings in England only`;
    case 'notCovered': return `We do not have postcodes for ${postcode.replace(/[0-9].*$/, '')}: use your location or the map instead`;
    case 'load': return `Postcodes in the ${postcode.replace(/[0-9].*$/, '')} area could not be loaded just now, so we could not look up ${postcode}: try again in a few minutes, or use your location or the map`;
    default: return `We could not find ${postcode}: check it, or use your location or the map`;
  }
}

/**
 * Checks the state for a search. Returns the errors in the order of the form, each with the
 * message the error summary and the field show (GOV.UK wording style).
 * @param {PageState} state
 * @param {{ needs: string[], levels: string[], today: string, homeError?: string }} context
 *   `needs` and `levels` are the codes the page offers; `today` an ISO date; `homeError` says why
 *   a well-formed postcode could not be placed (see `postcodeProblem`).
 * @returns {FieldError[]}
 */
export function validate(state, context) {
  /** @type {FieldError[]} */
  const errors = [];
  const pc = state.postcode.trim();
  if (pc === '' && !state.point) {
    errors.push({ field: 'postcode', message: 'Enter your postcode, or use your location or the map' });
  } else if (pc !== '' && !normalisePostcode(pc)) {
    errors.push({ field: 'postcode', message: 'Enter a real postcode, like LS6 2AB' });
  } else if (pc !== '' && context.homeError) {
    errors.push({ field: 'postcode', message: context.homeError });
  }

  if (state.ageMode === 'age') {
    const text = state.age.trim();
    if (text === '') {
      errors.push({ field: 'age', message: 'Enter your child’s age' });
    } else if (!/^\d+$/.test(text)) {
      errors.push({ field: 'age', message: 'Enter your child’s age as a whole number, like 7' });
    } else if (Number(text) < MIN_AGE || Number(text) > MAX_AGE) {
      errors.push({ field: 'age', message: `Age must be between ${MIN_AGE} and ${MAX_AGE}` });
    }
  } else {
    const dob = isoDate(state.dob);
    const start = isoDate(state.start);
    if (!dob) {
      errors.push({ field: 'dob', message: 'Enter your child’s date of birth as a real date, like 27 3 2019' });
    } else if (dob > context.today) {
      errors.push({ field: 'dob', message: 'Date of birth must be in the past' });
    }
    if (!start) {
      errors.push({ field: 'start', message: 'Enter the start date as a real date, like 1 9 2026' });
    } else if (dob && dob <= context.today) {
      const age = ageOn(dob, start);
      if (age < MIN_AGE || age > MAX_AGE) {
        errors.push({ field: 'start', message: `Your child would be ${Math.max(age, 0)} on the start date: the age must be between ${MIN_AGE} and ${MAX_AGE}` });
      }
    }
  }
  if (state.outOfYear && yearGroupAge(state.yearGroup) == null) {
    errors.push({ field: 'yearGroup', message: 'Select the year group your child is taught in' });
  }
  if (!context.needs.includes(state.primaryNeed)) {
    errors.push({ field: 'primaryNeed', message: 'Select your child’s main need' });
  }
  if (!context.levels.includes(state.level)) {
    errors.push({ field: 'level', message: 'Select the level of support your child needs' });
  } else if (state.kinds && state.kinds.length === 0) {
    errors.push({ field: 'kinds', message: 'Select at least one kind of setting' });
  }
  return errors;
}

/**
 * The engine query for a valid state.
 * @param {PageState} state
 * @param {{ home: import('./types.js').LatLon, homeLa: number | null }} where
 * @param {import('./types.js').PolicyLevel} level the level `state.level` names
 * @param {number} limit
 * @returns {import('./types.js').Query}
 */
export function buildQuery(state, where, level, limit) {
  /** @type {import('./types.js').Query} */
  const query = {
    home: where.home,
    // Codes from the engine's own vocabulary (the form offers only those; `validate` checks).
    primaryNeed: /** @type {import('../../bindings/Need').Need} */ (state.primaryNeed),
    otherNeeds: /** @type {import('../../bindings/Need').Need[]} */ (state.otherNeeds.filter((n) => n !== state.primaryNeed)),
    level: level.id,
    limit,
  };
  if (where.homeLa != null) query.homeLa = where.homeLa;
  // Kinds and radius only when the person changed them: otherwise the level's (and then the
  // engine includes independent schools only when asked to).
  if (state.kinds) query.kinds = /** @type {import('../../bindings/ProvisionKind').ProvisionKind[]} */ (state.kinds);
  if (state.radiusMiles != null) query.radiusMiles = state.radiusMiles;
  if (state.ageMode === 'dob') {
    query.dateOfBirth = isoDate(state.dob) ?? undefined;
    query.startDate = isoDate(state.start) ?? undefined;
  } else {
    query.age = Number(state.age);
  }
  const taught = state.outOfYear ? yearGroupAge(state.yearGroup) : null;
  if (taught != null) query.taughtOutOfYearGroup = taught;
  if (state.childSex === 'boys' || state.childSex === 'girls') query.childSex = state.childSex;
  if (state.singleSex === 'boys' || state.singleSex === 'girls' || state.singleSex === 'mixed') query.singleSex = state.singleSex;
  if (state.religion) query.religiousCharacter = state.religion;
  if (state.boarding) query.boarding = state.boarding === 'boarding';
  if (state.includeIndependent) query.includeIndependent = true;
  if (state.sameLaOnly) query.sameLaOnly = true;
  return query;
}
