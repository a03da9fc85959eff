import type { DeviceAnnunciation, DeviceMeasurement, PulseOximetryMeasurement } from '@klinik-desa/protocol';
import { ByteReader, ByteWriter } from '../bytes.js';
import { EncodeError } from '../errors.js';
import { encodeSfloat, sfloatFromValue, sfloatValue } from '../ieee11073.js';
import { parseLocalDateTime, readDateTime, timeStampToMeasurement, writeDateTime } from './date-time.js';
import {
  annunciationsToBits,
  type BitNames,
  bitsToAnnunciations,
  checkReservedBits,
  definedMask,
  hasAnyOf,
} from './status-bits.js';

/** PLX Measurement Status (16 bits): bits 0–4 are reserved. */
export const PLX_MEASUREMENT_STATUS_BITS = [
  null,
  null,
  null,
  null,
  null,
  'measurement-ongoing',
  'early-estimated-data',
  'validated-data',
  'fully-qualified-data',
  'data-from-measurement-storage',
  'data-for-demonstration',
  'data-for-testing',
  'calibration-ongoing',
  'measurement-unavailable',
  'questionable-measurement-detected',
  'invalid-measurement-detected',
] as const satisfies BitNames;

/** PLX Device and Sensor Status (24 bits): bits 16–23 are reserved. */
export const PLX_DEVICE_STATUS_BITS = [
  'extended-display-update-ongoing',
  'equipment-malfunction-detected',
  'signal-processing-irregularity-detected',
  'inadequate-signal-detected',
  'poor-signal-detected',
  'low-perfusion-detected',
  'erratic-signal-detected',
  'nonpulsatile-signal-detected',
  'questionable-pulse-detected',
  'signal-analysis-ongoing',
  'sensor-interference-detected',
  'sensor-unconnected-to-user',
  'unknown-sensor-connected',
  'sensor-displaced',
  'sensor-malfunctioning',
  'sensor-disconnected',
] as const satisfies BitNames;

const CLOCK_NOT_SET: DeviceAnnunciation = 'device-clock-not-set';

/**
 * PLX Spot-Check Measurement (0x2A5E, Pulse Oximeter service 0x1822).
 * Flags: bit0 time stamp, bit1 measurement status, bit2 device and sensor status, bit3 pulse
 * amplitude index, bit4 device clock not set. SpO2 (%) and pulse rate (/min) as SFLOATs, then the
 * optional fields in that order.
 */
const SPOT_TIME_STAMP = 0x01;
const SPOT_MEASUREMENT_STATUS = 0x02;
const SPOT_DEVICE_STATUS = 0x04;
const SPOT_PULSE_AMPLITUDE = 0x08;
const SPOT_CLOCK_NOT_SET = 0x10;

function readStatuses(
  reader: ByteReader,
  measurementStatus: boolean,
  deviceStatus: boolean,
  annunciations: DeviceAnnunciation[],
): void {
  if (measurementStatus) {
    const bits = reader.u16('measurement status');
    checkReservedBits(bits, definedMask(PLX_MEASUREMENT_STATUS_BITS), reader.protocol, 'measurement status');
    bitsToAnnunciations(bits, PLX_MEASUREMENT_STATUS_BITS, annunciations);
  }
  if (deviceStatus) {
    const bits = reader.u24('device and sensor status');
    checkReservedBits(bits, definedMask(PLX_DEVICE_STATUS_BITS), reader.protocol, 'device and sensor status');
    bitsToAnnunciations(bits, PLX_DEVICE_STATUS_BITS, annunciations);
  }
}

