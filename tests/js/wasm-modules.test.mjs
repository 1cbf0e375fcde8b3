// The finder's two wasm modules, as scripts/build.sh makes them: the lean one (pkg/: the core
// data file and the default policy pack, what a family's phone downloads) and the full one
// (pkg-full/: also a council's policy pack and a whole dataset.bin). The lean one must refuse
// what it cannot read with the code the page acts on (engine.js loads the full one then), and
// give the same answers as the full one for what it reads.
import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import { readFileSync, existsSync } from 'node:fs';

const www = new URL('../../www/', import.meta.url);
const read = (/** @type {string} */ path) => readFileSync(new URL(path, www));
const built = existsSync(new URL('pkg/placement_finder_bg.wasm', www)) && existsSync(new URL('pkg-full/placement_finder_bg.wasm', www));

/** @type {any} */
let lean;
/** @type {any} */
let full;

describe('the finder’s lean and full wasm modules', { skip: built ? false : 'run scripts/build.sh first' }, () => {
  before(async () => {
    lean = await import(new URL('pkg/placement_finder.js', www).href);
    lean.initSync({ module: read('pkg/placement_finder_bg.wasm') });
    full = await import(new URL('pkg-full/placement_finder.js', www).href);
    full.initSync({ module: read('pkg-full/placement_finder_bg.wasm') });
  });

  const core = () => new Uint8Array(read('data/finder/core.bin'));
  const pack = () => readFileSync(new URL('../../data/policy/default.json', import.meta.url), 'utf8');

  it('the lean module is the smaller', () => {
    const leanBytes = read('pkg/placement_finder_bg.wasm').length;
    const fullBytes = read('pkg-full/placement_finder_bg.wasm').length;
    assert.ok(leanBytes < fullBytes * 0.85, `lean ${leanBytes} bytes, full ${fullBytes}`);
  });

  it('the lean module refuses a council’s policy pack with needsFullModule; the full one reads it', () => {
    assert.throws(() => new lean.Finder(core(), pack()), (/** @type {any} */ e) => {
      assert.equal(e.code, 'needsFullModule');
      assert.match(e.message, /a council's policy pack is read by the finder's full module \(pkg-full\/\)/);
      return true;
    });
    const finder = new full.Finder(core(), pack());
    assert.equal(finder.policy().id, 'illustrative-default');
    finder.free();
  });

  it('the lean module refuses a whole dataset with needsFullModule; the full one reads it', () => {
    const dataset = new Uint8Array(read('data/dataset.bin'));
    assert.throws(() => new lean.Finder(dataset, null), (/** @type {any} */ e) => e.code === 'needsFullModule' && /dataset\.bin/.test(e.message));
    const finder = new full.Finder(dataset, null);
    assert.equal(finder.hasAllDetails(), true);
    finder.free();
  });

  it('both give the same answers, byte for byte, from the core and its details', () => {
    const details = new Uint8Array(read('data/finder/details/all.bin'));
    const a = new lean.Finder(core(), null);
    const b = new full.Finder(core(), null);
    a.addDetails(details);
    b.addDetails(details);
    const needs = ['ASD', 'SEMH', 'MLD', 'HI', 'SLCN'];
    const levels = ['universal', 'targeted', 'specialist', 'complex'];
    for (let i = 0; i < 40; i++) {
      const query = { home: { lat: 51 + (i % 8) * 0.45, lon: -2.6 + (i % 5) * 0.5 }, age: 4 + (i % 14), primaryNeed: needs[i % 5], level: levels[i % 4] };
      assert.equal(JSON.stringify(a.shortlist(query)), JSON.stringify(b.shortlist(query)), JSON.stringify(query));
    }
    assert.deepEqual(a.policy(), b.policy());
    assert.deepEqual(a.meta(), b.meta());
    a.free();
    b.free();
  });
});
