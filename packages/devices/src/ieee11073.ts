import type { DeviceValue, MissingReason, Ucum } from '@klinik-desa/protocol';
import { DecodeError, EncodeError } from './errors.js';

/**
 * IEEE 11073-20601 medical floats: SFLOAT (16 bits: 4-bit exponent, 12-bit mantissa) and FLOAT
 * (32 bits: 8-bit exponent, 24-bit mantissa), both two's complement, value = mantissa × 10^exponent.
 * The reserved mantissas (with exponent 0) are not numbers: they say why a device gave none, and
 * that reason travels with the measurement instead of a made-up number.
 */
export type SpecialValue = Extract<
  MissingReason,
  'nan' | 'nres' | 'positive-infinity' | 'negative-infinity' | 'reserved'
>;

export type MedicalFloat =
  | { kind: 'number'; mantissa: number; exponent: number }
  | { kind: 'special'; special: SpecialValue };

const SFLOAT_SPECIALS: Readonly<Record<number, SpecialValue>> = {
  2047: 'nan',
  2048: 'nres',
  2046: 'positive-infinity',
  2050: 'negative-infinity',
  2049: 'reserved',
};
const FLOAT_SPECIALS: Readonly<Record<number, SpecialValue>> = {
  8388607: 'nan',
  8388608: 'nres',
  8388606: 'positive-infinity',
  8388610: 'negative-infinity',
  8388609: 'reserved',
};
const SFLOAT_RAW: Readonly<Record<SpecialValue, number>> = {
  nan: 0x07ff,
  nres: 0x0800,
  'positive-infinity': 0x07fe,
  'negative-infinity': 0x0802,
  reserved: 0x0801,
};
const FLOAT_RAW: Readonly<Record<SpecialValue, number>> = {
  nan: 0x007fffff,
  nres: 0x00800000,
  'positive-infinity': 0x007ffffe,
  'negative-infinity': 0x00800002,
  reserved: 0x00800001,
};

/**
 * Powers of ten parsed from decimal literals: exact up to 10^22, correctly rounded beyond. Dividing
 * by an exact power (rather than multiplying by 10^-n, which is inexact) gives the double nearest
 * to the decimal the device meant: 107 × 10^-1 becomes exactly the number 10.7.
 */
const POW10: readonly number[] = Array.from({ length: 140 }, (_, k) => Number(`1e${k}`));

/** mantissa × 10^exponent as the double nearest to that decimal. */
export function scaleDecimal(mantissa: number, exponent: number): number {
  return exponent >= 0 ? mantissa * POW10[exponent]! : mantissa / POW10[-exponent]!;
}

export function decodeSfloat(raw: number): MedicalFloat {
  const special = SFLOAT_SPECIALS[raw & 0xffff];
  if (special !== undefined) return { kind: 'special', special };
  let mantissa = raw & 0x0fff;
  if (mantissa >= 0x0800) mantissa -= 0x1000;
  let exponent = (raw >> 12) & 0x0f;
  if (exponent >= 0x08) exponent -= 0x10;
  return { kind: 'number', mantissa, exponent };
}

export function decodeFloat(raw: number): MedicalFloat {
  const unsigned = raw >>> 0;
  const special = FLOAT_SPECIALS[unsigned];
  if (special !== undefined) return { kind: 'special', special };
  let mantissa = unsigned & 0x00ffffff;
  if (mantissa >= 0x00800000) mantissa -= 0x01000000;
  let exponent = (unsigned >>> 24) & 0xff;
  if (exponent >= 0x80) exponent -= 0x100;
  return { kind: 'number', mantissa, exponent };
}

/**
 * The SFLOAT as a measurement value in `unit`. `unitExponent` converts the wire unit to the one
 * reported without rounding error (kg/L → mg/dL is 10^5: the exponent moves, the mantissa stays).
 */
export function sfloatValue(raw: number, unit: Ucum, unitExponent = 0): DeviceValue {
  const r = raw & 0xffff;
  // Special values all sit at exponent 0 with mantissas 0x7FE..0x802: one range check skips the table.
  if (r >= 0x07fe && r <= 0x0802) return { value: null, unit, missing: SFLOAT_SPECIALS[r]! };
  let mantissa = r & 0x0fff;
  if (mantissa >= 0x0800) mantissa -= 0x1000;
  let exponent = r >> 12;
  if (exponent >= 0x08) exponent -= 0x10;
  return { value: scaleDecimal(mantissa, exponent + unitExponent), unit };
}

export function floatValue(raw: number, unit: Ucum, unitExponent = 0): DeviceValue {
  const decoded = decodeFloat(raw);
  if (decoded.kind === 'special') return { value: null, unit, missing: decoded.special };
  return { value: scaleDecimal(decoded.mantissa, decoded.exponent + unitExponent), unit };
}

