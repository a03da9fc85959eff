import { type DeviceMeasurement, isUuidV7, Reading, uuidV7Time } from '@klinik-desa/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessScreening } from './assess.js';
import { computeBmi, DERIVED_DEVICE, deriveBmi, meanBloodPressure } from './derive.js';
import { hashedUuidV7 } from './hash.js';
import { type NormalizeContext, normalize } from './normalize.js';
import { toReading } from './reading.js';

let counter = 0;
/** A reading as a kiosk would publish it, from a device measurement received at `at`. */
function reading(m: DeviceMeasurement, at: string, extra: Partial<NormalizeContext> = {}): Reading {
  const result = normalize(m, { receivedAt: at, ...extra });
  if (!result.ok) throw result.error;
  counter += 1;
  return toReading(result.reading, {
    id: hashedUuidV7(Date.parse(at), `test:${counter}`),
    clinicId: 'c1',
    kioskId: 'k1',
    device: { id: `${m.kind}-1`, protocol: 'test' },
    sessionId: 'S1',
    patientId: 'pt-1',
  });
}

const bp = (s: number, d: number, at: string, pulse?: number) =>
  reading(
    {
      kind: 'blood-pressure',
      systolic: { value: s, unit: 'mm[Hg]' },
      diastolic: { value: d, unit: 'mm[Hg]' },
      ...(pulse ? { pulseRate: { value: pulse, unit: '/min' } } : {}),
    },
    at,
  );
const weight = (kg: number | null, at: string) =>
  reading(
    {
      kind: 'weight',
      weight: kg === null ? { value: null, unit: 'kg', missing: 'unsuccessful' } : { value: kg, unit: 'kg' },
    },
    at,
  );
const height = (cm: number, at: string) => reading({ kind: 'height', height: { value: cm, unit: 'cm' } }, at);
const codes = (flags: { code: string }[]) => flags.map((f) => f.code);

describe('computeBmi', () => {
  it.each([
    [55.2, 157, 22.4],
    [72, 168, 25.5],
    [82.78, 152, 35.8],
    [60, 161.7, 22.9],
    [60, 161.5, 23],
    [53.11, 169, 18.6],
  ])('%s kg at %s cm is BMI %s (kg/m², one decimal, half up)', (kg, cm, bmi) => {
    expect(computeBmi(kg, cm)).toBe(bmi);
  });

  it('classifies the rounded BMI, so the screen and the category agree', () => {
    // 60 / 1.6165² = 22.96…: shown and classified as 23.0, overweight on the ILP table.
    const bmi = computeBmi(60, 161.65);
    expect(bmi).toBe(23);
    const derived = deriveBmi(weight(60, '2026-11-23T02:00:00Z'), height(161.7, '2026-11-23T02:01:00Z'));
    expect(codes(derived!.flags)).toEqual(['bmi.ilp.normal']);
  });

  it('refuses non-positive inputs', () => {
    expect(() => computeBmi(0, 160)).toThrow(RangeError);
  });
});

describe('deriveBmi', () => {
  it('makes a derived BMI reading with a stable UUIDv7, the later time, and its flags', () => {
    const w = weight(82.78, '2026-11-24T00:39:40Z');
    const h = height(152, '2026-11-24T00:40:30Z');
    const bmi = deriveBmi(w, h)!;
    expect(Reading.parse(bmi)).toEqual(bmi);
    expect(bmi.kind).toBe('bmi');
    expect(bmi.device).toEqual(DERIVED_DEVICE);
    expect(bmi.values).toEqual([{ name: 'bmi', code: '39156-5', value: 35.8, unit: 'kg/m2', derived: true }]);
    expect(bmi.measuredAt).toBe('2026-11-24T00:40:30.000Z');
    expect(bmi.timeSource).toBe('kiosk');
    expect(bmi.sessionId).toBe('S1');
    expect(isUuidV7(bmi.id)).toBe(true);
    expect(uuidV7Time(bmi.id)).toBe(Date.parse('2026-11-24T00:40:30Z'));
    expect(deriveBmi(w, h)!.id).toBe(bmi.id);
    expect(deriveBmi(h, h)).toBeUndefined();
    expect(codes(bmi.flags)).toEqual(['bmi.ilp.obese-2']);
    expect(codes(deriveBmi(w, h, { bmiTable: 'national' })!.flags)).toEqual(['bmi.national.obese']);
    expect(deriveBmi(w, h, { ageYears: 15 })!.flags).toEqual([]);
  });

  it('takes height from a scale reading that has both', () => {
    const scale = reading(
      { kind: 'weight', weight: { value: 72, unit: 'kg' }, height: { value: 1.68, unit: 'm' } },
      '2026-11-23T03:09:10Z',
    );
    expect(deriveBmi(scale, scale)?.values[0]?.value).toBe(25.5);
  });

  it('gives nothing from a failed weighing', () => {
    expect(
      deriveBmi(weight(null, '2026-11-23T02:00:00Z'), height(160, '2026-11-23T02:00:00Z')),
    ).toBeUndefined();
  });

  it('flags, but keeps, a BMI out of the expected range', () => {
    const derived = deriveBmi(weight(350, '2026-11-23T02:00:00Z'), height(130, '2026-11-23T02:00:00Z'))!;
    expect(codes(derived.flags)).toEqual(['plausibility.remeasure', 'bmi.ilp.obese-2']);
  });
});

