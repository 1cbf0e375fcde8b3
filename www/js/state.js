// The page state: everything a person has entered and chosen, as plain data, and its encoding
// in a URL fragment for share links. Pure: no DOM, no engine.
//
// A share link keeps the whole state after `#`, which browsers never send to a server. Decoding
// treats the fragment as untrusted text: every value is checked against its own pattern and
// anything unknown or malformed is dropped (and reported), never evaluated.

/**
 * @typedef {{ day: string, month: string, year: string }} DateParts
 * @typedef {{
 *   postcode: string,
 *   point: import('./types.js').LatLon | null,
 *   ageMode: 'age' | 'dob',
 *   age: string,
 *   dob: DateParts,
 *   start: DateParts,
 *   outOfYear: boolean,
 *   yearGroup: string,
 *   primaryNeed: string,
 *   otherNeeds: string[],
 *   level: string,
 *   kinds: string[] | null,
 *   radiusMiles: number | null,
 *   childSex: string,
 *   singleSex: string,
 *   religion: string,
 *   boarding: string,
 *   includeIndependent: boolean,
 *   sameLaOnly: boolean,
 *   compare: string[],
 * }} PageState
 *
 * `point` is the home chosen by "use my location" or on the map; it is used when `postcode` is
 * empty. `kinds` and `radiusMiles` are null while they follow the level of need's defaults.
 */

export const FRAGMENT_VERSION = '1';

/** @returns {DateParts} */
function noDate() {
  return { day: '', month: '', year: '' };
}

/** @returns {PageState} */
export function emptyState() {
  return {
    postcode: '',
    point: null,
    ageMode: 'age',
    age: '',
    dob: noDate(),
    start: noDate(),
    outOfYear: false,
    yearGroup: '',
    primaryNeed: '',
    otherNeeds: [],
    level: '',
    kinds: null,
    radiusMiles: null,
    childSex: '',
    singleSex: '',
    religion: '',
    boarding: '',
    includeIndependent: false,
    sameLaOnly: false,
    compare: [],
  };
}

