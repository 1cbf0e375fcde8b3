// The engine adapter: the only module that imports the wasm package. It runs inside the Web
// Worker (engine-worker.js), owns the one long-lived Finder, fetches the dataset and the postcode
// shards, and turns engine failures into errors with a stable `code` the page can act on.
//
// Privacy: the only requests made here are for the dataset, the policy pack (if a council sets
// one), the shard manifest and one shard per postcode *area* ("LS"); never anything that carries
// the rest of the postcode, the child's age or needs.

import init, { Finder, lookupPostcode, postcodeArea } from '../pkg/placement_finder.js';

/**
 * @typedef {{ datasetUrl: string, postcodesUrl: string, policyUrl?: string | null }} LoadOptions
 * @typedef {'load' | 'malformed' | 'notCovered' | 'notFound' | 'query' | 'notLoaded'} ErrorCode
 */

/** An engine failure with a code the page can act on. */
export class EngineError extends Error {
  /**
   * @param {ErrorCode} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
  }
}

/** @type {Finder | null} */
let finder = null;
/** @type {string} */
let postcodesUrl = '';
/** @type {Promise<Set<string>> | null} */
let areas = null;
/** @type {Map<string, Promise<Uint8Array>>} */
const shards = new Map();

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * @param {string} url
 * @param {string} what
 */
async function fetchOk(url, what) {
  const response = await fetch(url, { credentials: 'omit', cache: 'default' });
  if (!response.ok) throw new EngineError('load', `could not load ${what} (${url}): HTTP ${response.status}`);
  return response;
}

/** @returns {Finder} */
function ready() {
  if (!finder) throw new EngineError('notLoaded', 'the engine is not loaded yet');
  return finder;
}

/**
 * Starts the engine: fetches the dataset (and a council's policy pack, if any) and builds the
 * index. Returns what the page needs to build its form and statements.
 * @param {LoadOptions} options
 */
export async function load(options) {
  postcodesUrl = options.postcodesUrl.endsWith('/') ? options.postcodesUrl : `${options.postcodesUrl}/`;
  const started = performance.now();
  const [, dataset, policy] = await Promise.all([
    init(),
    fetchOk(options.datasetUrl, 'the list of settings').then((r) => r.arrayBuffer()),
    options.policyUrl ? fetchOk(options.policyUrl, 'the council policy pack').then((r) => r.text()) : null,
  ]);
  const fetched = performance.now();
  try {
    finder = new Finder(new Uint8Array(dataset), policy);
  } catch (error) {
    throw new EngineError('load', messageOf(error));
  }
  return {
    meta: finder.meta(),
    policy: finder.policy(),
    vocabulary: finder.vocabulary(),
    timing: { fetchMs: fetched - started, indexMs: performance.now() - fetched, bytes: dataset.byteLength },
  };
}

/** @returns {Promise<Set<string>>} */
function shardAreas() {
  areas ??= fetchOk(`${postcodesUrl}manifest.json`, 'the postcode list')
    .then((r) => r.json())
    .then((manifest) => {
      const list = Array.isArray(manifest) ? manifest : manifest.areas;
      if (!Array.isArray(list)) throw new EngineError('load', 'the postcode manifest has no list of areas');
      return new Set(list.map((a) => (typeof a === 'string' ? a : String(a.area ?? a.code ?? ''))));
    })
    .catch((error) => {
      areas = null; // try again next time
      throw error;
    });
  return areas;
}

/**
 * Looks a postcode up offline. Only its area letters name the file fetched.
 * @param {string} postcode
 * @returns {Promise<import('./types.js').PostcodeFix>}
 */
export async function findPostcode(postcode) {
  /** @type {string} */
  let area;
  try {
    area = postcodeArea(postcode);
  } catch (error) {
    throw new EngineError('malformed', messageOf(error));
  }
  if (!/^[A-Z]{1,2}$/.test(area)) throw new EngineError('malformed', `not a postcode area: ${area}`);
  if (!(await shardAreas()).has(area)) {
    throw new EngineError('notCovered', `postcodes in the ${area} area are not in this list`);
  }
  let shard = shards.get(area);
  if (!shard) {
    shard = fetchOk(`${postcodesUrl}${area}.bin`, `postcodes for ${area}`)
      .then((r) => r.arrayBuffer())
      .then((b) => new Uint8Array(b));
    shards.set(area, shard);
    shard.catch(() => shards.delete(area));
  }
  const bytes = await shard;
  try {
    return lookupPostcode(bytes, postcode);
  } catch (error) {
    throw new EngineError('notFound', messageOf(error));
  }
}

/** @param {import('./types.js').Query} query */
export function shortlist(query) {
  try {
    return /** @type {import('./types.js').ShortList} */ (ready().shortlist(query));
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw new EngineError('query', messageOf(error));
  }
}

/**
 * @param {import('./types.js').Query} query
 * @param {number} urn
 */
export function explain(query, urn) {
  try {
    return /** @type {import('./types.js').Explanation} */ (ready().explain(query, urn));
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw new EngineError('query', messageOf(error));
  }
}

/**
 * @param {string} dateOfBirth
 * @param {string} startDate
 * @returns {import('./types.js').AgeAt}
 */
export function ageAt(dateOfBirth, startDate) {
  try {
    return ready().ageAt(dateOfBirth, startDate);
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw new EngineError('query', messageOf(error));
  }
}
