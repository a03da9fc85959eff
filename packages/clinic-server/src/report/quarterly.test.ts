import { zoneSpec } from '@klinik-desa/screening';
import { describe, expect, it } from 'vitest';
import { parseQuarter, quarterOf } from './quarter.js';
import { flagFamiliesOf, quarterlyReport, type ScreeningFact } from './quarterly.js';

const WIB = zoneSpec({ timeZone: 'Asia/Jakarta' });
const NOW = new Date('2026-12-07T12:00:00Z');

describe('parseQuarter', () => {
  it('reads a quarter on the clinic wall clock', () => {
    const q = parseQuarter('2026-Q4', WIB, NOW);
    expect(q.months).toEqual(['2026-10', '2026-11', '2026-12']);
    // Midnight of 1 October in Jakarta (UTC+7) is 17:00 UTC the day before.
    expect(q.from).toBe('2026-09-30T17:00:00.000Z');
    expect(q.to).toBe('2026-12-31T17:00:00.000Z');
  });

  it('refuses a malformed quarter, naming the form to write', () => {
    expect(() => parseQuarter('2026-Q5', WIB, NOW)).toThrow(/not a quarter.*e\.g\. 2026-Q4/);
    expect(() => parseQuarter('2026Q4', WIB, NOW)).toThrow(/not a quarter/);
  });

  it('refuses a quarter that has not begun, naming the latest one', () => {
    expect(() => parseQuarter('2027-Q1', WIB, NOW)).toThrow(
      /has not begun yet; the latest quarter with screenings is 2026-Q4/,
    );
  });

  it('takes the quarter of the local date: 31 December 20:00 UTC is already Q1 in Jakarta', () => {
    expect(quarterOf(new Date('2026-12-31T20:00:00Z'), WIB).label).toBe('2027-Q1');
  });
});

describe('flagFamiliesOf', () => {
  it('judges blood pressure on the mean when the record computed one', () => {
    const single = { kind: 'blood-pressure', derived: false, flagCodes: ['bp.grade-1'] };
    const mean = { kind: 'blood-pressure', derived: true, flagCodes: ['bp.high-normal'] };
    expect(flagFamiliesOf([single, mean])).toEqual(new Set());
    expect(flagFamiliesOf([single])).toEqual(new Set(['hypertension']));
    expect(
      flagFamiliesOf([
        { kind: 'glucose', derived: false, flagCodes: ['glucose.random.diabetes'] },
        { kind: 'waist', derived: false, flagCodes: ['waist.female.central-obesity'] },
        { kind: 'bmi', derived: true, flagCodes: ['bmi.ilp.obese-2'] },
        { kind: 'glucose', derived: false, flagCodes: ['glucose.fasting.prediabetes'] },
      ]),
    ).toEqual(new Set(['diabetes', 'central-obesity', 'obesity']));
  });

  it('counts high cholesterol and anaemia of every age row, from a value or a meter limit', () => {
    const one = (kind: string, code: string) => flagFamiliesOf([{ kind, derived: false, flagCodes: [code] }]);
    expect(one('cholesterol', 'cholesterol.high')).toEqual(new Set(['high-cholesterol']));
    expect(one('cholesterol', 'cholesterol.above-device-range')).toEqual(new Set(['high-cholesterol']));
    expect(one('cholesterol', 'cholesterol.borderline-high')).toEqual(new Set());
    expect(one('haemoglobin', 'haemoglobin.12-14.mild')).toEqual(new Set(['anaemia']));
    expect(one('haemoglobin', 'haemoglobin.men.severe')).toEqual(new Set(['anaemia']));
    expect(one('haemoglobin', 'haemoglobin.below-device-range')).toEqual(new Set(['anaemia']));
    expect(one('haemoglobin', 'haemoglobin.women.normal')).toEqual(new Set());
  });
});

function screening(
  clinicId: string,
  openedAt: string,
  birthDate: string,
  sex: 'male' | 'female',
  codes: string[] = [],
): ScreeningFact {
  return { clinicId, openedAt, birthDate, sex, readings: [{ kind: 'x', derived: false, flagCodes: codes }] };
}

