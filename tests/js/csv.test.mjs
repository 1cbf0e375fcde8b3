import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell, shortlistRows, toCsv } from '../../www/js/csv.js';

describe('csv', () => {
  describe('cells', () => {
    it('leaves plain text and numbers alone', () => {
      assert.equal(csvCell('Oakwood Primary School'), 'Oakwood Primary School');
      assert.equal(csvCell(3.4), '3.4');
      assert.equal(csvCell(-2), '-2');
      assert.equal(csvCell(null), '');
      assert.equal(csvCell(undefined), '');
      assert.equal(csvCell(Number.NaN), '');
    });
    it('quotes commas, quotes and line breaks', () => {
      assert.equal(csvCell('a, b'), '"a, b"');
      assert.equal(csvCell('say "hi"'), '"say ""hi"""');
      assert.equal(csvCell('one\ntwo'), '"one\ntwo"');
    });
    it('neutralises formula starts with a leading apostrophe', () => {
      assert.equal(csvCell('=HYPERLINK("http://evil","x")'), `"'=HYPERLINK(""http://evil"",""x"")"`);
      assert.equal(csvCell('+1'), "'+1");
      assert.equal(csvCell('-1+2'), "'-1+2");
      assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
      assert.equal(csvCell('\tx'), "'\tx");
      assert.equal(csvCell('\rx'), `"'\rx"`);
    });
  });

  it('joins rows with CRLF and ends with one', () => {
    assert.equal(toCsv([['a', 1], ['b', null]]), 'a,1\r\nb,\r\n');
  });

  it('turns a shortlist into a header and one row per result', () => {
    const rows = shortlistRows({
      query: {}, policy: { id: 'p', version: '1', illustrative: true }, data: {}, nearMisses: [], counts: {},
      results: [{
        rank: 1, urn: 107950, site: { type: 'main' }, name: '=cmd|calc', kind: 'special', kindLabel: 'Special school',
        ageRange: { low: 2, high: 19, basis: 'statutory' }, distanceM: 5471, distanceMiles: 3.3996, score: 0.8, coverage: 1,
        reasons: [{ code: 'primaryNeedSpecialism', text: 'Specialist provision for autism' }, { code: 'distance', text: '3.4 miles, straight line' },
          { code: 'beyondWalkingDistance', text: 'Likely beyond statutory walking distance' }],
        flags: ['beyondWalkingDistance'],
        places: { capacity: 10, onRoll: 9, asOf: '2025-01-16' }, website: 'https://example.org/', location: { lat: 53.8, lon: -1.5 }, la: { code: 383, name: 'Leeds' },
      }],
    }, { dataVersion: 'd1', policy: 'p 1', created: '2026-11-22' });
    assert.equal(rows.length, 2);
    assert.equal(rows[0][0], 'Rank');
    assert.deepEqual(rows[1], [1, '=cmd|calc', 107950, 'Special school', '2 to 19', 3.4,
      'Specialist provision for autism; 3.4 miles, straight line', 'Likely beyond statutory walking distance',
      '10 places, 9 on roll (16 January 2025)', 'https://example.org/', 'Leeds', null, 'd1', 'p 1', '2026-11-22']);
    assert.match(toCsv(rows), /\r\n1,'=cmd\|calc,107950,/);
  });
});
