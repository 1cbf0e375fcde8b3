import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ageOn, buildQuery, isoDate, nextSeptember, postcodeProblem, validate, yearGroupAge } from '../../www/js/query.js';
import { emptyState } from '../../www/js/state.js';

const context = { needs: ['ASD', 'SLCN'], levels: ['universal', 'specialist'], today: '2026-11-22' };
const level = { id: 'specialist', label: 'Specialist', description: '', kinds: ['special', 'senUnit'], radiusMiles: 10 };
const valid = () => ({ ...emptyState(), postcode: 'LS6 2AA', age: '7', primaryNeed: 'ASD', level: 'specialist' });

describe('dates and ages', () => {
  it('accepts only real dates', () => {
    assert.equal(isoDate({ day: '27', month: '3', year: '2019' }), '2019-03-27');
    assert.equal(isoDate({ day: '29', month: '2', year: '2024' }), '2024-02-29');
    assert.equal(isoDate({ day: '29', month: '2', year: '2023' }), null);
    assert.equal(isoDate({ day: '1', month: '13', year: '2023' }), null);
    assert.equal(isoDate({ day: '', month: '1', year: '2023' }), null);
    assert.equal(isoDate({ day: '1', month: '1', year: '23' }), null);
  });
  it('counts whole years', () => {
    assert.equal(ageOn('2019-03-27', '2026-09-01'), 7);
    assert.equal(ageOn('2019-09-02', '2026-09-01'), 6);
    assert.equal(ageOn('2019-09-01', '2026-09-01'), 7);
  });
  it('knows the age of each year group', () => {
    assert.equal(yearGroupAge('R'), 4);
    assert.equal(yearGroupAge('3'), 7);
    assert.equal(yearGroupAge('7'), 11);
    assert.equal(yearGroupAge('12'), 16);
    assert.equal(yearGroupAge('15'), null);
  });
  it('finds the next September', () => {
    assert.deepEqual(nextSeptember('2026-11-22'), { day: '1', month: '9', year: '2027' });
    assert.deepEqual(nextSeptember('2026-03-01'), { day: '1', month: '9', year: '2026' });
  });
});

describe('validation', () => {
  it('passes a complete state', () => {
    assert.deepEqual(validate(valid(), context), []);
  });
  it('asks for everything on an empty form, in form order', () => {
    assert.deepEqual(validate(emptyState(), context).map((e) => e.field), ['postcode', 'age', 'primaryNeed', 'level']);
  });
  it('rejects a malformed postcode and one that was not found', () => {
    assert.equal(validate({ ...valid(), postcode: 'NOT A POSTCODE' }, context)[0].message, 'Enter a real postcode, like LS6 2AB');
    const problem = postcodeProblem('LS6 2AA', 'notFound', 'postcode LS6 2AA not found');
    assert.equal(validate(valid(), { ...context, homeError: problem })[0].message, 'We could not find LS6 2AA: check it, or use your location or the map');
    assert.equal(postcodeProblem('CF10 1AA', 'outsideEngland', 'CF10 1AA is in Wales: this list covers England only'),
      'CF10 1AA is in Wales: this list covers settings in England only');
    // The postcode file could not be had or read: not the postcode's fault, so it says so.
    assert.equal(postcodeProblem('LS6 2AA', 'load', 'postcodes for LS could not be read: postcode shard is not usable: it is an HTML page'),
      'Postcodes in the LS area could not be loaded just now, so we could not look up LS6 2AA: try again in a few minutes, or use your location or the map');
  });
  it('accepts a map point instead of a postcode', () => {
    assert.deepEqual(validate({ ...valid(), postcode: '', point: { lat: 53.8, lon: -1.5 } }, context), []);
  });
  it('rejects impossible ages', () => {
    for (const age of ['99', '0', '-1', 'seven', '7.5']) {
      assert.equal(validate({ ...valid(), age }, context)[0]?.field, 'age', age);
    }
  });
  it('checks dates of birth and start dates', () => {
    const dob = { ...valid(), ageMode: /** @type {const} */ ('dob'), dob: { day: '31', month: '2', year: '2019' }, start: { day: '1', month: '9', year: '2027' } };
    assert.deepEqual(validate(dob, context).map((e) => e.field), ['dob']);
    const future = { ...dob, dob: { day: '1', month: '1', year: '2030' } };
    assert.deepEqual(validate(future, context).map((e) => e.message), ['Date of birth must be in the past']);
    const baby = { ...dob, dob: { day: '1', month: '1', year: '2026' } };
    assert.match(validate(baby, context)[0].message, /would be 1 on the start date/);
  });
  it('needs at least one kind of setting once kinds are edited', () => {
    assert.deepEqual(validate({ ...valid(), kinds: [] }, context).map((e) => e.field), ['kinds']);
  });
});

describe('query', () => {
  const where = { home: { lat: 53.82, lon: -1.57 }, homeLa: 383 };
  it('leaves kinds and radius to the level unless edited', () => {
    const q = buildQuery(valid(), where, level, 20);
    assert.deepEqual(q, {
      home: where.home, homeLa: 383, primaryNeed: 'ASD', otherNeeds: [], level: 'specialist', limit: 20, age: 7,
    });
    const edited = buildQuery({ ...valid(), kinds: ['special'], radiusMiles: 5 }, where, level, 20);
    assert.deepEqual([edited.kinds, edited.radiusMiles], [['special'], 5]);
  });
  it('sends a date of birth and start date instead of an age', () => {
    const q = buildQuery({ ...valid(), ageMode: 'dob', dob: { day: '27', month: '3', year: '2019' }, start: { day: '1', month: '9', year: '2026' } }, where, level, 20);
    assert.equal(q.age, undefined);
    assert.equal(q.dateOfBirth, '2019-03-27');
    assert.equal(q.startDate, '2026-09-01');
  });
  it('matches on the taught year group’s age when out of year group', () => {
    const q = buildQuery({ ...valid(), outOfYear: true, yearGroup: '2' }, where, level, 20);
    assert.equal(q.age, 7);
    assert.equal(q.taughtOutOfYearGroup, 6);
  });
  it('sends preferences in the engine’s terms', () => {
    const q = buildQuery({ ...valid(), childSex: 'girls', singleSex: 'mixed', religion: 'none', boarding: 'day' }, where, level, 20);
    assert.deepEqual([q.childSex, q.singleSex, q.religiousCharacter, q.boarding], ['girls', 'mixed', 'none', false]);
    assert.equal(buildQuery({ ...valid(), boarding: 'boarding' }, where, level, 20).boarding, true);
    assert.equal('homeLa' in buildQuery(valid(), { home: where.home, homeLa: null }, level, 20), false);
  });
  it('leaves the primary need out of the other needs and adds only set preferences', () => {
    const q = buildQuery({ ...valid(), otherNeeds: ['ASD', 'SLCN'], boarding: 'day', includeIndependent: true }, where, level, 20);
    assert.deepEqual(q.otherNeeds, ['SLCN']);
    assert.equal(q.boarding, false);
    assert.equal(q.includeIndependent, true);
    assert.equal('singleSex' in q, false);
  });
});
