// Data a council officer imported on this device (dashboard "Use your own data"), kept in
// IndexedDB so that the finder and the dashboard on this device use it until they return to the
// published data. Works in the page and in the engine's Web Worker. Nothing here is ever sent
// anywhere, and nothing is written unless an officer imports files: a family's visit creates no
// database (the database list is read first).

const DB = 'placement-finder-imported-data';
const STORE = 'imported';
const KEY = 'dataset';

/**
 * @typedef {{ files: string[], importedAt: string, settings: number, dataVersion: string }} ImportedInfo
 * @typedef {ImportedInfo & { bytes: Uint8Array }} ImportedRecord
 */

/** @returns {boolean} */
function available() {
  return typeof indexedDB !== 'undefined';
}

/**
 * @template T
 * @param {IDBRequest<T>} request
 * @returns {Promise<T>}
 */
function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('the browser could not use its local storage'));
  });
}

/** @returns {Promise<IDBDatabase>} */
function open() {
  const request = indexedDB.open(DB, 1);
  request.onupgradeneeded = () => request.result.createObjectStore(STORE);
  return done(request);
}

/** True when this device holds imported data (without creating a database when it does not). */
async function exists() {
  if (!available()) return false;
  if (typeof indexedDB.databases !== 'function') return true;
  const list = await indexedDB.databases();
  return list.some((d) => d.name === DB);
}

/** @returns {Promise<ImportedRecord | null>} */
export async function readImported() {
  try {
    if (!(await exists())) return null;
    const db = await open();
    try {
      const record = await done(db.transaction(STORE).objectStore(STORE).get(KEY));
      return record && record.bytes instanceof Uint8Array ? /** @type {ImportedRecord} */ (record) : null;
    } finally {
      db.close();
    }
  } catch {
    return null; // storage blocked (private mode, policy): the published data it is
  }
}

/** @param {ImportedRecord} record */
export async function saveImported(record) {
  if (!available()) throw new Error('this browser cannot keep data on this device (no IndexedDB)');
  const db = await open();
  try {
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(record, KEY);
    await new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve(undefined);
      tx.onerror = () => reject(tx.error ?? new Error('could not keep the data on this device'));
      tx.onabort = () => reject(tx.error ?? new Error('could not keep the data on this device (is the disk full?)'));
    });
  } finally {
    db.close();
  }
}

/** Forgets the imported data: the next load uses the published data. */
export async function forgetImported() {
  if (!(await exists())) return;
  await done(indexedDB.deleteDatabase(DB));
}
