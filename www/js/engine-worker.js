// The Web Worker the engine runs in, so that loading the dataset and ranking never block the
// page. It calls any function engine.js exports, by name: one generic proxy (engine-client.js)
// on the page's side, nothing to add here for a new engine call.
// Messages: {id, method, args, progress} in; {id, progress} reports (when asked for), then
// {id, ok: true, value} or {id, ok: false, error: {code, message}} out.

import * as engine from './engine.js';

/** @type {Record<string, unknown>} */
const exported = engine;

self.addEventListener('message', async (event) => {
  const { id, method, args, progress } = /** @type {MessageEvent<{id: number, method: string, args: unknown[], progress?: boolean}>} */ (event).data;
  try {
    const fn = exported[method];
    if (typeof fn !== 'function' || fn === engine.EngineError) throw new engine.EngineError('query', `unknown method ${method}`);
    // A call made with a progress callback gets one here, last, that reports to the page.
    const all = progress ? [...args, (/** @type {unknown} */ p) => self.postMessage({ id, progress: p })] : args;
    const value = await fn(...all);
    self.postMessage({ id, ok: true, value });
  } catch (error) {
    const e = /** @type {{ message?: unknown, code?: unknown }} */ (error ?? {});
    self.postMessage({ id, ok: false, error: { message: String(e.message ?? error), code: String(e.code ?? 'query') } });
  }
});
