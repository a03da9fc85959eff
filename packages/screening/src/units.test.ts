import type { Ucum } from '@klinik-desa/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScreeningOptionError } from './errors.js';
import { roundHalfUp } from './rounding.js';
import { canConvert, convertUnit, UNIT_CONVERSIONS } from './units.js';
import type { ValueName } from './values.js';

describe('roundHalfUp', () => {
  it.each([
    [62.455, 2, 62.46],
    [62.454, 2, 62.45],
    [1.005, 2, 1.01],
    [2.675, 2, 2.68],
    [22.95, 1, 23],
    [22.949, 1, 22.9],
    [121.5, 0, 122],
    [120.5, 0, 121],
    [-1.5, 0, -2],
    [-0.04, 1, 0],
    [37.45, 1, 37.5],
    [1e-7, 2, 0],
    [123456789.125, 2, 123456789.13],
  ])('rounds %s to %s decimals as %s', (value, decimals, expected) => {
    expect(Object.is(roundHalfUp(value, decimals), expected)).toBe(true);
  });

  it('refuses non-finite values and bad decimals', () => {
    expect(() => roundHalfUp(Number.NaN, 1)).toThrow(RangeError);
    expect(() => roundHalfUp(1, -1)).toThrow(RangeError);
    expect(() => roundHalfUp(1, 1.5)).toThrow(RangeError);
  });

  it('stays within half a unit of the last decimal, and is idempotent', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 4 }), (x, d) => {
        const r = roundHalfUp(x, d);
        expect(Math.abs(r - x)).toBeLessThanOrEqual(0.5 * 10 ** -d + 1e-9 * Math.max(1, Math.abs(x)));
        expect(roundHalfUp(r, d)).toBe(r);
      }),
    );
  });

  it('rounds exact halves away from zero', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100000, max: 100000 }), (n) => {
        const half = n + (n < 0 ? -0.5 : 0.5);
        expect(roundHalfUp(half, 0)).toBe(n < 0 ? n - 1 : n + 1);
      }),
    );
  });
});

describe('convertUnit', () => {
  it.each<[number, Ucum, Ucum, number, ValueName?]>([
    [16, 'kPa', 'mm[Hg]', 120.00992],
    [24.8, 'kPa', 'mm[Hg]', 186.015376],
    [100, '[lb_av]', 'kg', 45.359237],
    [16, '[oz_av]', 'kg', 0.45359237],
    [55200, 'g', 'kg', 55.2],
    [60, '[in_i]', 'cm', 152.4],
    [1.68, 'm', 'cm', 168],
    [7, 'mmol/L', 'mg/dL', 126.112, 'glucose'],
    [11.1, 'mmol/L', 'mg/dL', 199.9776, 'glucose'],
    [5.17, 'mmol/L', 'mg/dL', 199.89805, 'totalCholesterol'],
    [6.2, 'mmol/L', 'mg/dL', 239.723, 'totalCholesterol'],
    [420, 'umol/L', 'mg/dL', 7.06062, 'uricAcid'],
    [0.357, 'mmol/L', 'mg/dL', 6.001527, 'uricAcid'],
    [125, 'g/L', 'g/dL', 12.5, 'haemoglobin'],
    [7.45, 'mmol/L', 'g/dL', 12.00493, 'haemoglobin'],
    [98.6, '[degF]', 'Cel', 37],
    [99.5, '[degF]', 'Cel', 37.5],
    [212, '[degF]', 'Cel', 100],
    [120, 'mm[Hg]', 'kPa', 120 / 7.50062],
    [126, 'mg/dL', 'mmol/L', 126 / 18.016, 'glucose'],
    [240, 'mg/dL', 'mmol/L', 240 / 38.665, 'totalCholesterol'],
    [37, 'Cel', '[degF]', 98.6],
    [70, 'kg', 'kg', 70],
  ])('%s %s is %s %s (%s)', (value, from, to, expected, substance) => {
    expect(convertUnit(value, from, to, substance)).toBeCloseTo(expected, 9);
  });

  it('asks which value a molar conversion is for, and uses that value’s molar mass', () => {
    expect(() => convertUnit(5, 'mmol/L', 'mg/dL')).toThrow(/needs the value it converts/);
    expect(() => convertUnit(5, 'mmol/L', 'mg/dL', 'weight')).toThrow(/for weight/);
    expect(canConvert('mmol/L', 'g/dL', 'haemoglobin')).toBe(true);
    expect(canConvert('mmol/L', 'g/dL', 'glucose')).toBe(false);
    expect(convertUnit(5, 'mmol/L', 'mg/dL', 'glucose')).not.toBeCloseTo(
      convertUnit(5, 'mmol/L', 'mg/dL', 'totalCholesterol'),
    );
  });

  it('uses the exact defined factors', () => {
    const factor = (from: Ucum) => UNIT_CONVERSIONS.find((c) => c.from === from)?.factor;
    expect(factor('[lb_av]')).toBe(0.45359237);
    expect(factor('[in_i]')).toBe(2.54);
    expect(factor('kPa')).toBe(7.50062);
    expect(factor('mmol/L')).toBe(18.016);
    expect(factor('g/L')).toBe(0.1);
  });

  it('refuses units that do not convert', () => {
    expect(canConvert('kg', 'cm')).toBe(false);
    expect(() => convertUnit(1, 'kg', 'mm[Hg]')).toThrow(ScreeningOptionError);
  });

  it('round-trips every conversion', () => {
    for (const c of UNIT_CONVERSIONS) {
      fc.assert(
        fc.property(fc.double({ min: 0.001, max: 10000, noNaN: true }), (x) => {
          const substance = c.substance?.[0];
          const back = convertUnit(convertUnit(x, c.from, c.to, substance), c.to, c.from, substance);
          expect(Math.abs(back - x)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(x)) * 10);
        }),
        { numRuns: 200 },
      );
    }
  });

  it('round-trips after rounding to within the rounding step', () => {
    // Rounded values are what a reading stores; converting one back must land within half a step.
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 600000 }), (grams) => {
        const pounds = grams / 453.59237;
        const kg = roundHalfUp(convertUnit(pounds, '[lb_av]', 'kg'), 2);
        expect(Math.abs(kg - grams / 1000)).toBeLessThanOrEqual(0.005 + 1e-9);
      }),
    );
  });
});
