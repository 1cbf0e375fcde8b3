import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeState, emptyState, encodeState, isStateFragment, resultKey } from '../../www/js/state.js';

/** A fully filled state, every field away from its default. */
function fullState() {
  return {
    ...emptyState(),
    postcode: 'LS6 2AA',
    ageMode: 'dob',
    dob: { day: '27', month: '3', year: '2019' },
    start: { day: '1', month: '9', year: '2026' },
    outOfYear: true,
    yearGroup: 'R',
    primaryNeed: 'ASD',
    otherNeeds: ['SLCN', 'SEMH'],
    level: 'specialist',
    kinds: ['special', 'senUnit'],
    radiusMiles: 12.5,
    childSex: 'girls',
    singleSex: 'mixed',
    religion: 'Church of England',
    boarding: 'day',
    includeIndependent: true,
    sameLaOnly: true,
    compare: ['107950', '107950-unit', '108000-s2'],
  };
}

describe('share state', () => {
  describe('round trip', () => {
    it('restores every field exactly', () => {
      const state = fullState();
      const { state: back, problems, empty } = decodeState('#' + encodeState(state));
      assert.deepEqual(back, state);
      assert.deepEqual(problems, []);
      assert.equal(empty, false);
    });
    it('restores the empty state', () => {
      const { state, empty } = decodeState(encodeState(emptyState()));
      assert.deepEqual(state, emptyState());
      assert.equal(empty, true);
    });
    it('keeps a map point when there is no postcode', () => {
      const state = { ...emptyState(), point: { lat: 53.81978, lon: -1.57562 }, age: '7' };
      assert.deepEqual(decodeState(encodeState(state)).state, state);
    });
    it('keeps an explicitly empty list of kinds apart from the level default', () => {
      const state = { ...emptyState(), kinds: [] };
      assert.deepEqual(decodeState(encodeState(state)).state.kinds, []);
      assert.equal(decodeState(encodeState(emptyState())).state.kinds, null);
    });
  });

  describe('encoding', () => {
    it('is short and readable', () => {
      const text = encodeState({ ...emptyState(), postcode: 'LS6 2AA', age: '7', primaryNeed: 'ASD', level: 'specialist' });
      assert.equal(text, 'v=1&pc=LS6+2AA&age=7&need=ASD&level=specialist');
    });
  });

  describe('decoding untrusted fragments', () => {
    it('drops malformed values and names them', () => {
      const { state, problems } = decodeState('#v=1&age=seven&need=<img src=x>&r=1000&cmp=1,javascript:alert(1)&at=999,1&sex=other');
      assert.deepEqual(state, emptyState());
      assert.deepEqual(problems.sort(), ['ignored age', 'ignored at', 'ignored cmp', 'ignored need', 'ignored r', 'ignored sex']);
    });
    it('ignores unknown keys', () => {
      const { state, problems, empty } = decodeState('#foo=bar&__proto__=x');
      assert.deepEqual(state, emptyState());
      assert.deepEqual(problems, []);
      assert.equal(empty, true);
    });
    it('refuses an absurdly long fragment', () => {
      const { problems, empty } = decodeState('#pc=' + 'A'.repeat(5000));
      assert.equal(empty, true);
      assert.equal(problems.length, 1);
    });
    it('never throws on junk', () => {
      for (const junk of ['%', '#%E0%A4%A', '#&&&=', '#pc', '#dob=--', '#r=0', '#kinds=,,,']) {
        assert.doesNotThrow(() => decodeState(junk));
      }
    });
    it('reports a version it does not know', () => {
      assert.deepEqual(decodeState('#v=9&age=7').problems, ['unknown version 9']);
    });
  });

  describe('result keys', () => {
    it('name the establishment, its overlays and satellites apart', () => {
      assert.equal(resultKey({ urn: 107950, site: { type: 'main' } }), '107950');
      assert.equal(resultKey({ urn: 107950, site: { type: 'resourcedProvision' } }), '107950-rp');
      assert.equal(resultKey({ urn: 107950, site: { type: 'senUnit' } }), '107950-unit');
      assert.equal(resultKey({ urn: 107950, site: { type: 'satellite', number: 2 } }), '107950-s2');
      assert.equal(resultKey({ urn: 107950, site: 'senUnit' }), '107950-unit');
      assert.equal(resultKey({ urn: 107950 }), '107950');
    });
  });

  describe('share-link fragments', () => {
    it('are told apart from in-page links', () => {
      const link = `#${encodeState(fullState())}`;
      assert.equal(isStateFragment(link), true);
      assert.equal(isStateFragment(link.slice(1)), true);
      assert.equal(isStateFragment('#main'), false);
      assert.equal(isStateFragment('#pf-results-heading'), false);
      assert.equal(isStateFragment(''), false);
      assert.equal(isStateFragment('#x=1&v=1'), false);
    });
  });
});
