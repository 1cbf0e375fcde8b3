// "Your search" in words, for the printed list and the CSV: what was asked, so a printed list
// explains itself. Pure: no DOM.

import { isoDate, yearGroupAge } from './query.js';
import { dateText, milesText } from './format.js';

/**
 * @typedef {import('./state.js').PageState} PageState
 * @typedef {import('./types.js').Vocabulary} Vocabulary
 * @typedef {import('./types.js').Policy} Policy
 */

/**
 * The search as [question, answer] pairs.
 * @param {PageState} state
 * @param {{ where: string, vocabulary: Vocabulary, policy: Policy }} context
 * @returns {[string, string][]}
 */
export function describeSearch(state, { where, vocabulary, policy }) {
  /** @param {string} code */
  const need = (code) => vocabulary.needs.find((n) => n.code === code)?.plain ?? code;
  /** @param {string} code */
  const kind = (code) => vocabulary.kinds.find((k) => k.code === code)?.label ?? code;
  const level = policy.levels.find((l) => l.id === state.level);
  /** @type {[string, string][]} */
  const lines = [['Near', where]];
  if (state.ageMode === 'dob') {
    const dob = isoDate(state.dob);
    const start = isoDate(state.start);
    lines.push(['Age', `Born ${dob ? dateText(dob) : '?'}, starting ${start ? dateText(start) : '?'}`]);
  } else {
    lines.push(['Age', `${state.age} on 31 August before they would start`]);
  }
  if (state.outOfYear && yearGroupAge(state.yearGroup) != null) {
    const yg = state.yearGroup === 'R' ? 'Reception' : state.yearGroup === 'N' ? 'Nursery' : `Year ${state.yearGroup}`;
    lines.push(['Year group', `Taught in ${yg} (out of their year group)`]);
  }
  lines.push(['Main need', need(state.primaryNeed)]);
  if (state.otherNeeds.length) lines.push(['Other needs', state.otherNeeds.map(need).join(', ')]);
  if (level) lines.push(['Level of support', level.label]);
  lines.push(['Kinds of setting', (state.kinds ?? level?.kinds ?? []).map(kind).join(', ')]);
  lines.push(['Distance', `Up to ${milesText(state.radiusMiles ?? level?.radiusMiles ?? 0)} in a straight line`]);
  const prefs = [];
  if (state.childSex) prefs.push(state.childSex === 'boys' ? 'a boy' : 'a girl');
  if (state.singleSex) prefs.push(`prefer ${state.singleSex === 'mixed' ? 'mixed' : state.singleSex === 'boys' ? 'boys only' : 'girls only'}`);
  if (state.religion) prefs.push(state.religion === 'none' ? 'no religious character' : `religious character: ${state.religion}`);
  if (state.boarding) prefs.push(state.boarding === 'day' ? 'day places' : 'boarding places');
  if (state.includeIndependent) prefs.push('include independent and non-maintained special schools');
  if (state.sameLaOnly) prefs.push('only my council area');
  if (prefs.length) lines.push(['Preferences', prefs.join('; ')]);
  return lines;
}
