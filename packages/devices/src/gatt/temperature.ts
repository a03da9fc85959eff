import type { DeviceMeasurement, TemperatureMeasurement, TemperatureSite } from '@klinik-desa/protocol';
import { ByteReader, ByteWriter } from '../bytes.js';
import { EncodeError } from '../errors.js';
import { floatFromValue, floatValue } from '../ieee11073.js';
import { parseLocalDateTime, readDateTime, timeStampToMeasurement, writeDateTime } from './date-time.js';

/**
 * Temperature Measurement (0x2A1C, Health Thermometer service 0x1809), an indication.
 * Flags: bit0 unit (0 °C, 1 °F), bit1 time stamp, bit2 temperature type. Temperature is a FLOAT.
 */
const FLAG_FAHRENHEIT = 0x01;
const FLAG_TIME_STAMP = 0x02;
const FLAG_TYPE = 0x04;

/** Temperature type codes 1–9. */
const SITES: readonly (TemperatureSite | undefined)[] = [
  undefined,
  'armpit',
  'body',
  'ear',
  'finger',
  'gastrointestinal-tract',
  'mouth',
  'rectum',
  'toe',
  'tympanum',
];

export function decodeTemperature(frame: Uint8Array, protocol = 'gatt-2a1c'): TemperatureMeasurement {
  const reader = new ByteReader(frame, protocol);
  const flags = reader.u8('flags');
  const measurement: TemperatureMeasurement = {
    kind: 'temperature',
    temperature: floatValue(reader.u32('temperature'), flags & FLAG_FAHRENHEIT ? '[degF]' : 'Cel'),
  };
  if (flags & FLAG_TIME_STAMP) {
    const stamp = timeStampToMeasurement(readDateTime(reader, 'time stamp'));
    if (stamp.deviceTime) measurement.deviceTime = stamp.deviceTime;
    if (stamp.annunciation) measurement.annunciations = [stamp.annunciation];
  }
  if (flags & FLAG_TYPE) {
    const site = SITES[reader.u8('temperature type')];
    if (site) measurement.site = site;
  }
  return measurement;
}

export function encodeTemperature(measurement: DeviceMeasurement, protocol = 'gatt-2a1c'): Uint8Array {
  if (measurement.kind !== 'temperature') {
    throw new EncodeError('WRONG_KIND', protocol, `encodes temperature, not ${measurement.kind}`);
  }
  const { unit } = measurement.temperature;
  if (unit !== 'Cel' && unit !== '[degF]') {
    throw new EncodeError('UNSUPPORTED_UNIT', protocol, `temperature unit ${unit}`);
  }
  let flags = unit === '[degF]' ? FLAG_FAHRENHEIT : 0;
  if (measurement.deviceTime !== undefined) flags |= FLAG_TIME_STAMP;
  if (measurement.site !== undefined) flags |= FLAG_TYPE;
  const writer = new ByteWriter().u8(flags).u32(floatFromValue(measurement.temperature, 0, protocol));
  if (measurement.deviceTime !== undefined)
    writeDateTime(writer, parseLocalDateTime(measurement.deviceTime, protocol));
  if (measurement.site !== undefined) writer.u8(SITES.indexOf(measurement.site));
  return writer.finish();
}
