// The page's side of the engine: every function engine.js exports, called by name in the Web
// Worker that runs it (engine-worker.js → engine.js → the wasm package) and answered as a
// promise. One generic proxy: a new engine call is a new export in engine.js, nothing here.

/**
 * An engine module's functions as the page calls them: same arguments, answers as promises.
 * A function argument in last place is a progress callback (it stays on the page; the worker
 * passes one of its own that reports here).
 * @template T
 * @typedef {{ [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never }} Remote
 */

/**
 * @typedef {typeof import('./engine.js')} Engine
 * @typedef {Remote<Engine>} RemoteEngine
 * @typedef {import('./engine.js').LoadOptions} LoadOptions
 * @typedef {Awaited<ReturnType<Engine['load']>>} Loaded
 *   `cachedAt` is set when the dataset came from the service worker's copy (offline), when it was saved
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

/**
 * Starts the engine's worker and returns the engine, as promises.
 * @param {URL | string} [workerUrl]
 * @returns {RemoteEngine}
 */
export function connectEngine(workerUrl = new URL('./engine-worker.js', import.meta.url)) {
  const worker = new Worker(workerUrl, { type: 'module', name: 'placement-finder-engine' });
  let nextId = 1;
  /** @type {Map<number, { resolve: (value: any) => void, reject: (error: Error) => void, progress?: (p: any) => void }>} */
  const pending = new Map();
  /** @param {Error} error */
  const failAll = (error) => {
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  worker.addEventListener('message', (event) => {
    const { id, ok, value, error, progress } = event.data;
    const call = pending.get(id);
    if (!call) return;
    if (progress !== undefined) {
      call.progress?.(progress);
      return;
    }
    pending.delete(id);
    if (ok) call.resolve(value);
    else call.reject(new EngineCallError(error.code, error.message));
  });
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    failAll(new EngineCallError('load', `the engine could not start${event.message ? `: ${event.message}` : ''}`));
  });
  worker.addEventListener('messageerror', () => failAll(new EngineCallError('query', 'a message from the engine could not be read')));

  /** @type {Map<string, (...args: unknown[]) => Promise<any>>} */
  const methods = new Map();
  return /** @type {RemoteEngine} */ (new Proxy(/** @type {Record<string, unknown>} */ ({}), {
    get(_, name) {
      if (typeof name !== 'string' || name === 'then') return undefined; // not a thenable
      let method = methods.get(name);
      if (!method) {
        method = (...args) => {
          const progress = typeof args.at(-1) === 'function' ? /** @type {(p: any) => void} */ (args.pop()) : undefined;
          const id = nextId++;
          return new Promise((resolve, reject) => {
            pending.set(id, { resolve, reject, progress });
            // Streams go over, not copied (a file the page fetched for the engine, startup.js).
            worker.postMessage({ id, method: name, args, progress: Boolean(progress) }, args.filter((a) => a instanceof ReadableStream));
          });
        };
        methods.set(name, method);
      }
      return method;
    },
  }));
}

/**
 * `new EngineClient()`: the same as `connectEngine()`.
 * @type {new (workerUrl?: URL | string) => RemoteEngine}
 */
export const EngineClient = /** @type {any} */ (function EngineClient(/** @type {URL | string | undefined} */ workerUrl) {
  return connectEngine(workerUrl);
});
