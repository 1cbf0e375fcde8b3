// The page's side of the engine: a promise-based API over the Web Worker that runs it
// (engine-worker.js → engine.js → the wasm package).

/**
 * @typedef {import('./engine.js').LoadOptions} LoadOptions
 * @typedef {import('./types.js').Meta} Meta
 * @typedef {import('./types.js').Policy} Policy
 * @typedef {import('./types.js').Vocabulary} Vocabulary
 * @typedef {{ meta: Meta, policy: Policy, vocabulary: Vocabulary,
 *   timing: { fetchMs: number, indexMs: number, bytes: number }, cachedAt?: string | null,
 *   imported?: import('./saved-data.js').ImportedInfo | null }} Loaded
 *   cachedAt: set when the dataset came from the service worker's copy (offline), when it was saved
 */

/** An error from the engine, with its code ('load', 'malformed', 'notCovered', 'notFound', 'query', ...). */
export class EngineCallError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = 'EngineCallError';
    this.code = code;
  }
}

export class EngineClient {
  /** @param {URL | string} [workerUrl] */
  constructor(workerUrl = new URL('./engine-worker.js', import.meta.url)) {
    this.worker = new Worker(workerUrl, { type: 'module', name: 'placement-finder-engine' });
    this.nextId = 1;
    /** @type {Map<number, { resolve: (value: any) => void, reject: (error: Error) => void, progress?: (p: any) => void }>} */
    this.pending = new Map();
    this.worker.addEventListener('message', (event) => {
      const { id, ok, value, error, progress } = event.data;
      const call = this.pending.get(id);
      if (!call) return;
      if (progress !== undefined) {
        call.progress?.(progress);
        return;
      }
      this.pending.delete(id);
      if (ok) call.resolve(value);
      else call.reject(new EngineCallError(error.code, error.message));
    });
    this.worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.failAll(new EngineCallError('load', `the engine could not start${event.message ? `: ${event.message}` : ''}`));
    });
    this.worker.addEventListener('messageerror', () => this.failAll(new EngineCallError('query', 'a message from the engine could not be read')));
  }

  /** @param {Error} error */
  failAll(error) {
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
  }

  /**
   * @param {string} method
   * @param {...unknown} args
   * @returns {Promise<any>}
   */
  call(method, ...args) {
    return this.callWithProgress(method, undefined, ...args);
  }

  /**
   * @param {string} method
   * @param {((progress: any) => void) | undefined} progress called with each progress report
   * @param {...unknown} args
   * @returns {Promise<any>}
   */
  callWithProgress(method, progress, ...args) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, progress });
      this.worker.postMessage({ id, method, args });
    });
  }

  /**
   * @param {LoadOptions} options absolute URLs
   * @returns {Promise<Loaded>}
   */
  load(options) {
    return this.call('load', options);
  }

  /**
   * @param {string} postcode
   * @returns {Promise<import('./types.js').PostcodeFix>}
   */
  findPostcode(postcode) {
    return this.call('findPostcode', postcode);
  }

  /**
   * @param {import('./types.js').Query} query
   * @returns {Promise<import('./types.js').ShortList>}
   */
  shortlist(query) {
    return this.call('shortlist', query);
  }

  /**
   * @param {import('./types.js').Query} query
   * @param {number} urn
   * @returns {Promise<import('./types.js').Explanation>}
   */
  explain(query, urn) {
    return this.call('explain', query, urn);
  }

  /**
   * @param {string} dateOfBirth
   * @param {string} startDate
   * @returns {Promise<import('./types.js').AgeAt>}
   */
  ageAt(dateOfBirth, startDate) {
    return this.call('ageAt', dateOfBirth, startDate);
  }

  /**
   * The URLs the engine has fetched (for the service worker to keep).
   * @returns {Promise<string[]>}
   */
  usedUrls() {
    return this.call('usedUrls');
  }

  /**
   * The coverage dashboard's engine (see engine.js `loadDashboard`).
   * @param {import('./engine.js').DashboardOptions} options absolute URLs
   * @returns {Promise<{ councils: [number, string][], vocabulary: Vocabulary, timing: { fetchMs: number, gridMs: number },
   *   imported: import('./saved-data.js').ImportedInfo | null }>}
   */
  loadDashboard(options) {
    return this.call('loadDashboard', options);
  }

  /**
   * @param {import('./engine.js').CoverageFilter} filter
   * @param {number | null} la
   * @returns {Promise<any>} the coverage report (src/coverage.rs `Report`, camelCase) and `timing`
   */
  coverage(filter, la) {
    return this.call('coverage', filter, la);
  }

  /**
   * Rebuilds the data on this device from a council's own files (engine.js `importFiles`).
   * @param {File[]} files
   * @param {{ kitUrl: string }} options
   * @param {(progress: import('./engine.js').ImportProgress) => void} progress
   * @returns {Promise<{ summary: import('./engine.js').RebuildSummary, imported: import('./saved-data.js').ImportedInfo,
   *   councils: [number, string][] | null, timing: { ms: number } }>}
   */
  importFiles(files, options, progress) {
    return this.callWithProgress('importFiles', progress, files, options);
  }

  /** Forgets data imported on this device (the page then reloads). */
  forgetImportedData() {
    return this.call('forgetImportedData');
  }

  /**
   * @param {number | null} la
   * @param {import('./engine.js').MapView} view
   * @returns {Promise<string>} a PNG data URL
   */
  coverageOverlay(la, view) {
    return this.call('coverageOverlay', la, view);
  }
}
