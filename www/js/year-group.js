// The year-group hint under the child's age: the year group a child of that age (or date of
// birth and start date) usually joins, worked out by the engine.

import { dateText } from './format.js';
import { MAX_AGE, MIN_AGE, isoDate, yearGroupAge } from './query.js';

/**
 * Shows the hint for `state` on the form.
 * @param {import('./state.js').PageState} state
 * @param {{
 *   form: { read: () => import('./state.js').PageState, setYearGroupText: (text: string) => void },
 *   engine: import('./engine-client.js').RemoteEngine,
 *   loaded: unknown,
 * }} parts `loaded` is null until the engine has loaded
 */
export async function showYearGroup(state, { form, engine, loaded }) {
  if (state.outOfYear && yearGroupAge(state.yearGroup) != null) {
    form.setYearGroupText(`We will look for settings that take children of age ${yearGroupAge(state.yearGroup)}, the usual age for that year group.`);
    return;
  }
  if (state.ageMode === 'age') {
    const age = Number(state.age);
    const yearGroup = /^\d{1,2}$/.test(state.age) && age >= MIN_AGE && age <= MAX_AGE ? await engine.yearGroup(age).catch(() => null) : null;
    // The answer may come after the person has changed the age again: show only the current one.
    if (form.read().age !== state.age) return;
    form.setYearGroupText(yearGroup ? `A child who is ${age} on 31 August usually joins ${yearGroup}.` : '');
    return;
  }
  const dob = isoDate(state.dob);
  const start = isoDate(state.start);
  if (!loaded || !dob || !start) {
    form.setYearGroupText('');
    return;
  }
  try {
    const at = await engine.ageAt(dob, start);
    form.setYearGroupText(`Your child will be ${at.age} on the 31 August before ${dateText(start)}, so they would usually join ${at.yearGroup}.`);
  } catch {
    form.setYearGroupText('');
  }
}
