// A small static file server for the page and the tests: correct MIME types (application/wasm),
// brotli/gzip when the browser accepts it (a pre-compressed brotli-11 `name.br` when there is
// one), validators (ETag, Last-Modified: a second fetch of an unchanged file, the service
// worker's above all, is a 304 without a body), and the strict security headers a council should
// send (see README "Embedding"). No dependencies.
//
//   node scripts/serve.mjs [root=www]        PORT (default 8000), HOST (default 127.0.0.1),
//                                            FRAME_ANCESTORS (origins that may embed the finder, default 'self'),
//                                            TILE_ORIGIN (the map tile server's origin, when tiles are on)
//
// `serve(root, { port, host, frameAncestors, tileOrigin })` is exported for the tests, which start it in-process.

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { fileURLToPath } from 'node:url';

/** @type {Record<string, string>} */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.geojson': 'application/geo+json',
};
/** Sent compressed: a `name.br` beside the file (scripts/precompress.mjs, brotli-11) when it is as new, else compressed here. */
export const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.geojson', '.wasm', '.bin', '.svg', '.csv', '.txt']);

/**
 * The Content-Security-Policy the page and the embed are built to work under.
 * @param {string} frameAncestors the origins that may embed the finder (README.md "Embedding")
 * @param {string} [tileOrigin] the map tile server's origin, when a council turns tiles on
 */
export function csp(frameAncestors = "'self'", tileOrigin = '') {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    `img-src 'self' data:${tileOrigin ? ` ${tileOrigin}` : ''}`,
    "connect-src 'self'",
    "worker-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

/**
 * Starts a server. Resolves to the node server once listening.
 * @param {string} root
 * @param {{ port?: number, host?: string, frameAncestors?: string, tileOrigin?: string, log?: (line: string) => void }} [options]
 * @returns {Promise<import('node:http').Server>}
 */
export function serve(root, { port = 8000, host = '127.0.0.1', frameAncestors = "'self'", tileOrigin = '', log } = {}) {
  const base = resolve(root);
  /** @type {Map<string, {body: Buffer, br: Buffer | null, gz: Buffer | null, mtime: number, preBr: number}>} */
  const cache = new Map();
  const server = createServer(async (req, res) => {
    // A request target is a path, never a URL to resolve: `//x` would otherwise read as a host.
    // One that is not a path, or holds a malformed %-escape, is a 400, never a crash.
    let path;
    try {
      path = decodeURIComponent(new URL(`http://localhost${req.url?.startsWith('/') ? req.url : '/'}`).pathname);
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Bad request\n');
      return;
    }
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(base, path));
    const headers = {
      'Content-Security-Policy': csp(frameAncestors, tileOrigin),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Permissions-Policy': 'geolocation=(self), camera=(), microphone=()',
      'Cache-Control': 'no-cache',
    };
    // A conditional request (the browser revalidating a copy it holds: a 304 when unchanged) is
    // marked, so that the tests can tell a download from a revalidation.
    if (log) log(`${req.method} ${req.url}${req.headers['if-none-match'] ? ' (revalidation)' : ''}`);
    if (!file.startsWith(base + sep) && file !== base) {
      res.writeHead(403, headers).end('forbidden');
      return;
    }
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      let entry = cache.get(file);
      if (!entry || entry.mtime !== info.mtimeMs) {
        const body = await readFile(file);
        entry = { body, br: null, gz: null, mtime: info.mtimeMs, preBr: 0 };
        cache.set(file, entry);
      }
      const ext = extname(file);
      const accept = String(req.headers['accept-encoding'] ?? '');
      /** @type {Record<string, string>} */
      const h = { ...headers, 'Content-Type': TYPES[ext] ?? 'application/octet-stream', Vary: 'Accept-Encoding' };
      let body = entry.body;
      let encoding = '';
      if (COMPRESSIBLE.has(ext) && /\bbr\b/.test(accept)) {
        // A pre-compressed copy as new as the file (scripts/precompress.mjs), else quality 9 here.
        const pre = await stat(`${file}.br`).catch(() => null);
        if (pre && pre.mtimeMs >= info.mtimeMs && (!entry.br || entry.preBr !== pre.mtimeMs)) {
          entry.br = await readFile(`${file}.br`);
          entry.preBr = pre.mtimeMs;
        }
        entry.br ??= brotliCompressSync(entry.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } });
        body = entry.br;
        encoding = 'br';
      } else if (COMPRESSIBLE.has(ext) && /\bgzip\b/.test(accept)) {
        entry.gz ??= gzipSync(entry.body, { level: 9 });
        body = entry.gz;
        encoding = 'gzip';
      }
      // Weak: the bytes differ by encoding; the file is the same.
      const etag = `W/"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`;
      h.ETag = etag;
      h['Last-Modified'] = new Date(Math.floor(info.mtimeMs / 1000) * 1000).toUTCString();
      const ifNoneMatch = String(req.headers['if-none-match'] ?? '');
      const ifModifiedSince = Date.parse(String(req.headers['if-modified-since'] ?? ''));
      const notModified = ifNoneMatch
        ? ifNoneMatch.split(',').some((t) => t.trim() === etag || t.trim() === '*')
        : ifModifiedSince >= Math.floor(info.mtimeMs / 1000) * 1000;
      if (notModified && (req.method === 'GET' || req.method === 'HEAD')) {
        res.writeHead(304, h);
        res.end();
        return;
      }
      if (encoding) h['Content-Encoding'] = encoding;
      h['Content-Length'] = String(body.length);
      res.writeHead(200, h);
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><title>Not found</title><h1>Not found</h1>');
    }
  });
  return new Promise((done) => server.listen(port, host, () => done(server)));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] ?? 'www';
  const port = Number(process.env.PORT ?? 8000);
  const host = process.env.HOST ?? '127.0.0.1';
  const server = await serve(root, {
    port, host, frameAncestors: process.env.FRAME_ANCESTORS || "'self'", tileOrigin: process.env.TILE_ORIGIN || '',
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  console.log(`placement finder: http://${host}:${actual}/  (serving ${root}; Ctrl+C to stop)`);
}