describe('quarterlyReport', () => {
  const q4 = parseQuarter('2026-Q4', WIB, NOW);

  it('counts screenings by month, age band at the screening and sex, with "<5" and "x"', () => {
    const screenings: ScreeningFact[] = [
      // October: six women 40–59 (born 1970, aged 56), one man 30–39 who turns 40 the next day.
      ...Array.from({ length: 6 }, () => screening('k1', '2026-10-05T03:00:00.000Z', '1970-01-01', 'female')),
      screening('k1', '2026-10-05T03:00:00.000Z', '1986-10-06', 'male'),
      // November: five women 40–59, two of them flagged for hypertension and one for diabetes.
      screening('k1', '2026-11-02T03:00:00.000Z', '1970-01-01', 'female', ['bp.grade-2']),
      screening('k1', '2026-11-02T03:00:00.000Z', '1970-01-01', 'female', [
        'bp.grade-1',
        'glucose.random.diabetes',
      ]),
      ...Array.from({ length: 3 }, () => screening('k1', '2026-11-02T03:00:00.000Z', '1970-01-01', 'female')),
      // 30 November 18:00 UTC is 1 December in Jakarta: a December screening of a man of 65.
      screening('k1', '2026-11-30T18:00:00.000Z', '1961-01-01', 'male'),
      // Another clinic's screening is not this clinic's.
      screening('k2', '2026-10-05T03:00:00.000Z', '1970-01-01', 'female'),
    ];
    const report = quarterlyReport(
      {
        screenings,
        referrals: [
          ...Array.from({ length: 7 }, () => ({ clinicId: 'k1', status: 'acknowledged' as const })),
          { clinicId: 'k1', status: 'open' },
        ],
        clinicIds: ['k1'],
      },
      q4,
      WIB,
    );
    expect(report.clinics).toHaveLength(1);
    const k1 = report.clinics[0]!;
    const col = (key: string) => k1.screenings.columns.findIndex((c) => c.key === key);
    // By hand: October 30–39 L = 1 (small), 40–59 P = 6, total 7. The 1 is alone in October's row,
    // so the smallest other non-zero cell there, 40–59 P (6), is hidden too. Column 30–39 L: 1 and
    // its total 1 are both small. Column 40–59 P: 6 hidden, November's 5 hidden with it (its
    // total 11 stays). November's row: the 5 alone hidden, total 5 → the total is the only other
    // member, hidden. December: ≥60 L = 1 small, total 1 small.
    expect(k1.screenings.cells[0]![col('30-39|male')]).toBe('<5');
    expect(k1.screenings.cells[0]![col('40-59|female')]).toBe('x');
    expect(k1.screenings.rowTotals![0]).toBe(7);
    expect(k1.screenings.cells[1]![col('40-59|female')]).toBe('x');
    expect(k1.screenings.rowTotals![1]).toBe('x');
    expect(k1.screenings.cells[2]![col('60+|male')]).toBe('<5');
    expect(k1.screenings.rowTotals![2]).toBe('<5');
    expect(k1.screenings.columnTotals![col('40-59|female')]).toBe(11);
    expect(k1.screenings.total).toBe(13);
    expect(k1.screenings.cells[0]![col('18-29|female')]).toBe(0);
    // Flags: hypertension 0 men, 2 women (small), total 2; diabetes 0 + 1 = 1.
    expect(k1.flags.cells).toEqual([
      [0, '<5'],
      [0, '<5'],
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(k1.flags.rowTotals).toEqual(['<5', '<5', 0, 0, 0, 0]);
    // Referrals: 7 acknowledged, 1 open (small), so the 7 is hidden and the 8 made is shown.
    expect(k1.referrals.cells).toEqual([['x', '<5']]);
    expect(k1.referrals.rowTotals).toEqual([8]);
  });

  it('adds a village of two clinics and hides a clinic cell a village total would give back', () => {
    const many = (clinicId: string, n: number, sex: 'male' | 'female') =>
      Array.from({ length: n }, () => screening(clinicId, '2026-10-05T03:00:00.000Z', '1990-06-01', sex));
    // Village Sukamaju: k1 has 2 men and 9 women 30–39 in October; k2 has 8 men and 7 women.
    const report = quarterlyReport(
      {
        screenings: [
          ...many('k1', 2, 'male'),
          ...many('k1', 9, 'female'),
          ...many('k2', 8, 'male'),
          ...many('k2', 7, 'female'),
        ],
        referrals: [],
        clinicIds: ['k2', 'k1'],
      },
      q4,
      WIB,
      () => 'Sukamaju',
    );
    expect(report.clinics.map((c) => c.clinicId)).toEqual(['k1', 'k2']);
    const col = (key: string) => report.villages[0]!.screenings.columns.findIndex((c) => c.key === key);
    const [m, f] = [col('30-39|male'), col('30-39|female')];
    const k1 = report.clinics[0]!.screenings;
    const k2 = report.clinics[1]!.screenings;
    const village = report.villages[0]!.screenings;
    // k1's 2 men is small; its row hides the 9 women; column 30–39 L of k1 (2 and total 2) is all
    // small. The village's 10 men = 2 + 8: k2's 8 men is hidden; then k2's October row hides its 7
    // women, and the village's 16 women = 9 + 7 has both parts hidden already.
    expect(k1.cells[0]![m]).toBe('<5');
    expect(k1.cells[0]![f]).toBe('x');
    expect(k2.cells[0]![m]).toBe('x');
    expect(k2.cells[0]![f]).toBe('x');
    expect(village.cells[0]![m]).toBe(10);
    expect(village.cells[0]![f]).toBe(16);
    expect(village.total).toBe(26);
    expect(report.villages[0]!.clinicIds).toEqual(['k1', 'k2']);
  });
});
