import { Flag, Severity } from '@klinik-desa/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inInterval, intervalBounds } from './interval.js';
import { SOURCES, THRESHOLDS, type ThresholdGroupId } from './thresholds.js';
import { classify, triage } from './triage.js';

const code = (group: ThresholdGroupId, values: Parameters<typeof classify>[1]) =>
  classify(group, values)?.code;

describe('the threshold table', () => {
  it('has a version, unique codes, sources that exist and messages in both languages', () => {
    expect(THRESHOLDS.version).toMatch(/^ilp-\d{4}\.\d+$/);
    const codes = [...THRESHOLDS.rows.map((r) => r.code), ...THRESHOLDS.flags.map((f) => f.code)];
    expect(new Set(codes).size).toBe(codes.length);
    for (const row of THRESHOLDS.rows) {
      expect(
        THRESHOLDS.groups.some((g) => g.id === row.group),
        row.code,
      ).toBe(true);
      expect(row.sources.length, row.code).toBeGreaterThan(0);
      for (const s of row.sources) expect(SOURCES[s], `${row.code} cites ${s}`).toBeDefined();
      expect(row.message.id.length, row.code).toBeGreaterThan(5);
      expect(row.message.en.length, row.code).toBeGreaterThan(5);
      expect(row.message.id, row.code).not.toBe(row.message.en);
      // Every code is a valid protocol flag code with a valid severity.
      expect(Flag.safeParse({ code: row.code, severity: row.severity }).success, row.code).toBe(true);
      expect(Severity.options).toContain(row.severity);
    }
  });

  it('partitions the number line in every single-value group: every value falls in exactly one row', () => {
    for (const group of THRESHOLDS.groups.filter((g) => g.kind === 'partition' && g.values.length === 1)) {
      const name = group.values[0]!;
      const rows = THRESHOLDS.rows.filter((r) => r.group === group.id);
      const bounds = rows.flatMap((r) => intervalBounds(r.when[name]!));
      const probes = [
        ...bounds.flatMap((b) => [b - 1, b - 0.05, b - 1e-9, b, b + 1e-9, b + 0.05, b + 1]),
        -1e9,
        0,
        1e9,
      ];
      for (const x of probes) {
        const hits = rows.filter((r) => inInterval(r.when[name]!, x)).map((r) => r.code);
        expect(hits, `${group.id} at ${x}`).toHaveLength(1);
        expect(code(group.id, { [name]: x })).toBe(hits[0]);
      }
    }
  });

  it('gives every blood pressure pair exactly one category, never a gap', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 40, max: 300, noNaN: true }),
        fc.double({ min: 20, max: 200, noNaN: true }),
        (s, d) => {
          expect(code('bp', { systolic: s, diastolic: d })).toMatch(/^bp\./);
        },
      ),
    );
  });
});

describe('blood pressure (ILP table 22, the higher category decides)', () => {
  it.each([
    [119, 79, 'bp.optimal'],
    [119.9, 79.9, 'bp.optimal'],
    [120, 79, 'bp.normal'],
    [119, 80, 'bp.normal'],
    [129, 84, 'bp.normal'],
    [129.9, 84.9, 'bp.normal'],
    [130, 84, 'bp.high-normal'],
    [129, 85, 'bp.high-normal'],
    [139, 89, 'bp.high-normal'],
    [140, 89, 'bp.grade-1'],
    [139, 90, 'bp.grade-1'],
    [159, 99, 'bp.grade-1'],
    [160, 99, 'bp.grade-2'],
    [159, 100, 'bp.grade-2'],
    [179, 109, 'bp.grade-2'],
    [180, 109, 'bp.grade-3'],
    [179, 110, 'bp.grade-3'],
    [181, 111, 'bp.grade-3'],
    [100, 95, 'bp.grade-1'],
    [165, 70, 'bp.grade-2'],
    [118, 112, 'bp.grade-3'],
  ])('%s/%s is %s', (systolic, diastolic, expected) => {
    expect(code('bp', { systolic, diastolic })).toBe(expected);
  });

  it.each([
    [140, 89, true],
    [139, 89, false],
    [139.9, 60, false],
    [140, 90, false],
    [140, 89.9, true],
    [200, 85, true],
  ])('isolated systolic hypertension at %s/%s: %s', (systolic, diastolic, expected) => {
    expect(code('bp-isolated-systolic', { systolic, diastolic }) === 'bp.isolated-systolic').toBe(expected);
  });

  it('grades 1 and 2 refer, grade 3 is urgent, high-normal needs attention', () => {
    const severity = (s: number, d: number) => triage({ systolic: s, diastolic: d })[0]?.severity;
    expect(severity(118, 78)).toBe('normal');
    expect(severity(135, 80)).toBe('attention');
    expect(severity(145, 92)).toBe('refer');
    expect(severity(165, 102)).toBe('refer');
    expect(severity(180, 100)).toBe('urgent');
    expect(severity(150, 110)).toBe('urgent');
  });
});

