import type { DeviceMeasurement } from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { normalize } from './normalize.js';
import { THRESHOLDS } from './thresholds.js';
import { haemoglobinGroup, type Sex, triage } from './triage.js';

/** The triage code a value gets for a patient (the group's one category flag). */
function category(
  name: 'totalCholesterol' | 'uricAcid' | 'haemoglobin',
  x: number,
  patient: { sex?: Sex; ageYears?: number } = {},
): string | undefined {
  const codes = triage({ [name]: x }, patient).map((f) => f.code);
  expect(codes.length).toBeLessThanOrEqual(1);
  return codes[0];
}

// Each row: a value just below its lower bound, at it, and just above (in the value's decimals).
describe('total cholesterol (Kemenkes P2PTM: < 200, 200–239, ≥ 240 mg/dL)', () => {
  it.each([
    [199, 'cholesterol.normal'],
    [200, 'cholesterol.borderline-high'],
    [201, 'cholesterol.borderline-high'],
    [239, 'cholesterol.borderline-high'],
    [240, 'cholesterol.high'],
    [241, 'cholesterol.high'],
    [100, 'cholesterol.normal'],
  ])('%s mg/dL is %s', (x, expected) => {
    expect(category('totalCholesterol', x)).toBe(expected);
  });

  it('is not judged for a child', () => {
    expect(category('totalCholesterol', 260, { ageYears: 12 })).toBeUndefined();
  });
});

describe('uric acid (no Kemenkes threshold: ≥ 7.0 men, ≥ 6.0 women)', () => {
  it.each<[Sex, number, string]>([
    ['male', 6.9, 'uric-acid.men.normal'],
    ['male', 7, 'uric-acid.men.high'],
    ['male', 7.1, 'uric-acid.men.high'],
    ['female', 5.9, 'uric-acid.women.normal'],
    ['female', 6, 'uric-acid.women.high'],
    ['female', 6.1, 'uric-acid.women.high'],
    ['male', 6, 'uric-acid.men.normal'],
  ])('%s %s mg/dL is %s', (sex, x, expected) => {
    expect(category('uricAcid', x, { sex })).toBe(expected);
  });

  it('needs the sex, and an adult', () => {
    expect(category('uricAcid', 8)).toBeUndefined();
    expect(category('uricAcid', 8, { sex: 'male', ageYears: 16 })).toBeUndefined();
  });
});

describe('haemoglobin (WHO 2011 as Kemenkes uses it)', () => {
  it.each<[string, { sex?: Sex; ageYears?: number }, number, string]>([
    // Men 15 and over: ≥ 13 / 11–12.9 / 8–10.9 / < 8.
    ['men', { sex: 'male' }, 12.9, 'haemoglobin.men.mild'],
    ['men', { sex: 'male' }, 13, 'haemoglobin.men.normal'],
    ['men', { sex: 'male', ageYears: 15 }, 13.1, 'haemoglobin.men.normal'],
    ['men', { sex: 'male' }, 10.9, 'haemoglobin.men.moderate'],
    ['men', { sex: 'male' }, 11, 'haemoglobin.men.mild'],
    ['men', { sex: 'male' }, 11.1, 'haemoglobin.men.mild'],
    ['men', { sex: 'male' }, 7.9, 'haemoglobin.men.severe'],
    ['men', { sex: 'male' }, 8, 'haemoglobin.men.moderate'],
    ['men', { sex: 'male' }, 8.1, 'haemoglobin.men.moderate'],
    // Women 15 and over: ≥ 12 / 11–11.9 / 8–10.9 / < 8.
    ['women', { sex: 'female' }, 11.9, 'haemoglobin.women.mild'],
    ['women', { sex: 'female' }, 12, 'haemoglobin.women.normal'],
    ['women', { sex: 'female', ageYears: 40 }, 12.1, 'haemoglobin.women.normal'],
    ['women', { sex: 'female' }, 10.9, 'haemoglobin.women.moderate'],
    ['women', { sex: 'female' }, 11, 'haemoglobin.women.mild'],
    ['women', { sex: 'female' }, 11.1, 'haemoglobin.women.mild'],
    ['women', { sex: 'female' }, 7.9, 'haemoglobin.women.severe'],
    ['women', { sex: 'female' }, 8, 'haemoglobin.women.moderate'],
    ['women', { sex: 'female' }, 8.1, 'haemoglobin.women.moderate'],
    // 12–14 years, either sex: as women.
    ['12-14', { sex: 'male', ageYears: 14 }, 11.9, 'haemoglobin.12-14.mild'],
    ['12-14', { sex: 'male', ageYears: 14 }, 12, 'haemoglobin.12-14.normal'],
    ['12-14', { ageYears: 12 }, 12.1, 'haemoglobin.12-14.normal'],
    ['12-14', { ageYears: 13 }, 10.9, 'haemoglobin.12-14.moderate'],
    ['12-14', { ageYears: 13 }, 11, 'haemoglobin.12-14.mild'],
    ['12-14', { ageYears: 13 }, 11.1, 'haemoglobin.12-14.mild'],
    ['12-14', { ageYears: 13 }, 7.9, 'haemoglobin.12-14.severe'],
    ['12-14', { ageYears: 13 }, 8, 'haemoglobin.12-14.moderate'],
    ['12-14', { ageYears: 13 }, 8.1, 'haemoglobin.12-14.moderate'],
    // 5–11 years: ≥ 11.5 / 11–11.4 / 8–10.9 / < 8.
    ['5-11', { ageYears: 5 }, 11.4, 'haemoglobin.5-11.mild'],
    ['5-11', { ageYears: 11 }, 11.5, 'haemoglobin.5-11.normal'],
    ['5-11', { ageYears: 8 }, 11.6, 'haemoglobin.5-11.normal'],
    ['5-11', { ageYears: 8 }, 10.9, 'haemoglobin.5-11.moderate'],
    ['5-11', { ageYears: 8 }, 11, 'haemoglobin.5-11.mild'],
    ['5-11', { ageYears: 8 }, 11.1, 'haemoglobin.5-11.mild'],
    ['5-11', { ageYears: 8 }, 7.9, 'haemoglobin.5-11.severe'],
    ['5-11', { ageYears: 8 }, 8, 'haemoglobin.5-11.moderate'],
    ['5-11', { ageYears: 8 }, 8.1, 'haemoglobin.5-11.moderate'],
  ])('%s %o: %s g/dL is %s', (_group, patient, x, expected) => {
    expect(category('haemoglobin', x, patient)).toBe(expected);
  });

  it('is not classified under 5 years, nor from 15 without the sex', () => {
    expect(haemoglobinGroup({ ageYears: 4, sex: 'female' })).toBeUndefined();
    expect(haemoglobinGroup({ ageYears: 30 })).toBeUndefined();
    expect(haemoglobinGroup({})).toBeUndefined();
  });

  it('gives mild anaemia attention, moderate a referral and severe an urgent referral', () => {
    const severity = (code: string) => THRESHOLDS.rows.find((r) => r.code === code)?.severity;
    expect(severity('haemoglobin.women.mild')).toBe('attention');
    expect(severity('haemoglobin.women.moderate')).toBe('refer');
    expect(severity('haemoglobin.women.severe')).toBe('urgent');
  });
});

