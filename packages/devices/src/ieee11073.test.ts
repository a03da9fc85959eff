import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodeError, isDecodeError } from './errors.js';
import {
  decodeFloat,
  decodeSfloat,
  encodeFloat,
  encodeSfloat,
  floatValue,
  SPECIAL_VALUES,
  sfloatToNumber,
  sfloatValue,
} from './ieee11073.js';

const le16 = (lo: number, hi: number) => lo | (hi << 8);

describe('SFLOAT', () => {
  it('decodes the examples of devices.md exactly', () => {
    expect(sfloatValue(le16(0x78, 0x00), 'mm[Hg]')).toEqual({ value: 120, unit: 'mm[Hg]' });
    expect(sfloatValue(le16(0xa0, 0xf0), 'kPa')).toEqual({ value: 16, unit: 'kPa' });
    // 110 × 10^-5 kg/L read as mg/dL: the exponent moves by 5, no rounding error.
    expect(sfloatValue(le16(0x6e, 0xb0), 'mg/dL', 5)).toEqual({ value: 110, unit: 'mg/dL' });
    expect(sfloatValue(le16(0x6b, 0xf0), 'kPa').value).toBe(10.7);
  });

  it('reads negative mantissas and exponents as two’s complement', () => {
    expect(decodeSfloat(0xffff)).toEqual({ kind: 'number', mantissa: -1, exponent: -1 });
    expect(decodeSfloat(0x7001)).toEqual({ kind: 'number', mantissa: 1, exponent: 7 });
    expect(decodeSfloat(0x8000)).toEqual({ kind: 'number', mantissa: 0, exponent: -8 });
  });

  it('never turns a special value into a number', () => {
    expect(sfloatValue(0x07ff, '%')).toEqual({ value: null, unit: '%', missing: 'nan' });
    expect(sfloatValue(0x0800, '%')).toEqual({ value: null, unit: '%', missing: 'nres' });
    expect(sfloatValue(0x07fe, '%')).toEqual({ value: null, unit: '%', missing: 'positive-infinity' });
    expect(sfloatValue(0x0802, '%')).toEqual({ value: null, unit: '%', missing: 'negative-infinity' });
    expect(sfloatValue(0x0801, '%')).toEqual({ value: null, unit: '%', missing: 'reserved' });
  });

  it('refuses a special value where a number is required, with SPECIAL_VALUE', () => {
    let thrown: unknown;
    try {
      sfloatToNumber(0x07ff, 'test', 'systolic');
    } catch (error) {
      thrown = error;
    }
    expect(isDecodeError(thrown) && thrown.code).toBe('SPECIAL_VALUE');
    expect(sfloatToNumber(0x0078, 'test', 'systolic')).toBe(120);
  });

  it('encodes the way devices do: smallest exact exponent, no trailing zeros below the unit', () => {
    expect(encodeSfloat(120)).toBe(0x0078);
    expect(encodeSfloat(10.7)).toBe(0xf06b);
    expect(encodeSfloat(110, 5)).toBe(0xb06e);
    expect(encodeSfloat(6.1, 3)).toBe(0xc03d);
    expect(encodeSfloat(0)).toBe(0x0000);
    expect(encodeSfloat(-0.1)).toBe(0xffff);
    expect(encodeSfloat(20450000)).toBe(0x47fd);
    for (const special of SPECIAL_VALUES) expect(sfloatValue(encodeSfloat(special), '1').value).toBeNull();
  });

  it('refuses numbers it cannot carry', () => {
    expect(() => encodeSfloat(2046e7)).toThrow(EncodeError);
    expect(() => encodeSfloat(Number.NaN)).toThrow(EncodeError);
    expect(() => encodeSfloat(Number.POSITIVE_INFINITY)).toThrow(EncodeError);
  });

  it('re-encodes every one of the 65,536 raw values to the same number or the same special value', () => {
    for (let raw = 0; raw <= 0xffff; raw++) {
      const decoded = decodeSfloat(raw);
      const first = sfloatValue(raw, '1');
      if (decoded.kind === 'special') {
        expect(sfloatValue(encodeSfloat(decoded.special), '1')).toEqual(first);
        continue;
      }
      if (Math.abs(decoded.mantissa) <= 2045) {
        expect(sfloatValue(encodeSfloat(first.value as number), '1')).toEqual(first);
        continue;
      }
      // Mantissas ±2046..2048 are numbers only away from exponent 0; the encoder keeps clear of the
      // special-value patterns for every exponent, so these come back one digit shorter (or not at all
      // at the top of the range).
      try {
        const again = sfloatValue(encodeSfloat(first.value as number), '1').value as number;
        expect(Math.abs(again - (first.value as number))).toBeLessThanOrEqual(
          10 ** (decoded.exponent + 1) / 2,
        );
      } catch (error) {
        expect(error).toBeInstanceOf(EncodeError);
        expect((error as EncodeError).code).toBe('OUT_OF_RANGE');
      }
    }
  });
});

describe('FLOAT', () => {
  it('decodes 36.6 °C from devices.md', () => {
    expect(floatValue(0xff00016e, 'Cel')).toEqual({ value: 36.6, unit: 'Cel' });
  });

  it('never turns a special value into a number', () => {
    const cases: [number, string][] = [
      [0x007fffff, 'nan'],
      [0x00800000, 'nres'],
      [0x007ffffe, 'positive-infinity'],
      [0x00800002, 'negative-infinity'],
      [0x00800001, 'reserved'],
    ];
    for (const [raw, missing] of cases)
      expect(floatValue(raw, 'Cel')).toEqual({ value: null, unit: 'Cel', missing });
  });

  it('round-trips random raw values that are numbers', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -8_388_605, max: 8_388_605 }),
        fc.integer({ min: -20, max: 20 }),
        (mantissa, exponent) => {
          const raw = (((exponent & 0xff) << 24) | (mantissa & 0xffffff)) >>> 0;
          const first = floatValue(raw, '1');
          const decoded = decodeFloat(encodeFloat(first.value as number));
          expect(floatValue(encodeFloat(first.value as number), '1')).toEqual(first);
          expect(decoded.kind).toBe('number');
        },
      ),
      { numRuns: 5_000 },
    );
  });
});
