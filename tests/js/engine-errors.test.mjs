import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { EngineError, asEngineError, loadCode, lookupCode, placeOf, rustCodeOf } from '../../www/js/engine-errors.js';

/** An error as the wasm module throws it: a JS Error with the Rust `code` (src/wasm.rs `Failure`). */
const thrown = (code, message) => Object.assign(new Error(message), { code });

/** The codes the Rust library can put on an error, from the generated type (src/error.rs `ErrorCode`). */
const rustCodes = [...readFileSync(new URL('../../bindings/ErrorCode.ts', import.meta.url), 'utf8').matchAll(/"(\w+)"/g)].map((m) => m[1]);

describe('engine errors are decided by their code, never their wording', () => {
  it('knows the Rust codes from the generated type', () => {
    for (const code of ['policy', 'wrongVersion', 'corrupt', 'tooLarge', 'invalidQuery']) assert.ok(rustCodes.includes(code), code);
  });

  describe('starting the engine', () => {
    it('a refused policy pack falls back to the default pack, whatever the message says', () => {
      assert.equal(loadCode(thrown('policy', 'policy pack: unknown field `radiusMile`')), 'policy');
      assert.equal(loadCode(thrown('policy', 'Die Richtlinie ist ungültig')), 'policy');
    });
    it('data of another schema version says so, whatever the message says', () => {
      assert.equal(loadCode(thrown('wrongVersion', 'dataset has schema version 9, this program reads version 1')), 'version');
      assert.equal(loadCode(thrown('wrongVersion', 'reworded: made by a newer build')), 'version');
    });
    it('a message that reads like another kind does not change the kind', () => {
      assert.equal(loadCode(thrown('corrupt', 'policy pack: looks like one')), 'load');
      assert.equal(loadCode(thrown('corrupt', 'dataset has schema version 9, this program reads version 1')), 'load');
      assert.equal(loadCode(new Error('policy pack: no code at all')), 'load');
    });
    it('every other Rust code is a load failure', () => {
      for (const code of rustCodes.filter((c) => c !== 'policy' && c !== 'wrongVersion')) assert.equal(loadCode(thrown(code, 'x')), 'load', code);
    });
  });

  describe('looking a postcode up in its shard', () => {
    it('an unusable shard is a load failure (not the postcode’s fault), whatever the message says', () => {
      for (const code of ['corrupt', 'wrongVersion', 'tooLarge']) {
        assert.equal(lookupCode(thrown(code, 'postcode shard is not usable: it is an HTML page')), 'load', code);
        assert.equal(lookupCode(thrown(code, 'reworded entirely')), 'load', code);
      }
    });
    it('a postcode the shard places outside England says where, from the error’s data, not its words', () => {
      const error = Object.assign(thrown('outsideEngland', 'reworded: not in England at all'), { place: 'Wales' });
      assert.equal(lookupCode(error), 'outsideEngland');
      assert.equal(placeOf(error), 'Wales');
      assert.equal(placeOf(thrown('outsideEngland', 'postcode CF10 1AA is in Wales; this service covers England only')), null);
    });
    it('anything else is a postcode not found, even worded like a shard problem', () => {
      assert.equal(lookupCode(thrown('unknownPostcode', 'postcode shard LS: reworded')), 'notFound');
      assert.equal(lookupCode(thrown('invalidQuery', 'postcode: LS6 2AA is in area LS, but this is the BD shard')), 'notFound');
    });
  });

  it('reads the code only from the error', () => {
    assert.equal(rustCodeOf(thrown('corrupt', 'x')), 'corrupt');
    assert.equal(rustCodeOf(new Error('corrupt')), null);
    assert.equal(rustCodeOf('corrupt'), null);
    assert.equal(rustCodeOf(null), null);
  });

  it('keeps an EngineError and makes anything else a refused search', () => {
    const own = new EngineError('notLoaded', 'the engine is not loaded yet');
    assert.equal(asEngineError(own), own);
    const other = asEngineError(thrown('invalidQuery', 'age: must be 2 to 25'));
    assert.equal(other.code, 'query');
    assert.equal(other.message, 'age: must be 2 to 25');
  });
});