describe('the new kinds through normalize', () => {
  const ctx = { receivedAt: '2025-03-01T01:00:00Z', manual: true, patient: { sex: 'female' as const } };
  const read = (m: DeviceMeasurement) => {
    const result = normalize(m, ctx);
    if (!result.ok) throw result.error;
    return result.reading;
  };

  it('converts mmol/L cholesterol, µmol/L uric acid and g/L haemoglobin, keeping what the meter said', () => {
    const chol = read({ kind: 'cholesterol', totalCholesterol: { value: 6.3, unit: 'mmol/L' } });
    expect(chol.values).toEqual([
      {
        name: 'totalCholesterol',
        code: '2093-3',
        value: 244,
        unit: 'mg/dL',
        original: { value: 6.3, unit: 'mmol/L' },
      },
    ]);
    expect(chol.flags.map((f) => f.code)).toContain('cholesterol.high');
    const urate = read({ kind: 'uric-acid', uricAcid: { value: 357, unit: 'umol/L' } });
    expect(urate.values[0]).toMatchObject({ code: '3084-1', value: 6, unit: 'mg/dL' });
    expect(urate.flags.map((f) => f.code)).toContain('uric-acid.women.high');
    const hb = read({ kind: 'haemoglobin', haemoglobin: { value: 105, unit: 'g/L' } });
    expect(hb.values[0]).toMatchObject({ code: '718-7', value: 10.5, unit: 'g/dL' });
    expect(hb.flags.map((f) => f.code)).toContain('haemoglobin.women.moderate');
  });

  it('keeps a meter’s HI and LO as limits with their flags, never as a category', () => {
    const hi = read({
      kind: 'cholesterol',
      totalCholesterol: { value: 400, unit: 'mg/dL', comparator: '>' },
    });
    expect(hi.values[0]).toMatchObject({ value: 400, comparator: '>' });
    expect(hi.flags.map((f) => f.code)).toEqual(['cholesterol.above-device-range']);
    expect(hi.flags[0]?.message?.en).toContain('HI (> 400 mg/dL)');
    const lo = read({ kind: 'haemoglobin', haemoglobin: { value: 5, unit: 'g/dL', comparator: '<' } });
    expect(lo.flags.map((f) => [f.code, f.severity])).toEqual([['haemoglobin.below-device-range', 'urgent']]);
    const urate = read({ kind: 'uric-acid', uricAcid: { value: 20, unit: 'mg/dL', comparator: '>' } });
    expect(urate.flags.map((f) => f.code)).toEqual(['uric-acid.above-device-range']);
  });

  it('refuses a limit no real meter has, and units that do not fit', () => {
    const low = normalize(
      { kind: 'cholesterol', totalCholesterol: { value: 180, unit: 'mg/dL', comparator: '>' } },
      ctx,
    );
    expect(low.ok).toBe(false);
    if (!low.ok) expect(low.error.code).toBe('IMPLAUSIBLE');
    const unit = normalize({ kind: 'haemoglobin', haemoglobin: { value: 12, unit: 'mg/dL' } }, ctx);
    expect(unit.ok).toBe(false);
    if (!unit.ok) expect(unit.error.code).toBe('UNSUPPORTED_UNIT');
  });
});
