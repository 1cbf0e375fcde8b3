// The Web Worker the engine runs in, so that loading the dataset and ranking never block the
// page. Messages: {id, method, args} in; {id, ok: true, value} or {id, ok: false, error} out.

import * as engine from './engine.js';

/** @type {Record<string, (...args: any[]) => unknown>} */
const methods = {
  load: engine.load,
  findPostcode: engine.findPostcode,
  shortlist: engine.shortlist,
  explain: engine.explain,
  ageAt: engine.ageAt,
  usedUrls: engine.usedUrls,
  loadDashboard: engine.loadDashboard,
  coverage: engine.coverage,
  coverageOverlay: engine.coverageOverlay,
  forgetImportedData: engine.forgetImportedData,
};

self.addEventListener('message', async (event) => {
  const { id, method, args } = /** @type {MessageEvent<{id: number, method: string, args: unknown[]}>} */ (event).data;
  try {
    // The import reports its progress as it goes: {id, progress} messages before the answer.
    const progress = (/** @type {unknown} */ p) => self.postMessage({ id, progress: p });
    const fn = methods[method];
    if (method !== 'importFiles' && !fn) throw new engine.EngineError('query', `unknown method ${method}`);
    const value = method === 'importFiles'
      ? await engine.importFiles(progress, .../** @type {[File[], { kitUrl: string }]} */ (args))
      : await fn(...args);
    self.postMessage({ id, ok: true, value });
  } catch (error) {
    const e = /** @type {{ message?: unknown, code?: unknown }} */ (error ?? {});
    self.postMessage({ id, ok: false, error: { message: String(e.message ?? error), code: String(e.code ?? 'query') } });
  }
});
