// Writes www/embed.html from www/index.html, so that the embed and the full page share one copy
// of the form and results markup: the embed drops the site header and runs js/embed-frame.js (bundled) before the page's script.
// tests/js/embed.test.mjs fails when embed.html is out of date.
//
//   node scripts/make-embed.mjs

import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WWW = join(dirname(fileURLToPath(import.meta.url)), '../www');

/**
 * @param {string} index the text of index.html
 * @returns {string} the text of embed.html
 */
export function makeEmbed(index) {
  /** @type {[RegExp, string][]} */
  const edits = [
    [/<html lang="en-GB">/, '<!-- Generated from index.html by scripts/make-embed.mjs: edit index.html, then run it. -->\n<html lang="en-GB" class="pf-embed">'],
    [/<title>([^<]*)<\/title>/, '<title>$1 (embedded)</title>'],
    // The embed's set-up (its URL's settings) runs first: module scripts run in document order.
    [/<script type="module" src="bundle\/main\.js"><\/script>/, '<script type="module" src="bundle/embed-frame.js"></script>\n  <script type="module" src="bundle/main.js"></script>'],
    [/\n *<header class="pf-header">[\s\S]*?<\/header>\n/, '\n'],
    // The embed's data files can be set in its URL (embed-frame.js): no preload of the defaults.
    [/\n *<link rel="preload" href="data\/finder\/core\.bin"[^>]*>/, ''],
    [/\n *<link rel="preload" href="data\/postcodes\/index\.json"[^>]*>/, ''],
  ];
  let out = index;
  for (const [pattern, replacement] of edits) {
    if (!pattern.test(out)) throw new Error(`make-embed: index.html no longer has ${pattern}`);
    out = out.replace(pattern, replacement);
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const index = await readFile(join(WWW, 'index.html'), 'utf8');
  await writeFile(join(WWW, 'embed.html'), makeEmbed(index));
  console.log('wrote www/embed.html');
}
