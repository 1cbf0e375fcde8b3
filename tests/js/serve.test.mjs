// scripts/serve.mjs, the server the page, the tests and the benchmark use: what a phone's
// first visit depends on besides the page itself. Compression of every text and data type
// (the council boundaries too), a pre-compressed brotli-11 copy used only while it is as new as
// its file, and validators so that a second fetch of an unchanged file (the service worker's
// install, right after the first visit) costs a 304 and no body.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { serve } from '../../scripts/serve.mjs';

/** @type {import('node:http').Server} */
let server;
let base = '';
let root = '';
const geojson = JSON.stringify({ type: 'FeatureCollection', features: Array.from({ length: 200 }, (_, i) => ({ type: 'Feature', properties: { code: `E0600000${i}` }, geometry: null })) });

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'pf-serve-'));
  await writeFile(join(root, 'boundaries.geojson'), geojson);
  await writeFile(join(root, 'page.js'), 'export const answer = 42;\n'.repeat(50));
  await writeFile(join(root, 'data.bin'), Buffer.alloc(4000, 7));
  server = await serve(root, { port: 0 });
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
after(() => server.close());

/**
 * @param {string} path
 * @param {Record<string, string>} [headers]
 */
async function get(path, headers = {}) {
  // node's fetch decodes brotli itself: ask with a raw request to see the bytes sent.
  const { request } = await import('node:http');
  return new Promise((done, fail) => {
    request(`${base}${path}`, { headers: { 'accept-encoding': 'br, gzip', ...headers } }, (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', fail).end();
  });
}

describe('serve.mjs', () => {
  it('answers odd request targets (`//`, a malformed %-escape) without crashing, and goes on serving', async () => {
    assert.equal((/** @type {any} */ (await get('//'))).status, 404, 'a path, not a host: no index.html in this root');
    assert.equal((/** @type {any} */ (await get('//data.bin'))).status, 200);
    assert.equal((/** @type {any} */ (await get('/%E0%A4%A'))).status, 400);
    assert.equal((/** @type {any} */ (await get('/data.bin'))).status, 200);
  });

  it('compresses council boundaries (.geojson) like the other data files', async () => {
    const r = /** @type {any} */ (await get('/boundaries.geojson'));
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], 'br');
    assert.match(r.headers['content-type'], /^application\/geo\+json/);
    assert.ok(r.body.length < geojson.length / 5, `${r.body.length} bytes on the wire for ${geojson.length}`);
    assert.equal(brotliDecompressSync(r.body).toString(), geojson);
  });

  it('answers a request for an unchanged file with 304 and no body (ETag and Last-Modified)', async () => {
    const first = /** @type {any} */ (await get('/data.bin'));
    assert.equal(first.status, 200);
    assert.ok(first.headers.etag, 'an ETag');
    assert.ok(first.headers['last-modified'], 'a Last-Modified');
    const again = /** @type {any} */ (await get('/data.bin', { 'if-none-match': first.headers.etag }));
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    const since = /** @type {any} */ (await get('/data.bin', { 'if-modified-since': first.headers['last-modified'] }));
    assert.equal(since.status, 304);
    // A changed file is sent again.
    await writeFile(join(root, 'data.bin'), Buffer.alloc(4001, 7));
    const changed = /** @type {any} */ (await get('/data.bin', { 'if-none-match': first.headers.etag }));
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.etag, first.headers.etag);
  });

  it('sends a pre-compressed brotli copy as it is while it is as new as its file, never a stale one', async () => {
    const js = await readFile(join(root, 'page.js'));
    const copy = brotliCompressSync(js, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
    await writeFile(join(root, 'page.js.br'), copy);
    const fresh = /** @type {any} */ (await get('/page.js'));
    assert.equal(fresh.headers['content-encoding'], 'br');
    assert.deepEqual(fresh.body, copy);
    // The file changes after its copy was made: the copy is not used.
    const later = new Date(Date.now() + 5000);
    await writeFile(join(root, 'page.js'), 'export const answer = 43;\n'.repeat(50));
    await utimes(join(root, 'page.js'), later, later);
    const stale = /** @type {any} */ (await get('/page.js'));
    assert.equal(brotliDecompressSync(stale.body).toString(), 'export const answer = 43;\n'.repeat(50));
  });
});