const CODE = /^[A-Za-z0-9_-]{1,40}$/;
const KEY = /^\d{1,8}(-[a-z0-9]{1,12})?$/;
const WORDS = /^[\p{L}\p{N} ,'’()&./-]{1,80}$/u;
const MAX_LIST = 24;

const CHOICES = {
  childSex: ['', 'boys', 'girls'],
  singleSex: ['', 'mixed', 'boys', 'girls'],
  boarding: ['', 'day', 'boarding'],
};

/**
 * A result's stable key from its URN and site: "107950" (the establishment), "107950-rp"
 * (its resourced provision), "107950-unit" (its SEN unit), "107950-s2" (satellite 2).
 * @param {{ urn: number, site?: unknown }} result
 */
export function resultKey(result) {
  const site = result.site;
  /** @type {string} */
  let type = '';
  /** @type {unknown} */
  let number = null;
  if (typeof site === 'string') type = site;
  else if (site && typeof site === 'object') {
    type = String(/** @type {{type?: unknown}} */ (site).type ?? '');
    number = /** @type {{number?: unknown}} */ (site).number;
  }
  switch (type) {
    case '': case 'main': return String(result.urn);
    case 'resourcedProvision': return `${result.urn}-rp`;
    case 'senUnit': return `${result.urn}-unit`;
    case 'satellite': return `${result.urn}-s${Number(number) || 0}`;
    default: return `${result.urn}-${type.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 12)}`;
  }
}

/** @param {DateParts} d */
function dateString(d) {
  return d.day || d.month || d.year ? `${d.year}-${d.month}-${d.day}` : '';
}

/**
 * The state as a fragment (without the leading `#`). Empty and default values are left out,
 * so the link stays short and readable.
 * @param {PageState} state
 * @returns {string}
 */
export function encodeState(state) {
  /** @type {[string, string][]} */
  const pairs = [['v', FRAGMENT_VERSION]];
  /** @param {string} key @param {string} value */
  const add = (key, value) => { if (value !== '') pairs.push([key, value]); };
  add('pc', state.postcode.trim());
  if (!state.postcode.trim() && state.point) {
    add('at', `${state.point.lat.toFixed(5)},${state.point.lon.toFixed(5)}`);
  }
  if (state.ageMode === 'dob') {
    add('am', 'dob');
    add('dob', dateString(state.dob));
    add('start', dateString(state.start));
  } else {
    add('age', state.age.trim());
  }
  if (state.outOfYear) {
    add('oy', '1');
    add('yg', state.yearGroup);
  }
  add('need', state.primaryNeed);
  add('other', state.otherNeeds.join(','));
  add('level', state.level);
  if (state.kinds) add('kinds', state.kinds.length ? state.kinds.join(',') : '-');
  if (state.radiusMiles != null) add('r', String(state.radiusMiles));
  add('sex', state.childSex);
  add('ss', state.singleSex);
  add('rel', state.religion);
  add('board', state.boarding);
  if (state.includeIndependent) add('ind', '1');
  if (state.sameLaOnly) add('la', '1');
  add('cmp', state.compare.join(','));
  return new URLSearchParams(pairs).toString();
}

/**
 * @param {string} text
 * @returns {DateParts | null}
 */
function parseDate(text) {
  const m = /^(\d{0,4})-(\d{0,2})-(\d{0,2})$/.exec(text);
  return m ? { year: m[1], month: m[2], day: m[3] } : null;
}

/**
 * @param {string} text
 * @param {RegExp} pattern
 * @returns {string[] | null}
 */
function parseList(text, pattern) {
  const items = text.split(',').filter((s) => s !== '');
  if (items.length > MAX_LIST || !items.every((s) => pattern.test(s))) return null;
  return [...new Set(items)];
}

/**
 * @param {string} value '1' or '0'
 * @param {(on: boolean) => void} set
 */
function flag(value, set) {
  if (value !== '1' && value !== '0') return false;
  set(value === '1');
  return true;
}

/**
 * A share link's fragment, rather than an in-page link like #main.
 * @param {string} fragment
 */
export function isStateFragment(fragment) {
  return /^#?v=/.test(fragment);
}

/**
 * Reads a fragment (with or without `#`). Never throws: malformed values are dropped and named
 * in `problems`, unknown keys ignored.
 * @param {string} fragment
 * @returns {{ state: PageState, problems: string[], empty: boolean }}
 */
export function decodeState(fragment) {
  const state = emptyState();
  /** @type {string[]} */
  const problems = [];
  const text = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  if (text.length > 4000) return { state, problems: ['the link is too long'], empty: true };
  const params = new URLSearchParams(text);
  let seen = 0;
  /**
   * @param {string} key
   * @param {(value: string) => boolean} apply returns false when the value is malformed
   */
  const read = (key, apply) => {
    const value = params.get(key);
    if (value == null) return;
    if (value.length > 200 || !apply(value)) problems.push(`ignored ${key}`);
    else seen++;
  };
  if (params.has('v') && params.get('v') !== FRAGMENT_VERSION) {
    problems.push(`unknown version ${params.get('v')}`);
  }
  read('pc', (v) => {
    const pc = v.trim().toUpperCase();
    if (pc.length > 10 || !/^[A-Z0-9 ]+$/.test(pc)) return false;
    state.postcode = pc;
    return true;
  });
  read('at', (v) => {
    const m = /^(-?\d{1,2}(?:\.\d{1,7})?),(-?\d{1,3}(?:\.\d{1,7})?)$/.exec(v);
    if (!m) return false;
    const lat = Number(m[1]);
    const lon = Number(m[2]);
    if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return false;
    state.point = { lat, lon };
    return true;
  });
  read('am', (v) => {
    if (v !== 'age' && v !== 'dob') return false;
    state.ageMode = v;
    return true;
  });
  read('age', (v) => {
    if (!/^\d{1,2}$/.test(v)) return false;
    state.age = v;
    return true;
  });
  for (const key of /** @type {const} */ (['dob', 'start'])) {
    read(key, (v) => {
      const d = parseDate(v);
      if (!d) return false;
      state[key] = d;
      return true;
    });
  }
  read('oy', (v) => flag(v, (on) => (state.outOfYear = on)));
  read('yg', (v) => {
    if (!/^(R|N|[1-9]|1[0-4])$/.test(v)) return false;
    state.yearGroup = v;
    return true;
  });
  read('need', (v) => {
    if (!CODE.test(v)) return false;
    state.primaryNeed = v;
    return true;
  });
  read('other', (v) => {
    const list = parseList(v, CODE);
    if (!list) return false;
    state.otherNeeds = list;
    return true;
  });
  read('level', (v) => {
    if (!CODE.test(v)) return false;
    state.level = v;
    return true;
  });
  read('kinds', (v) => {
    const list = v === '-' ? [] : parseList(v, CODE);
    if (!list) return false;
    state.kinds = list;
    return true;
  });
  read('r', (v) => {
    if (!/^\d{1,3}(\.\d{1,2})?$/.test(v)) return false;
    const r = Number(v);
    if (!(r > 0 && r <= 100)) return false;
    state.radiusMiles = r;
    return true;
  });
  for (const key of /** @type {const} */ (['childSex', 'singleSex', 'boarding'])) {
    const short = { childSex: 'sex', singleSex: 'ss', boarding: 'board' }[key];
    read(short, (v) => {
      if (!CHOICES[key].includes(v)) return false;
      state[key] = v;
      return true;
    });
  }
  read('rel', (v) => {
    if (!WORDS.test(v)) return false;
    state.religion = v;
    return true;
  });
  read('ind', (v) => flag(v, (on) => (state.includeIndependent = on)));
  read('la', (v) => flag(v, (on) => (state.sameLaOnly = on)));
  read('cmp', (v) => {
    const list = parseList(v, KEY);
    if (!list) return false;
    state.compare = list;
    return true;
  });
  return { state, problems, empty: seen === 0 };
}
