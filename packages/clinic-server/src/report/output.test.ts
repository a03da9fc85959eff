import { zoneSpec } from '@klinik-desa/screening';
import { describe, expect, it } from 'vitest';
import { csvField, reportCsv } from './csv.js';
import { reportPage } from './page.js';
import { parseQuarter } from './quarter.js';
import { quarterlyReport } from './quarterly.js';

const WIB = zoneSpec({ timeZone: 'Asia/Jakarta' });
const q4 = parseQuarter('2026-Q4', WIB, new Date('2026-12-07T12:00:00Z'));
// A village name as an operator might type it, meant to run in a spreadsheet or a browser.
const village = '=HYPERLINK("x")<script>alert(1)</script>';
const report = quarterlyReport(
  {
    screenings: Array.from({ length: 5 }, () => ({
      clinicId: 'k1',
      openedAt: '2026-10-05T03:00:00.000Z',
      birthDate: '1970-01-01',
      sex: 'female' as const,
      readings: [],
    })),
    referrals: [],
    clinicIds: ['k1'],
  },
  q4,
  WIB,
  () => village,
);

describe('the CSV', () => {
  it('has a header and one line per printed count, sums named total', () => {
    const lines = reportCsv(report).trimEnd().split('\r\n');
    expect(lines[0]).toBe('quarter,level,clinic_id,village,table,row,column,count');
    // 3 months × 10 columns + 3 row totals + 10 column totals + 1; flags 6 × 2 + 6; referrals 2 + 1.
    expect(lines).toHaveLength(1 + 44 + 18 + 3);
    expect(lines).toContain(
      `2026-Q4,clinic,k1,"'=HYPERLINK(""x"")<script>alert(1)</script>",screenings,2026-10,40-59|female,5`,
    );
  });

  it('quotes what needs quoting and defuses formulas, leaving numbers alone', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('+62 812')).toBe("'+62 812");
    expect(csvField('-3')).toBe('-3');
    expect(csvField('<5')).toBe('<5');
  });
});

describe('the page', () => {
  it('escapes what it prints and names the months in Bahasa Indonesia', () => {
    const html = reportPage(report, { csv: '/c?a=1&b=2', previous: '/p' });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
    expect(html).toContain('href="/c?a=1&#38;b=2"');
    expect(html).toContain('Oktober 2026 – Desember 2026');
    expect(html).toContain('<th scope="row">Oktober 2026</th>');
  });
});
