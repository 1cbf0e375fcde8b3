// Writes a brotli quality 11 copy (`name.br`) beside every compressible file in www/ whose copy
// is missing or older, for scripts/serve.mjs to send as it is (quality 11 is 8-10% smaller than
// the quality 9 it compresses with on the fly, too slow to do per request). A real deployment
// should do the same (docs/embedding.md "Serving the files").
//
//   node scripts/precompress.mjs [root=www]

import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, extname, resolve } from 'node:path';
import { brotliCompress, constants } from 'node:zlib';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { COMPRESSIBLE } from './serve.mjs';

const compress = promisify(brotliCompress);

/**
 * @param {string} dir
 * @returns {AsyncGenerator<string>}
 */
async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile() && COMPRESSIBLE.has(extname(entry.name))) yield path;
  }
}

/**
 * @param {string} root
 * @returns {Promise<{ written: number, bytes: number }>}
 */
export async function precompress(root) {
  let written = 0;
  let bytes = 0;
  for await (const path of files(resolve(root))) {
    const [info, copy] = await Promise.all([stat(path), stat(`${path}.br`).catch(() => null)]);
    if (copy && copy.mtimeMs >= info.mtimeMs) continue;
    const body = await readFile(path);
    const br = await compress(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
    await writeFile(`${path}.br`, br);
    written++;
    bytes += br.length;
  }
  return { written, bytes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { written, bytes } = await precompress(process.argv[2] ?? 'www');
  console.log(`precompress: ${written} brotli-11 copies written (${bytes} bytes)`);
}
