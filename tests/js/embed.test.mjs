// The embed's static parts: embed.html is index.html with the embed's edits (one copy of the
// markup), the service worker's app shell lists every file the page loads, and the theme filter
// refuses values that could escape a custom property.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeEmbed } from '../../scripts/make-embed.mjs';

const WWW = join(dirname(fileURLToPath(import.meta.url)), '../../www');

describe('embed.html', () => {
  it('is index.html with the embed’s edits (run `node scripts/make-embed.mjs` after changing index.html)', async () => {
    const [index, embed] = await Promise.all([readFile(join(WWW, 'index.html'), 'utf8'), readFile(join(WWW, 'embed.html'), 'utf8')]);
    assert.equal(embed, makeEmbed(index));
  });

  it('has no site header, and loads the embed’s entry point', async () => {
    const embed = await readFile(join(WWW, 'embed.html'), 'utf8');
    assert.ok(!embed.includes('pf-header'));
    assert.match(embed, /<html lang="en-GB" class="pf-embed">/);
    assert.match(embed, /<script type="module" src="bundle\/embed-frame\.js"><\/script>\n  <script type="module" src="bundle\/main\.js"><\/script>/);
  });

  it('has no inline script or style (the CSP allows neither)', async () => {
    for (const file of ['index.html', 'embed.html']) {
      const html = await readFile(join(WWW, file), 'utf8');
      assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), `${file}: inline script`);
      assert.ok(!/<style\b|\sstyle=|\son[a-z]+=/.test(html), `${file}: inline style or handler`);
    }
  });
});

describe('the service worker’s app shell', () => {
  it('lists every script and stylesheet the finder and embed.html load, the engine’s, and only files that exist', async () => {
    const sw = await readFile(join(WWW, 'sw.js'), 'utf8');
    const list = /const SHELL_FILES = \[([\s\S]*?)\];/.exec(sw);
    assert.ok(list, 'SHELL_FILES in sw.js');
    const files = [...list[1].matchAll(/'([^']+)'/g)].map((m) => m[1]);
    const loaded = new Set(['index.html', 'embed.html', 'bundle/engine-worker.js', 'pkg/placement_finder_bg.wasm', 'vendor/leaflet/leaflet-src.esm.js', 'vendor/leaflet/leaflet.css']);
    for (const page of ['index.html', 'embed.html']) {
      const html = await readFile(join(WWW, page), 'utf8');
      for (const m of html.matchAll(/<(?:script[^>]*\ssrc|link rel="stylesheet"[^>]*\shref)="([^"]+)"/g)) loaded.add(m[1]);
    }
    for (const file of (await readdir(join(WWW, 'css'))).filter((f) => f.endsWith('.css'))) loaded.add(`css/${file}`);
    assert.ok(loaded.has('bundle/main.js') && loaded.has('bundle/embed-frame.js'), [...loaded].join(' '));
    for (const file of loaded) assert.ok(files.includes(file), `${file} is in the app shell`);
    for (const file of files) {
      // The dashboard's files and the source modules are not the finder's (kept when used).
      assert.ok(!/^js\/|dashboard/.test(file), `${file} is not the finder’s`);
      // bundle/, pkg/ and vendor/ are made by scripts/build.sh; the rest is committed.
      if (file === './' || /^(bundle|pkg|vendor)\//.test(file)) continue;
      assert.ok(existsSync(join(WWW, file)), `${file} exists`);
    }
  });
});
