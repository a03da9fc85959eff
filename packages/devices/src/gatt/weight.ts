import type { DeviceMeasurement, DeviceValue, Ucum, WeightMeasurement } from '@klinik-desa/protocol';
import { ByteReader, ByteWriter } from '../bytes.js';
import { EncodeError } from '../errors.js';
import { UNKNOWN_USER } from './blood-pressure.js';
import { parseLocalDateTime, readDateTime, timeStampToMeasurement, writeDateTime } from './date-time.js';

/**
 * Fixed-point fields of the Weight Scale (0x181D) and Body Composition (0x181B) services:
 * raw × multiplier × 10^exponent. Kept as integer multiplier and decimal exponent so the division
 * happens once and the result is the double nearest to the decimal the scale meant (62.45, not
 * 62.449999...).
 */
export interface FixedPoint {
  unit: Ucum;
  multiplier: number;
  /** Divide by 10^divisorExponent. */
  divisorExponent: number;
}

const DIVISORS = [1, 10, 100, 1000];

export const KILOGRAMS: FixedPoint = { unit: 'kg', multiplier: 5, divisorExponent: 3 };
export const POUNDS: FixedPoint = { unit: '[lb_av]', multiplier: 1, divisorExponent: 2 };
export const METRES: FixedPoint = { unit: 'm', multiplier: 1, divisorExponent: 3 };
export const INCHES: FixedPoint = { unit: '[in_i]', multiplier: 1, divisorExponent: 1 };
export const BMI: FixedPoint = { unit: 'kg/m2', multiplier: 1, divisorExponent: 1 };
export const PERCENT_TENTHS: FixedPoint = { unit: '%', multiplier: 1, divisorExponent: 1 };
export const OHM_TENTHS: FixedPoint = { unit: 'Ohm', multiplier: 1, divisorExponent: 1 };
export const KILOJOULES: FixedPoint = { unit: 'kJ', multiplier: 1, divisorExponent: 0 };

/** 0xFFFF in a weight (or body fat) field: the scale tried and failed. */
export const MEASUREMENT_UNSUCCESSFUL = 0xffff;

export function fixedValue(raw: number, format: FixedPoint): DeviceValue {
  return { value: (raw * format.multiplier) / DIVISORS[format.divisorExponent]!, unit: format.unit };
}

export function massValue(raw: number, format: FixedPoint): DeviceValue {
  if (raw === MEASUREMENT_UNSUCCESSFUL) return { value: null, unit: format.unit, missing: 'unsuccessful' };
  return fixedValue(raw, format);
}

export function fixedRaw(value: DeviceValue, format: FixedPoint, protocol: string, field: string): number {
  if (value.unit !== format.unit) {
    throw new EncodeError('UNSUPPORTED_UNIT', protocol, `${field} is in ${format.unit}, not ${value.unit}`);
  }
  if (value.value === null) {
    if (value.missing === 'unsuccessful') return MEASUREMENT_UNSUCCESSFUL;
    throw new EncodeError('NOT_ENCODABLE', protocol, `${field} cannot say "${value.missing}"`);
  }
  const raw = Math.round((value.value * DIVISORS[format.divisorExponent]!) / format.multiplier);
  if (raw < 0 || raw >= MEASUREMENT_UNSUCCESSFUL) {
    throw new EncodeError(
      'OUT_OF_RANGE',
      protocol,
      `${field} ${value.value} ${value.unit} does not fit 16 bits`,
    );
  }
  return raw;
}

/**
 * Weight Measurement (0x2A9D), an indication. Flags: bit0 unit (0 SI, 1 imperial), bit1 time stamp,
 * bit2 user id, bit3 BMI and height. Weight uint16 (0.005 kg or 0.01 lb; 0xFFFF unsuccessful), then
 * the optional fields in flag order: BMI 0.1 kg/m², height 0.001 m or 0.1 in.
 */
const FLAG_IMPERIAL = 0x01;
const FLAG_TIME_STAMP = 0x02;
const FLAG_USER_ID = 0x04;
const FLAG_BMI_HEIGHT = 0x08;

export function decodeWeight(frame: Uint8Array, protocol = 'gatt-2a9d'): WeightMeasurement {
  const reader = new ByteReader(frame, protocol);
  const flags = reader.u8('flags');
  const imperial = (flags & FLAG_IMPERIAL) !== 0;
  const measurement: WeightMeasurement = {
    kind: 'weight',
    weight: massValue(reader.u16('weight'), imperial ? POUNDS : KILOGRAMS),
  };
  if (flags & FLAG_TIME_STAMP) {
    const stamp = timeStampToMeasurement(readDateTime(reader, 'time stamp'));
    if (stamp.deviceTime) measurement.deviceTime = stamp.deviceTime;
    if (stamp.annunciation) measurement.annunciations = [stamp.annunciation];
  }
  if (flags & FLAG_USER_ID) {
    const userId = reader.u8('user id');
    if (userId !== UNKNOWN_USER) measurement.userId = userId;
  }
  if (flags & FLAG_BMI_HEIGHT) {
    measurement.bmi = fixedValue(reader.u16('BMI'), BMI);
    measurement.height = fixedValue(reader.u16('height'), imperial ? INCHES : METRES);
  }
  return measurement;
}

export function encodeWeight(measurement: DeviceMeasurement, protocol = 'gatt-2a9d'): Uint8Array {
  if (measurement.kind !== 'weight') {
    throw new EncodeError('WRONG_KIND', protocol, `encodes weight, not ${measurement.kind}`);
  }
  const imperial = measurement.weight.unit === '[lb_av]';
  let flags = imperial ? FLAG_IMPERIAL : 0;
  if (measurement.deviceTime !== undefined) flags |= FLAG_TIME_STAMP;
  if (measurement.userId !== undefined) flags |= FLAG_USER_ID;
  if (measurement.bmi !== undefined || measurement.height !== undefined) {
    if (measurement.bmi === undefined || measurement.height === undefined) {
      throw new EncodeError('NOT_ENCODABLE', protocol, 'BMI and height travel together');
    }
    flags |= FLAG_BMI_HEIGHT;
  }
  const writer = new ByteWriter().u8(flags);
  writer.u16(fixedRaw(measurement.weight, imperial ? POUNDS : KILOGRAMS, protocol, 'weight'));
  if (measurement.deviceTime !== undefined)
    writeDateTime(writer, parseLocalDateTime(measurement.deviceTime, protocol));
  if (measurement.userId !== undefined) writer.u8(measurement.userId);
  if (measurement.bmi !== undefined && measurement.height !== undefined) {
    writer.u16(fixedRaw(measurement.bmi, BMI, protocol, 'BMI'));
    writer.u16(fixedRaw(measurement.height, imperial ? INCHES : METRES, protocol, 'height'));
  }
  return writer.finish();
}
