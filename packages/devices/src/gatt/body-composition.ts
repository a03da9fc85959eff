import type { BodyCompositionMeasurement, DeviceMeasurement, DeviceValue } from '@klinik-desa/protocol';
import { ByteReader, ByteWriter } from '../bytes.js';
import { EncodeError } from '../errors.js';
import { UNKNOWN_USER } from './blood-pressure.js';
import { parseLocalDateTime, readDateTime, timeStampToMeasurement, writeDateTime } from './date-time.js';
import {
  type FixedPoint,
  fixedRaw,
  fixedValue,
  INCHES,
  KILOGRAMS,
  KILOJOULES,
  METRES,
  massValue,
  OHM_TENTHS,
  PERCENT_TENTHS,
  POUNDS,
} from './weight.js';

/**
 * Body Composition Measurement (0x2A9C, Body Composition service 0x181B), an indication.
 * Flags (uint16): bit0 unit (0 SI, 1 imperial), bit1 time stamp, bit2 user id, bit3 basal
 * metabolism, bit4 muscle %, bit5 muscle mass, bit6 fat-free mass, bit7 soft lean mass, bit8 body
 * water mass, bit9 impedance, bit10 weight, bit11 height, bit12 multiple packet measurement.
 * Body fat % (uint16, 0.1 %; 0xFFFF unsuccessful) always comes first, then the present fields in
 * flag order. Masses use the weight resolutions (0.005 kg, 0.01 lb), impedance 0.1 Ω, basal
 * metabolism 1 kJ, height 0.001 m or 0.1 in.
 */
const FLAG_IMPERIAL = 0x0001;
const FLAG_TIME_STAMP = 0x0002;
const FLAG_USER_ID = 0x0004;
const FLAG_BASAL_METABOLISM = 0x0008;
const FLAG_MUSCLE_PERCENTAGE = 0x0010;
const FLAG_MUSCLE_MASS = 0x0020;
const FLAG_FAT_FREE_MASS = 0x0040;
const FLAG_SOFT_LEAN_MASS = 0x0080;
const FLAG_BODY_WATER_MASS = 0x0100;
const FLAG_IMPEDANCE = 0x0200;
const FLAG_WEIGHT = 0x0400;
const FLAG_HEIGHT = 0x0800;
/** The measurement did not fit one indication: another packet with the remaining fields follows. */
const FLAG_MULTIPLE_PACKET = 0x1000;

type OptionalField =
  | 'basalMetabolism'
  | 'musclePercentage'
  | 'muscleMass'
  | 'fatFreeMass'
  | 'softLeanMass'
  | 'bodyWaterMass'
  | 'impedance'
  | 'weight'
  | 'height';

interface FieldSpec {
  flag: number;
  key: OptionalField;
  label: string;
  format: (imperial: boolean) => FixedPoint;
  /** Masses may say "unsuccessful" with 0xFFFF, as the weight field does. */
  mass: boolean;
}

const mass = (imperial: boolean) => (imperial ? POUNDS : KILOGRAMS);

/** In wire order. */
const FIELDS: readonly FieldSpec[] = [
  {
    flag: FLAG_BASAL_METABOLISM,
    key: 'basalMetabolism',
    label: 'basal metabolism',
    format: () => KILOJOULES,
    mass: false,
  },
  {
    flag: FLAG_MUSCLE_PERCENTAGE,
    key: 'musclePercentage',
    label: 'muscle percentage',
    format: () => PERCENT_TENTHS,
    mass: false,
  },
  { flag: FLAG_MUSCLE_MASS, key: 'muscleMass', label: 'muscle mass', format: mass, mass: true },
  { flag: FLAG_FAT_FREE_MASS, key: 'fatFreeMass', label: 'fat-free mass', format: mass, mass: true },
  { flag: FLAG_SOFT_LEAN_MASS, key: 'softLeanMass', label: 'soft lean mass', format: mass, mass: true },
  { flag: FLAG_BODY_WATER_MASS, key: 'bodyWaterMass', label: 'body water mass', format: mass, mass: true },
  { flag: FLAG_IMPEDANCE, key: 'impedance', label: 'impedance', format: () => OHM_TENTHS, mass: false },
  { flag: FLAG_WEIGHT, key: 'weight', label: 'weight', format: mass, mass: true },
  {
    flag: FLAG_HEIGHT,
    key: 'height',
    label: 'height',
    format: (imperial) => (imperial ? INCHES : METRES),
    mass: false,
  },
];