describe('meanBloodPressure', () => {
  it('averages every measured reading, rounds half up, and classifies the mean', () => {
    const mean = meanBloodPressure([
      bp(186, 112, '2026-11-23T03:05:20Z', 88),
      bp(192, 114, '2026-11-23T03:07:31Z', 90),
    ])!;
    expect([mean.systolic, mean.diastolic, mean.pulseRate, mean.count]).toEqual([189, 113, 89, 2]);
    expect(codes(mean.reading.flags)).toEqual(['bp.grade-3']);
    expect(mean.reading.values.every((v) => v.derived)).toBe(true);
    expect(Reading.parse(mean.reading)).toEqual(mean.reading);

    const half = meanBloodPressure([
      bp(121, 80, '2026-11-23T03:00:00Z'),
      bp(122, 81, '2026-11-23T03:02:00Z'),
    ])!;
    expect([half.systolic, half.diastolic]).toEqual([122, 81]);
  });

  it('classifies the mean, not the worst reading: 142/88 and 136/84 average to high-normal', () => {
    const mean = meanBloodPressure([
      bp(142, 88, '2026-11-23T03:00:00Z'),
      bp(136, 84, '2026-11-23T03:02:00Z'),
    ])!;
    expect([mean.systolic, mean.diastolic]).toEqual([139, 86]);
    expect(codes(mean.reading.flags)).toEqual(['bp.high-normal']);
  });

  it('asks for a second reading when there is only one, and still classifies it', () => {
    const mean = meanBloodPressure([bp(150, 95, '2026-11-23T03:00:00Z')])!;
    expect(mean.count).toBe(1);
    expect(codes(mean.reading.flags)).toEqual(['bp.repeat-needed', 'bp.grade-1']);
  });

  it('leaves out derived readings, other kinds and readings without both numbers', () => {
    const a = bp(130, 80, '2026-11-23T03:00:00Z');
    const b = bp(140, 90, '2026-11-23T03:02:00Z');
    const absent = reading(
      {
        kind: 'blood-pressure',
        systolic: { value: 300, unit: 'mm[Hg]' },
        diastolic: { value: null, unit: 'mm[Hg]', missing: 'nres' },
      },
      '2026-11-23T03:03:00Z',
    );
    const first = meanBloodPressure([a, b])!;
    const again = meanBloodPressure([a, b, absent, first.reading, weight(70, '2026-11-23T03:04:00Z')])!;
    expect([again.systolic, again.diastolic, again.count]).toEqual([135, 85, 2]);
    expect(again.readingIds).toEqual([a.id, b.id]);
    expect(meanBloodPressure([absent])).toBeUndefined();
    expect(meanBloodPressure([])).toBeUndefined();
  });

  it('does not depend on the order of the readings', () => {
    const readings = [
      bp(128, 82, '2026-11-23T03:00:00Z'),
      bp(133, 85, '2026-11-23T03:02:00Z'),
      bp(131, 84, '2026-11-23T03:04:00Z'),
    ];
    const expected = meanBloodPressure(readings)!;
    fc.assert(
      fc.property(fc.shuffledSubarray(readings, { minLength: 3, maxLength: 3 }), (shuffled) => {
        expect(meanBloodPressure(shuffled)).toEqual(expected);
      }),
    );
  });
});