export function decodePlxSpotCheck(frame: Uint8Array, protocol = 'gatt-2a5e'): PulseOximetryMeasurement {
  const reader = new ByteReader(frame, protocol);
  const flags = reader.u8('flags');
  const measurement: PulseOximetryMeasurement = {
    kind: 'pulse-oximetry',
    spo2: sfloatValue(reader.u16('SpO2'), '%'),
    pulseRate: sfloatValue(reader.u16('pulse rate'), '/min'),
  };
  const annunciations: DeviceAnnunciation[] = [];
  if (flags & SPOT_TIME_STAMP) {
    const stamp = timeStampToMeasurement(readDateTime(reader, 'time stamp'));
    // A time stamp from a clock that was never set is a count from the device's epoch, not a date.
    if (stamp.deviceTime && !(flags & SPOT_CLOCK_NOT_SET)) measurement.deviceTime = stamp.deviceTime;
    if (stamp.annunciation) annunciations.push(stamp.annunciation);
  }
  readStatuses(
    reader,
    (flags & SPOT_MEASUREMENT_STATUS) !== 0,
    (flags & SPOT_DEVICE_STATUS) !== 0,
    annunciations,
  );
  if (flags & SPOT_PULSE_AMPLITUDE) {
    measurement.pulseAmplitudeIndex = sfloatValue(reader.u16('pulse amplitude index'), '%');
  }
  if (flags & SPOT_CLOCK_NOT_SET) annunciations.push(CLOCK_NOT_SET);
  if (annunciations.length > 0) measurement.annunciations = annunciations;
  return measurement;
}

function checkKind(measurement: DeviceMeasurement, protocol: string): PulseOximetryMeasurement {
  if (measurement.kind !== 'pulse-oximetry') {
    throw new EncodeError('WRONG_KIND', protocol, `encodes pulse-oximetry, not ${measurement.kind}`);
  }
  if (measurement.spo2.unit !== '%') throw new EncodeError('UNSUPPORTED_UNIT', protocol, 'SpO2 is in %');
  return measurement;
}

function writeStatuses(
  writer: ByteWriter,
  measurement: PulseOximetryMeasurement,
  flags: { ms: boolean; ds: boolean },
) {
  if (flags.ms) writer.u16(annunciationsToBits(measurement.annunciations, PLX_MEASUREMENT_STATUS_BITS));
  if (flags.ds) writer.u24(annunciationsToBits(measurement.annunciations, PLX_DEVICE_STATUS_BITS));
}

export function encodePlxSpotCheck(measurement: DeviceMeasurement, protocol = 'gatt-2a5e'): Uint8Array {
  const m = checkKind(measurement, protocol);
  const ms = hasAnyOf(m.annunciations, PLX_MEASUREMENT_STATUS_BITS);
  const ds = hasAnyOf(m.annunciations, PLX_DEVICE_STATUS_BITS);
  let flags = 0;
  if (m.deviceTime !== undefined) flags |= SPOT_TIME_STAMP;
  if (ms) flags |= SPOT_MEASUREMENT_STATUS;
  if (ds) flags |= SPOT_DEVICE_STATUS;
  if (m.pulseAmplitudeIndex !== undefined) flags |= SPOT_PULSE_AMPLITUDE;
  if (m.annunciations?.includes(CLOCK_NOT_SET)) flags |= SPOT_CLOCK_NOT_SET;
  const writer = new ByteWriter().u8(flags);
  writer.u16(sfloatFromValue(m.spo2, 0, protocol));
  writer.u16(m.pulseRate ? sfloatFromValue(m.pulseRate, 0, protocol) : encodeSfloat('nan'));
  if (m.deviceTime !== undefined) writeDateTime(writer, parseLocalDateTime(m.deviceTime, protocol));
  writeStatuses(writer, m, { ms, ds });
  if (m.pulseAmplitudeIndex !== undefined) writer.u16(sfloatFromValue(m.pulseAmplitudeIndex, 0, protocol));
  return writer.finish();
}

/**
 * PLX Continuous Measurement (0x2A5F). Flags: bit0 SpO2PR-Fast, bit1 SpO2PR-Slow, bit2 measurement
 * status, bit3 device and sensor status, bit4 pulse amplitude index. SpO2PR-Normal (SpO2, PR), then
 * the optional fields in that order. The fast and slow averages have no place of their own in a
 * measurement: they go into `extra` when they are numbers.
 */
