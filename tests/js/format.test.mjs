import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dateText, milesText, placesText, safeWebsite } from '../../www/js/format.js';
import { normalisePostcode, postcodeAreaLetters } from '../../www/js/postcode.js';

describe('format', () => {
  it('writes miles to one decimal place', () => {
    assert.equal(milesText(3.449), '3.4 miles');
    assert.equal(milesText(1.01), '1 mile');
    assert.equal(milesText(0.04), '0 miles');
  });
  it('writes dates in words', () => {
    assert.equal(dateText('2025-01-16'), '16 January 2025');
    assert.equal(dateText('2025-01'), 'January 2025');
    assert.equal(dateText('spring'), 'spring');
  });
  it('writes places with their date, or nothing', () => {
    assert.equal(placesText({ capacity: 10, onRoll: 9, asOf: '2025-01' }), '10 places, 9 on roll (January 2025)');
    assert.equal(placesText({ capacity: null, onRoll: null }), null);
    assert.equal(placesText(null), null);
  });
  describe('websites', () => {
    it('keeps http and https links', () => {
      assert.equal(safeWebsite('http://www.example.sch.uk'), 'http://www.example.sch.uk/');
      assert.equal(safeWebsite('https://example.org/a?b=1'), 'https://example.org/a?b=1');
    });
    it('adds https to a bare domain', () => {
      assert.equal(safeWebsite('www.example.leeds.sch.uk'), 'https://www.example.leeds.sch.uk/');
    });
    it('drops every other scheme and junk', () => {
      for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<b>', 'mailto:a@b.c',
        'vbscript:x', '<img src=x onerror=alert(1)>', '', null, 'http://user:pw@example.org', 'ftp://x.org']) {
        assert.equal(safeWebsite(bad), null, String(bad));
      }
    });
  });
});

describe('postcodes', () => {
  it('normalises full postcodes', () => {
    assert.equal(normalisePostcode(' ls62aa '), 'LS6 2AA');
    assert.equal(normalisePostcode('sw1a 1aa'), 'SW1A 1AA');
    assert.equal(normalisePostcode('E1 6AN'), 'E1 6AN');
  });
  it('refuses what is not a postcode', () => {
    for (const bad of ['', 'LS6 2A', 'NOT A POSTCODE', '12345', 'LS6 2AAA', 'L', '<script>', 'LS6', 'sw1a']) {
      assert.equal(normalisePostcode(bad), null, bad);
    }
  });
  it('gives the area letters only', () => {
    assert.equal(postcodeAreaLetters('LS6 2AA'), 'LS');
    assert.equal(postcodeAreaLetters('E1 6AN'), 'E');
    assert.throws(() => postcodeAreaLetters('6AA'));
  });
});