describe('glucose (ILP table 23; hypoglycaemia from general practice)', () => {
  it.each([
    [69, 'glucose.random.hypoglycaemia'],
    [69.9, 'glucose.random.hypoglycaemia'],
    [70, 'glucose.random.normal'],
    [71, 'glucose.random.normal'],
    [139, 'glucose.random.normal'],
    [139.9, 'glucose.random.normal'],
    [140, 'glucose.random.prediabetes'],
    [141, 'glucose.random.prediabetes'],
    [199, 'glucose.random.prediabetes'],
    [199.9, 'glucose.random.prediabetes'],
    [200, 'glucose.random.diabetes'],
    [201, 'glucose.random.diabetes'],
  ])('random %s mg/dL is %s', (glucose, expected) => {
    expect(code('glucose-random', { glucose })).toBe(expected);
  });

  it.each([
    [69, 'glucose.fasting.hypoglycaemia'],
    [70, 'glucose.fasting.normal'],
    [99, 'glucose.fasting.normal'],
    [99.9, 'glucose.fasting.normal'],
    [100, 'glucose.fasting.prediabetes'],
    [101, 'glucose.fasting.prediabetes'],
    [125, 'glucose.fasting.prediabetes'],
    [125.9, 'glucose.fasting.prediabetes'],
    [126, 'glucose.fasting.diabetes'],
    [127, 'glucose.fasting.diabetes'],
  ])('fasting %s mg/dL is %s', (glucose, expected) => {
    expect(code('glucose-fasting', { glucose })).toBe(expected);
  });

  it('hypoglycaemia is urgent and suspected diabetes refers, in both contexts', () => {
    for (const glucoseContext of ['random', 'fasting'] as const) {
      expect(triage({ glucose: 60 }, { glucoseContext })[0]?.severity).toBe('urgent');
      expect(triage({ glucose: 250 }, { glucoseContext })[0]?.severity).toBe('refer');
    }
    expect(triage({ glucose: 130 }, { glucoseContext: 'fasting' })[0]?.code).toBe('glucose.fasting.diabetes');
    expect(triage({ glucose: 130 })[0]?.code).toBe('glucose.random.normal');
  });
});

describe('BMI', () => {
  it.each([
    [18.4, 'bmi.ilp.underweight'],
    [18.49, 'bmi.ilp.underweight'],
    [18.5, 'bmi.ilp.normal'],
    [18.6, 'bmi.ilp.normal'],
    [22.9, 'bmi.ilp.normal'],
    [22.95, 'bmi.ilp.normal'],
    [22.99, 'bmi.ilp.normal'],
    [23, 'bmi.ilp.overweight'],
    [23.1, 'bmi.ilp.overweight'],
    [24.9, 'bmi.ilp.overweight'],
    [24.95, 'bmi.ilp.overweight'],
    [25, 'bmi.ilp.obese-1'],
    [29.9, 'bmi.ilp.obese-1'],
    [29.99, 'bmi.ilp.obese-1'],
    [30, 'bmi.ilp.obese-2'],
    [30.1, 'bmi.ilp.obese-2'],
  ])('ILP (default) %s is %s', (bmi, expected) => {
    expect(code('bmi-ilp', { bmi })).toBe(expected);
    expect(triage({ bmi })[0]?.code).toBe(expected);
  });

  it.each([
    [16.9, 'bmi.national.severely-thin'],
    [16.99, 'bmi.national.severely-thin'],
    [17, 'bmi.national.thin'],
    [17.1, 'bmi.national.thin'],
    [18.4, 'bmi.national.thin'],
    [18.49, 'bmi.national.thin'],
    [18.5, 'bmi.national.normal'],
    [24.9, 'bmi.national.normal'],
    [25, 'bmi.national.normal'],
    [25.01, 'bmi.national.overweight'],
    [25.1, 'bmi.national.overweight'],
    [26.9, 'bmi.national.overweight'],
    [27, 'bmi.national.overweight'],
    [27.01, 'bmi.national.obese'],
    [27.1, 'bmi.national.obese'],
  ])('national (PGS 2014) %s is %s', (bmi, expected) => {
    expect(code('bmi-national', { bmi })).toBe(expected);
    expect(triage({ bmi }, { bmiTable: 'national' })[0]?.code).toBe(expected);
  });
});