const CONT_FAST = 0x01;
const CONT_SLOW = 0x02;
const CONT_MEASUREMENT_STATUS = 0x04;
const CONT_DEVICE_STATUS = 0x08;
const CONT_PULSE_AMPLITUDE = 0x10;

export function decodePlxContinuous(frame: Uint8Array, protocol = 'gatt-2a5f'): PulseOximetryMeasurement {
  const reader = new ByteReader(frame, protocol);
  const flags = reader.u8('flags');
  const measurement: PulseOximetryMeasurement = {
    kind: 'pulse-oximetry',
    spo2: sfloatValue(reader.u16('SpO2 (normal)'), '%'),
    pulseRate: sfloatValue(reader.u16('pulse rate (normal)'), '/min'),
  };
  const extra: Record<string, number | boolean> = { continuous: true };
  const pair = (speed: 'Fast' | 'Slow') => {
    const spo2 = sfloatValue(reader.u16(`SpO2 (${speed.toLowerCase()})`), '%');
    const pulse = sfloatValue(reader.u16(`pulse rate (${speed.toLowerCase()})`), '/min');
    if (spo2.value !== null) extra[`spo2${speed}`] = spo2.value;
    if (pulse.value !== null) extra[`pulseRate${speed}`] = pulse.value;
  };
  if (flags & CONT_FAST) pair('Fast');
  if (flags & CONT_SLOW) pair('Slow');
  const annunciations: DeviceAnnunciation[] = [];
  readStatuses(
    reader,
    (flags & CONT_MEASUREMENT_STATUS) !== 0,
    (flags & CONT_DEVICE_STATUS) !== 0,
    annunciations,
  );
  if (flags & CONT_PULSE_AMPLITUDE) {
    measurement.pulseAmplitudeIndex = sfloatValue(reader.u16('pulse amplitude index'), '%');
  }
  if (annunciations.length > 0) measurement.annunciations = annunciations;
  measurement.extra = extra;
  return measurement;
}

export function encodePlxContinuous(measurement: DeviceMeasurement, protocol = 'gatt-2a5f'): Uint8Array {
  const m = checkKind(measurement, protocol);
  const extra = m.extra ?? {};
  const num = (key: string) => (typeof extra[key] === 'number' ? (extra[key] as number) : undefined);
  const fast = num('spo2Fast') !== undefined || num('pulseRateFast') !== undefined;
  const slow = num('spo2Slow') !== undefined || num('pulseRateSlow') !== undefined;
  const ms = hasAnyOf(m.annunciations, PLX_MEASUREMENT_STATUS_BITS);
  const ds = hasAnyOf(m.annunciations, PLX_DEVICE_STATUS_BITS);
  let flags = 0;
  if (fast) flags |= CONT_FAST;
  if (slow) flags |= CONT_SLOW;
  if (ms) flags |= CONT_MEASUREMENT_STATUS;
  if (ds) flags |= CONT_DEVICE_STATUS;
  if (m.pulseAmplitudeIndex !== undefined) flags |= CONT_PULSE_AMPLITUDE;
  const writer = new ByteWriter().u8(flags);
  writer.u16(sfloatFromValue(m.spo2, 0, protocol));
  writer.u16(m.pulseRate ? sfloatFromValue(m.pulseRate, 0, protocol) : encodeSfloat('nan'));
  const writePair = (speed: 'Fast' | 'Slow') => {
    writer.u16(encodeSfloat(num(`spo2${speed}`) ?? 'nan'));
    writer.u16(encodeSfloat(num(`pulseRate${speed}`) ?? 'nan'));
  };
  if (fast) writePair('Fast');
  if (slow) writePair('Slow');
  writeStatuses(writer, m, { ms, ds });
  if (m.pulseAmplitudeIndex !== undefined) writer.u16(sfloatFromValue(m.pulseAmplitudeIndex, 0, protocol));
  return writer.finish();
}