export function decodeBodyComposition(frame: Uint8Array, protocol = 'gatt-2a9c'): BodyCompositionMeasurement {
  const reader = new ByteReader(frame, protocol);
  const flags = reader.u16('flags');
  const imperial = (flags & FLAG_IMPERIAL) !== 0;
  const measurement: BodyCompositionMeasurement = {
    kind: 'body-composition',
    bodyFat: massValue(reader.u16('body fat percentage'), PERCENT_TENTHS),
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
  for (const field of FIELDS) {
    if (!(flags & field.flag)) continue;
    const raw = reader.u16(field.label);
    measurement[field.key] = field.mass
      ? massValue(raw, field.format(imperial))
      : fixedValue(raw, field.format(imperial));
  }
  if (flags & FLAG_MULTIPLE_PACKET) measurement.extra = { multiplePacket: true };
  return measurement;
}

export function encodeBodyComposition(measurement: DeviceMeasurement, protocol = 'gatt-2a9c'): Uint8Array {
  if (measurement.kind !== 'body-composition') {
    throw new EncodeError('WRONG_KIND', protocol, `encodes body-composition, not ${measurement.kind}`);
  }
  const massUnits = FIELDS.filter((f) => f.mass)
    .map((f) => measurement[f.key])
    .filter((v): v is DeviceValue => v !== undefined)
    .map((v) => v.unit);
  const imperial = massUnits.includes('[lb_av]') || measurement.height?.unit === '[in_i]';
  let flags = imperial ? FLAG_IMPERIAL : 0;
  if (measurement.deviceTime !== undefined) flags |= FLAG_TIME_STAMP;
  if (measurement.userId !== undefined) flags |= FLAG_USER_ID;
  for (const field of FIELDS) if (measurement[field.key] !== undefined) flags |= field.flag;
  if (measurement.extra?.['multiplePacket'] === true) flags |= FLAG_MULTIPLE_PACKET;

  const writer = new ByteWriter().u16(flags);
  writer.u16(fixedRaw(measurement.bodyFat, PERCENT_TENTHS, protocol, 'body fat'));
  if (measurement.deviceTime !== undefined)
    writeDateTime(writer, parseLocalDateTime(measurement.deviceTime, protocol));
  if (measurement.userId !== undefined) writer.u8(measurement.userId);
  for (const field of FIELDS) {
    const value = measurement[field.key];
    if (value !== undefined) writer.u16(fixedRaw(value, field.format(imperial), protocol, field.label));
  }
  return writer.finish();
}

/**
 * Joins the two packets of a multiple-packet measurement (bit 12): each packet carries its own flags
 * and fields; the second adds what did not fit the first. The `multiplePacket` mark goes; other
 * extras (the gateway's `deviceAddress`) stay.
 */
export function mergeBodyCompositionPackets(
  first: BodyCompositionMeasurement,
  second: BodyCompositionMeasurement,
): BodyCompositionMeasurement {
  const { extra: firstExtra, ...a } = first;
  const { extra: secondExtra, ...b } = second;
  const merged: BodyCompositionMeasurement = {
    ...a,
    ...b,
    bodyFat: a.bodyFat.value !== null ? a.bodyFat : b.bodyFat,
  };
  const { multiplePacket: _, ...extra } = { ...firstExtra, ...secondExtra };
  if (Object.keys(extra).length > 0) merged.extra = extra;
  return merged;
}