describe('assessScreening', () => {
  const visit = () => [
    bp(186, 112, '2026-11-23T03:05:20Z'),
    bp(192, 114, '2026-11-23T03:07:31Z'),
    weight(72, '2026-11-23T03:09:10Z'),
    height(168, '2026-11-23T03:09:40Z'),
    reading({ kind: 'waist', waistCircumference: { value: 92.5, unit: 'cm' } }, '2026-11-23T03:10:00Z'),
    reading({ kind: 'glucose', concentration: { value: 132, unit: 'mg/dL' } }, '2026-11-23T03:12:40Z'),
    reading(
      { kind: 'temperature', temperature: { value: 36.8, unit: 'Cel' }, deviceTime: '2000-01-01T00:03:12' },
      '2026-11-23T03:13:30Z',
    ),
    reading({ kind: 'pulse-oximetry', spo2: { value: 96, unit: '%' } }, '2026-11-23T03:14:00Z'),
  ];

  it('classifies the visit from the mean BP and the derived BMI, with the worst severity first to act on', () => {
    const a = assessScreening(visit(), { sex: 'male', ageYears: 58 });
    expect(a.worst).toBe('urgent');
    expect(a.rules).toBe('ilp-2025.3');
    expect(a.bloodPressure?.systolic).toBe(189);
    expect(a.bmi).toBe(25.5);
    expect(codes(a.flags)).toEqual([
      'bp.grade-3',
      'bmi.ilp.obese-1',
      'glucose.random.normal',
      'waist.male.central-obesity',
      'temperature.no-fever',
      'spo2.normal',
      'glucose.assumed-random',
    ]);
    expect(a.derived.map((r) => r.kind)).toEqual(['blood-pressure', 'bmi']);
    // Device clock problems stay on the reading: they are not about the patient.
    expect(codes(a.flags).some((c) => c.startsWith('time.'))).toBe(false);
  });

  it('uses the configured BMI table and the sex for the waist', () => {
    const a = assessScreening(visit(), { sex: 'female', bmiTable: 'national' });
    expect(codes(a.flags)).toContain('bmi.national.overweight');
    expect(codes(a.flags)).toContain('waist.female.central-obesity');
  });

  it('does not apply the adult tables under 18', () => {
    const a = assessScreening(visit(), { sex: 'male', ageYears: 16 });
    expect(codes(a.flags)).toEqual([
      'screening.not-adult',
      'glucose.random.normal',
      'temperature.no-fever',
      'spo2.normal',
      'glucose.assumed-random',
    ]);
    expect(a.worst).toBe('attention');
    expect(a.derived.every((r) => r.flags.every((f) => !/^(bp|bmi)\./.test(f.code)))).toBe(true);
  });

  it('judges the latest glucose of each context and the latest other values', () => {
    const readings = [
      reading({ kind: 'glucose', concentration: { value: 60, unit: 'mg/dL' } }, '2026-11-23T03:00:00Z'),
      reading({ kind: 'glucose', concentration: { value: 95, unit: 'mg/dL' } }, '2026-11-23T03:20:00Z'),
      reading(
        { kind: 'glucose', concentration: { value: 130, unit: 'mg/dL' }, meal: 'fasting' },
        '2026-11-23T02:00:00Z',
      ),
      reading({ kind: 'temperature', temperature: { value: 38.2, unit: 'Cel' } }, '2026-11-23T03:00:00Z'),
      reading({ kind: 'temperature', temperature: { value: 37.1, unit: 'Cel' } }, '2026-11-23T03:10:00Z'),
    ];
    const a = assessScreening(readings, { sex: 'female' });
    expect(codes(a.flags)).toEqual([
      'glucose.random.normal',
      'glucose.fasting.diabetes',
      'temperature.no-fever',
      'glucose.assumed-random',
    ]);
    expect(a.worst).toBe('refer');
  });

  it('falls back on the scale BMI when there is no height, and carries measurement-quality flags once', () => {
    const scale = reading(
      { kind: 'weight', weight: { value: 90, unit: 'kg' }, bmi: { value: 31.2, unit: 'kg/m2' } },
      '2026-11-23T03:00:00Z',
    );
    const moved = (at: string) =>
      reading(
        {
          kind: 'blood-pressure',
          systolic: { value: 125, unit: 'mm[Hg]' },
          diastolic: { value: 82, unit: 'mm[Hg]' },
          annunciations: ['body-movement', 'irregular-pulse'],
        },
        at,
      );
    const a = assessScreening([scale, moved('2026-11-23T03:01:00Z'), moved('2026-11-23T03:03:00Z')], {
      sex: 'male',
    });
    expect(a.bmi).toBe(31.2);
    expect(a.derived.map((r) => r.kind)).toEqual(['blood-pressure']);
    expect(codes(a.flags)).toEqual([
      'bp.normal',
      'bmi.ilp.obese-2',
      'device.remeasure',
      'bp.irregular-pulse',
    ]);
  });

  it('has no flags and a normal outcome for an empty visit', () => {
    expect(assessScreening([], { sex: 'male' })).toEqual({
      rules: 'ilp-2025.3',
      worst: 'normal',
      flags: [],
      derived: [],
    });
  });
});