/** The SFLOAT as a plain number, for fields where a special value makes the frame meaningless. */
export function sfloatToNumber(raw: number, protocol: string, field: string): number {
  const decoded = decodeSfloat(raw);
  if (decoded.kind === 'special') {
    throw new DecodeError('SPECIAL_VALUE', protocol, `${field} is ${decoded.special}, not a number`);
  }
  return scaleDecimal(decoded.mantissa, decoded.exponent);
}

interface FloatFormat {
  name: string;
  /** Largest mantissa magnitude that is a number at every exponent (the specials sit above it). */
  maxMantissa: number;
  minExponent: number;
  maxExponent: number;
  mantissaBits: number;
  special: Readonly<Record<SpecialValue, number>>;
}

const SFLOAT_FORMAT: FloatFormat = {
  name: 'SFLOAT',
  maxMantissa: 2045,
  minExponent: -8,
  maxExponent: 7,
  mantissaBits: 12,
  special: SFLOAT_RAW,
};
const FLOAT_FORMAT: FloatFormat = {
  name: 'FLOAT',
  maxMantissa: 8_388_605,
  minExponent: -128,
  maxExponent: 127,
  mantissaBits: 24,
  special: FLOAT_RAW,
};

/**
 * Chooses mantissa and exponent for `value`: the most precise exponent that fits, then trailing
 * zeros dropped down to the value's own unit, so 120 mmHg is sent as 120 × 10^0 and 110 mg/dL as
 * 110 × 10^-5 kg/L, as devices do. Returns the exponent on the wire (after `unitExponent`).
 */
function toMantissaExponent(value: number, format: FloatFormat, unitExponent: number): [number, number] {
  if (!Number.isFinite(value)) {
    throw new EncodeError('NOT_ENCODABLE', format.name, `${value} is not a finite number`);
  }
  for (let e = format.minExponent + unitExponent; e <= format.maxExponent + unitExponent; e++) {
    let mantissa = Math.round(e >= 0 ? value / POW10[e]! : value * POW10[-e]!);
    if (Math.abs(mantissa) > format.maxMantissa) continue;
    if (mantissa === 0) return [0, 0];
    let exponent = e;
    while (exponent < 0 && mantissa % 10 === 0) {
      mantissa /= 10;
      exponent += 1;
    }
    return [mantissa, exponent - unitExponent];
  }
  throw new EncodeError('OUT_OF_RANGE', format.name, `${value} does not fit an ${format.name}`);
}

/**
 * Encodes a value (or a special value) as a raw 16-bit SFLOAT. `unitExponent` is the inverse of the
 * one given to `sfloatValue`: a value in mg/dL with unitExponent 5 is sent as kg/L.
 */
export function encodeSfloat(value: number | SpecialValue, unitExponent = 0): number {
  if (typeof value === 'string') return SFLOAT_RAW[value];
  const [mantissa, exponent] = toMantissaExponent(value, SFLOAT_FORMAT, unitExponent);
  return ((exponent & 0x0f) << 12) | (mantissa & 0x0fff);
}

export function encodeFloat(value: number | SpecialValue, unitExponent = 0): number {
  if (typeof value === 'string') return FLOAT_RAW[value];
  const [mantissa, exponent] = toMantissaExponent(value, FLOAT_FORMAT, unitExponent);
  return (((exponent & 0xff) << 24) | (mantissa & 0x00ffffff)) >>> 0;
}

/** The raw SFLOAT for a measurement value: its number, or the special value its reason names. */
export function sfloatFromValue(value: DeviceValue, unitExponent = 0, protocol = 'SFLOAT'): number {
  if (value.value !== null) return encodeSfloat(value.value, unitExponent);
  if (value.missing in SFLOAT_RAW) return SFLOAT_RAW[value.missing as SpecialValue];
  throw new EncodeError('NOT_ENCODABLE', protocol, `an SFLOAT cannot say "${value.missing}"`);
}

export function floatFromValue(value: DeviceValue, unitExponent = 0, protocol = 'FLOAT'): number {
  if (value.value !== null) return encodeFloat(value.value, unitExponent);
  if (value.missing in FLOAT_RAW) return FLOAT_RAW[value.missing as SpecialValue];
  throw new EncodeError('NOT_ENCODABLE', protocol, `a FLOAT cannot say "${value.missing}"`);
}

export const SPECIAL_VALUES: readonly SpecialValue[] = [
  'nan',
  'nres',
  'positive-infinity',
  'negative-infinity',
  'reserved',
];
