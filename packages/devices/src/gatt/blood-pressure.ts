import type {
  BloodPressureMeasurement,
  DeviceAnnunciation,
  DeviceMeasurement,
  DeviceValue,
  Ucum,
} from '@klinik-desa/protocol';
import { ByteReader, ByteWriter } from '../bytes.js';
import { DecodeError, EncodeError } from '../errors.js';
import { sfloatFromValue, sfloatValue } from '../ieee11073.js';
import { parseLocalDateTime, readDateTime, timeStampToMeasurement, writeDateTime } from './date-time.js';
import {
  annunciationsToBits,
  type BitNames,
  bitsToAnnunciations,
  checkReservedBits,
  hasAnyOf,
} from './status-bits.js';

/**
 * Blood Pressure Measurement (0x2A35, Blood Pressure service 0x1810), sent as an indication.
 * Flags: bit0 unit (0 mmHg, 1 kPa), bit1 time stamp, bit2 pulse rate, bit3 user id, bit4 status.
 * Then systolic, diastolic, mean arterial pressure (SFLOAT each) and the optional fields in flag order.
 */
const FLAG_KPA = 0x01;
const FLAG_TIME_STAMP = 0x02;
const FLAG_PULSE_RATE = 0x04;
const FLAG_USER_ID = 0x08;
const FLAG_STATUS = 0x10;

/** Measurement status bits 0, 1, 2 and 5; bits 3–4 are the pulse-rate range, decoded by hand. */
const STATUS_BITS: BitNames = [
  'body-movement',
  'cuff-too-loose',
  'irregular-pulse',
  null,
  null,
  'improper-measurement-position',
];
/** Bits 0–5 have a meaning; 6–15 are reserved, and so is the pulse-rate range value 3. */
const STATUS_DEFINED = 0x3f;
const PULSE_RANGE: BitNames = [null, 'pulse-rate-above-upper-limit', 'pulse-rate-below-lower-limit'];
const ALL_STATUS_NAMES = [...STATUS_BITS, ...PULSE_RANGE];

export const UNKNOWN_USER = 0xff;

export function decodeBloodPressure(frame: Uint8Array, protocol = 'gatt-2a35'): BloodPressureMeasurement {
  const reader = new ByteReader(frame, protocol);
  const flags = reader.u8('flags');
  const unit: Ucum = flags & FLAG_KPA ? 'kPa' : 'mm[Hg]';
  const measurement: BloodPressureMeasurement = {
    kind: 'blood-pressure',
    systolic: sfloatValue(reader.u16('systolic'), unit),
    diastolic: sfloatValue(reader.u16('diastolic'), unit),
    meanArterialPressure: sfloatValue(reader.u16('mean arterial pressure'), unit),
  };
  let annunciations: DeviceAnnunciation[] | undefined;
  if (flags & FLAG_TIME_STAMP) {
    const stamp = timeStampToMeasurement(readDateTime(reader, 'time stamp'));
    if (stamp.deviceTime) measurement.deviceTime = stamp.deviceTime;
    if (stamp.annunciation) annunciations = [stamp.annunciation];
  }
  if (flags & FLAG_PULSE_RATE) measurement.pulseRate = sfloatValue(reader.u16('pulse rate'), '/min');
  if (flags & FLAG_USER_ID) {
    const userId = reader.u8('user id');
    if (userId !== UNKNOWN_USER) measurement.userId = userId;
  }
  if (flags & FLAG_STATUS) {
    const status = reader.u16('measurement status');
    checkReservedBits(status, STATUS_DEFINED, protocol, 'measurement status');
    if (((status >> 3) & 0x03) === 3) {
      throw new DecodeError(
        'RESERVED_BITS',
        protocol,
        'pulse rate range 3 is reserved: the status is unknown',
      );
    }
    if (status !== 0) {
      annunciations ??= [];
      bitsToAnnunciations(status, STATUS_BITS, annunciations);
      const range = PULSE_RANGE[(status >> 3) & 0x03];
      if (range) annunciations.push(range);
    }
  }
  if (annunciations && annunciations.length > 0) measurement.annunciations = annunciations;
  return measurement;
}