describe('waist, temperature, SpO2', () => {
  it.each([
    ['male', 89.9, 'waist.male.normal'],
    ['male', 90, 'waist.male.normal'],
    ['male', 90.01, 'waist.male.central-obesity'],
    ['male', 90.1, 'waist.male.central-obesity'],
    ['female', 79.9, 'waist.female.normal'],
    ['female', 80, 'waist.female.normal'],
    ['female', 80.01, 'waist.female.central-obesity'],
    ['female', 80.1, 'waist.female.central-obesity'],
  ] as const)('%s waist %s cm is %s', (sex, waistCircumference, expected) => {
    expect(triage({ waistCircumference }, { sex })[0]?.code).toBe(expected);
  });

  it('does not classify a waist without the sex', () => {
    expect(triage({ waistCircumference: 100 })).toEqual([]);
  });

  it.each([
    [37.4, 'temperature.no-fever'],
    [37.49, 'temperature.no-fever'],
    [37.5, 'temperature.fever'],
    [37.51, 'temperature.fever'],
    [37.6, 'temperature.fever'],
  ])('%s °C is %s', (bodyTemperature, expected) => {
    expect(code('temperature', { bodyTemperature })).toBe(expected);
  });

  it.each([
    [89, 'spo2.very-low', 'urgent'],
    [89.9, 'spo2.very-low', 'urgent'],
    [90, 'spo2.low', 'attention'],
    [91, 'spo2.low', 'attention'],
    [94, 'spo2.low', 'attention'],
    [94.9, 'spo2.low', 'attention'],
    [95, 'spo2.normal', 'normal'],
    [96, 'spo2.normal', 'normal'],
  ])('SpO2 %s %% is %s (%s)', (spo2, expected, severity) => {
    const flag = triage({ spo2 })[0];
    expect(flag?.code).toBe(expected);
    expect(flag?.severity).toBe(severity);
  });
});

describe('triage', () => {
  it('stamps every flag with the table version and both languages, and names the value', () => {
    const flags = triage({
      systolic: 150,
      diastolic: 85,
      glucose: 250,
      bmi: 31,
      spo2: 88,
      bodyTemperature: 38,
    });
    expect(flags.map((f) => f.code)).toEqual([
      'bp.grade-1',
      'bp.isolated-systolic',
      'glucose.random.diabetes',
      'bmi.ilp.obese-2',
      'temperature.fever',
      'spo2.very-low',
    ]);
    for (const f of flags) {
      expect(f.rules).toBe(THRESHOLDS.version);
      expect(f.message?.id).toBeTruthy();
      expect(f.message?.en).toBeTruthy();
      expect(Flag.safeParse(f).success).toBe(true);
    }
    expect(flags.find((f) => f.code === 'spo2.very-low')?.value).toBe('spo2');
  });

  it('skips missing values and, under 18, the adult tables', () => {
    expect(triage({ systolic: 150, diastolic: null })).toEqual([]);
    const child = triage(
      { systolic: 150, diastolic: 95, bmi: 30, waistCircumference: 95, spo2: 97 },
      { sex: 'male', ageYears: 12 },
    );
    expect(child.map((f) => f.code)).toEqual(['spo2.normal']);
    expect(triage({ systolic: 150, diastolic: 95 }, { ageYears: 18 })[0]?.code).toBe('bp.grade-1');
  });
});
