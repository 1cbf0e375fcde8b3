// Where home is: a postcode looked up offline by the engine (each one once, and again after a
// failure), or a place on the map or from "use my location". Says what it found on the form.

import { normalisePostcode } from './postcode.js';
import { postcodeProblem } from './query.js';
import { approximateText } from './results.js';

/**
 * @typedef {import('./types.js').PostcodeFix} PostcodeFix
 * @typedef {import('./state.js').PageState} PageState
 * @typedef {{ where: { home: import('./types.js').LatLon, homeLa: number | null } | null, label: string, problem?: string, note?: string }} Where
 *   `problem` says why a well-formed postcode could not be placed; `note` that it was placed approximately
 */

/** @param {PostcodeFix} fix */
export function whereText(fix) {
  switch (fix.precision) {
    case 'unit': return `Found ${fix.postcode}.`;
    case 'sector': return `${fix.postcode} is not in our list of postcodes, so we are using the middle of postcode sector ${fix.postcode.slice(0, -2)}.`;
    default: return `${fix.postcode} is not in our list of postcodes, so we are using the middle of the ${fix.postcode.split(' ')[0]} postcode district.`;
  }
}

export class HomeFinder {
  /**
   * @param {{ findPostcode: (postcode: string) => Promise<PostcodeFix> }} engine
   * @param {{ setWhereStatus: (text: string) => void }} form
   * @param {number | null} homeCouncil the council a place on the map counts as in (the embed's `home-la`)
   */
  constructor(engine, form, homeCouncil) {
    this.engine = engine;
    this.form = form;
    this.homeCouncil = homeCouncil;
    /** @type {Map<string, Promise<PostcodeFix>>} */
    this.postcodes = new Map();
  }

  /**
   * @param {string} postcode normalised
   * @returns {Promise<PostcodeFix>}
   */
  find(postcode) {
    let fix = this.postcodes.get(postcode);
    if (!fix) {
      fix = this.engine.findPostcode(postcode);
      this.postcodes.set(postcode, fix);
      // A failed look-up is asked again next time (the postcode file may be back).
      fix.catch(() => this.postcodes.delete(postcode));
    }
    return fix;
  }

  /**
   * Resolves where home is.
   * @param {PageState} state
   * @returns {Promise<Where>}
   */
  async resolve(state) {
    if (state.postcode) {
      const postcode = normalisePostcode(state.postcode);
      if (!postcode) {
        this.form.setWhereStatus('');
        return { where: null, label: '' };
      }
      try {
        const fix = await this.find(postcode);
        this.form.setWhereStatus(whereText(fix));
        return { where: { home: fix.location, homeLa: fix.la ?? this.homeCouncil }, label: fix.postcode, note: approximateText(fix) };
      } catch (error) {
        this.form.setWhereStatus('');
        const { code = '', message = '' } = /** @type {{code?: string, message?: string}} */ (error);
        // The postcode file could not be had or read: said on the postcode field; details for the web team.
        if (code === 'load') console.warn(`placement-finder: ${message}`);
        return { where: null, label: '', problem: postcodeProblem(postcode, code, message) };
      }
    }
    if (state.point) return { where: { home: state.point, homeLa: this.homeCouncil }, label: 'the place you chose' };
    return { where: null, label: '' };
  }
}

/**
 * "Use my location": asks the browser where the device is and sets it as home on the form,
 * saying so (or why not); calls `onFound` once it is set.
 * @param {{ setPoint: (point: import('./types.js').LatLon | null) => void, setWhereStatus: (text: string) => void }} form
 * @param {() => void} onFound
 */
export function useMyLocation(form, onFound) {
  if (!('geolocation' in navigator)) {
    form.setWhereStatus('This browser cannot share your location. Enter your postcode instead.');
    return;
  }
  form.setWhereStatus('Finding your location…');
  navigator.geolocation.getCurrentPosition((position) => {
    form.setPoint({ lat: position.coords.latitude, lon: position.coords.longitude });
    form.setWhereStatus(`Using your location (to about ${Math.round(position.coords.accuracy)} metres). It stays on this device.`);
    onFound();
  }, (error) => {
    form.setWhereStatus(error.code === error.PERMISSION_DENIED
      ? 'You did not allow the page to use your location. Enter your postcode instead.'
      : 'Your location could not be found. Enter your postcode instead.');
  }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 60000 });
}