function unitFlag(values: readonly (DeviceValue | undefined)[], protocol: string): number {
  const units = new Set(values.filter((v) => v !== undefined).map((v) => v.unit));
  if (units.size !== 1) throw new EncodeError('UNSUPPORTED_UNIT', protocol, 'pressures must share one unit');
  const [unit] = units;
  if (unit === 'mm[Hg]') return 0;
  if (unit === 'kPa') return FLAG_KPA;
  throw new EncodeError('UNSUPPORTED_UNIT', protocol, `pressure unit ${unit} is neither mmHg nor kPa`);
}

export function encodeBloodPressure(measurement: DeviceMeasurement, protocol = 'gatt-2a35'): Uint8Array {
  if (measurement.kind !== 'blood-pressure') {
    throw new EncodeError('WRONG_KIND', protocol, `encodes blood-pressure, not ${measurement.kind}`);
  }
  const map = measurement.meanArterialPressure ?? {
    value: null,
    unit: measurement.systolic.unit,
    missing: 'nan' as const,
  };
  let flags = unitFlag([measurement.systolic, measurement.diastolic, map], protocol);
  if (measurement.deviceTime !== undefined) flags |= FLAG_TIME_STAMP;
  if (measurement.pulseRate !== undefined) flags |= FLAG_PULSE_RATE;
  if (measurement.userId !== undefined) flags |= FLAG_USER_ID;
  const annunciations = measurement.annunciations;
  if (hasAnyOf(annunciations, ALL_STATUS_NAMES)) flags |= FLAG_STATUS;

  const writer = new ByteWriter().u8(flags);
  writer.u16(sfloatFromValue(measurement.systolic, 0, protocol));
  writer.u16(sfloatFromValue(measurement.diastolic, 0, protocol));
  writer.u16(sfloatFromValue(map, 0, protocol));
  if (measurement.deviceTime !== undefined) {
    writeDateTime(writer, parseLocalDateTime(measurement.deviceTime, protocol));
  }
  if (measurement.pulseRate !== undefined) writer.u16(sfloatFromValue(measurement.pulseRate, 0, protocol));
  if (measurement.userId !== undefined) {
    if (measurement.userId > 0xfe) throw new EncodeError('OUT_OF_RANGE', protocol, 'user id must be 0–254');
    writer.u8(measurement.userId);
  }
  if (flags & FLAG_STATUS) {
    let status = annunciationsToBits(annunciations, STATUS_BITS);
    if (annunciations?.includes('pulse-rate-above-upper-limit')) status |= 1 << 3;
    else if (annunciations?.includes('pulse-rate-below-lower-limit')) status |= 2 << 3;
    writer.u16(status);
  }
  return writer.finish();
}

/**
 * Intermediate Cuff Pressure (0x2A36): the live cuff value while the monitor inflates. Same layout,
 * but only the first pressure means anything, so it is never a blood-pressure reading.
 */
export interface IntermediateCuffPressure {
  cuffPressure: DeviceValue;
  pulseRate?: DeviceValue;
  deviceTime?: string;
  userId?: number;
  annunciations?: DeviceAnnunciation[];
}

export function decodeIntermediateCuffPressure(frame: Uint8Array): IntermediateCuffPressure {
  const { systolic, pulseRate, deviceTime, userId, annunciations } = decodeBloodPressure(frame, 'gatt-2a36');
  const result: IntermediateCuffPressure = { cuffPressure: systolic };
  if (pulseRate) result.pulseRate = pulseRate;
  if (deviceTime) result.deviceTime = deviceTime;
  if (userId !== undefined) result.userId = userId;
  if (annunciations) result.annunciations = annunciations;
  return result;
}
