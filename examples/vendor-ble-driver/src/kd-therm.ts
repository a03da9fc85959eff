import { DecodeError, type DecodeErrorCode, EncodeError } from '@klinik-desa/devices';
import type { SimulatedDriver } from '@klinik-desa/devices/simulate';
import type { DeviceMeasurement, TemperatureMeasurement } from '@klinik-desa/protocol';

/**
 * Driver for the (fictional) KD-Therm V1 infrared thermometer, a Bluetooth LE device that speaks
 * its own GATT service rather than the Health Thermometer profile. It sits behind the klinik-desa
 * BLE gateway: the agent subscribes to its measurement characteristic, writes "start a
 * measurement" to its command characteristic when it connects, and hands every value notified to
 * `decode` below. The byte layout is in the README.
 */
const ID = 'kd-therm';

export const KD_THERM_SERVICE = '7B3A0001-5C1E-4D2B-9F00-4B4450000001';
export const KD_THERM_MEASUREMENT = '7B3A0002-5C1E-4D2B-9F00-4B4450000001';
export const KD_THERM_COMMAND = '7B3A0003-5C1E-4D2B-9F00-4B4450000001';
/** Command byte: take a measurement (notified about 500 ms later). */
export const START_MEASUREMENT = 0x01;
/** Command byte: notify the last measurement again. */
export const SEND_LAST_AGAIN = 0x02;

const MARKER = 0xa5;
const LENGTH = 8;
const FLAG_HI = 0x01;
const FLAG_LO = 0x02;
const FLAG_EAR = 0x04;
const RESERVED = 0xf8;
/** The display's range: above it the device shows HI, below it LO. */
const HIGHEST = 42.9;
const LOWEST = 32.0;
/** The device's own low-battery icon lights at this level and below. */
const BATTERY_LOW_PERCENT = 10;

function fail(code: DecodeErrorCode, message: string): never {
  throw new DecodeError(code, ID, message);
}

function xorOf(bytes: Uint8Array, end: number): number {
  let x = 0;
  for (let i = 0; i < end; i++) x ^= bytes[i]!;
  return x;
}

const hex = (byte: number) => `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;

/** One value of the measurement characteristic (8 bytes) into a temperature measurement. */
export function decodeKdTherm(value: Uint8Array): TemperatureMeasurement {
  if (value.length < LENGTH) fail('TRUNCATED', `a KD-Therm value is 8 bytes, got ${value.length}`);
  if (value.length > LENGTH) fail('BAD_FORMAT', `a KD-Therm value is 8 bytes, got ${value.length}`);
  if (value[0] !== MARKER) fail('BAD_FORMAT', `frame marker ${hex(value[0]!)} is not 0xA5`);
  const expected = xorOf(value, 7);
  if (value[7] !== expected)
    fail('BAD_CHECKSUM', `check byte ${hex(value[7]!)} is not ${hex(expected)} (XOR of bytes 0–6)`);
  const flags = value[1]!;
  if (flags & RESERVED) fail('RESERVED_BITS', `flags ${hex(flags)} set reserved bits 3–7`);
  if (flags & FLAG_HI && flags & FLAG_LO) fail('BAD_FORMAT', 'flags say both HI and LO');
  const battery = value[6]!;
  if (battery > 100) fail('BAD_FORMAT', `battery ${battery} % is more than 100`);

  const hundredths = value[2]! | (value[3]! << 8);
  // HI and LO are the display's limits with a comparator, never the bytes beside them as a reading.
  const temperature: TemperatureMeasurement['temperature'] =
    flags & FLAG_HI
      ? { value: HIGHEST, unit: 'Cel', comparator: '>' }
      : flags & FLAG_LO
        ? { value: LOWEST, unit: 'Cel', comparator: '<' }
        : { value: hundredths / 100, unit: 'Cel' };
  const ear = (flags & FLAG_EAR) !== 0;
  const measurement: TemperatureMeasurement = {
    kind: 'temperature',
    temperature,
    // The ear probe reads the eardrum; the forehead has no GATT site of its own, so "body".
    site: ear ? 'tympanum' : 'body',
    sequenceNumber: value[4]! | (value[5]! << 8),
    extra: { bodySite: ear ? 'ear' : 'forehead', batteryPercent: battery },
  };
  if (battery <= BATTERY_LOW_PERCENT) measurement.annunciations = ['battery-low'];
  return measurement;
}

/** The 8 bytes the thermometer notifies for this measurement: the simulator's half. */
export function encodeKdTherm(measurement: DeviceMeasurement): Uint8Array {
  if (measurement.kind !== 'temperature')
    throw new EncodeError('WRONG_KIND', ID, `the KD-Therm measures temperature, not ${measurement.kind}`);
  const { temperature } = measurement;
  if (temperature.unit !== 'Cel') throw new EncodeError('UNSUPPORTED_UNIT', ID, `unit ${temperature.unit}`);
  if (temperature.value === null)
    throw new EncodeError('NOT_ENCODABLE', ID, 'the KD-Therm always shows a number');
  let flags = measurement.extra?.['bodySite'] === 'ear' || measurement.site === 'tympanum' ? FLAG_EAR : 0;
  let hundredths = Math.round(temperature.value * 100);
  if (temperature.comparator === '>') {
    flags |= FLAG_HI;
    hundredths = Math.round(HIGHEST * 100);
  } else if (temperature.comparator === '<') {
    flags |= FLAG_LO;
    hundredths = Math.round(LOWEST * 100);
  } else if (temperature.value < LOWEST || temperature.value > HIGHEST) {
    throw new EncodeError('OUT_OF_RANGE', ID, `the KD-Therm shows ${LOWEST}–${HIGHEST} °C, else HI or LO`);
  }
  const sequence = measurement.sequenceNumber ?? 0;
  if (sequence > 0xffff) throw new EncodeError('OUT_OF_RANGE', ID, 'sequence numbers are uint16');
  const battery = measurement.extra?.['batteryPercent'] ?? 100;
  if (typeof battery !== 'number' || !Number.isInteger(battery) || battery < 0 || battery > 100)
    throw new EncodeError('OUT_OF_RANGE', ID, 'battery is 0–100 %');
  const bytes = Uint8Array.of(
    MARKER,
    flags,
    hundredths & 0xff,
    hundredths >> 8,
    sequence & 0xff,
    sequence >> 8,
    battery,
    0,
  );
  bytes[7] = xorOf(bytes, 7);
  return bytes;
}

// Both halves in one object: the agent decodes with it (and reads `bluetooth` to know what to ask
// the gateway for), the gateway simulator and the conformance suite encode with it.
export const kdTherm: SimulatedDriver = {
  id: ID,
  name: 'KD-Therm V1 vendor GATT service',
  vendor: 'KD Medika (fictional)',
  models: ['KD-Therm V1'],
  transport: 'ble-gateway',
  kinds: ['temperature'],
  mode: 'stream',
  // One notification is one value: nothing to cut.
  framing: { type: 'packet', maxFrameBytes: 20 },
  confidence: 'confirmed',
  bluetooth: {
    notifications: [{ service: KD_THERM_SERVICE, characteristic: KD_THERM_MEASUREMENT }],
    writes: [
      {
        service: KD_THERM_SERVICE,
        characteristic: KD_THERM_COMMAND,
        when: 'connected',
        value: '01',
        purpose: 'start a measurement',
      },
    ],
  },
  decode: decodeKdTherm,
  encode: encodeKdTherm,
  examples: [
    {
      kind: 'temperature',
      temperature: { value: 36.85, unit: 'Cel' },
      site: 'body',
      sequenceNumber: 1,
      extra: { bodySite: 'forehead', batteryPercent: 80 },
    },
    {
      kind: 'temperature',
      temperature: { value: 42.9, unit: 'Cel', comparator: '>' },
      site: 'tympanum',
      sequenceNumber: 2,
      extra: { bodySite: 'ear', batteryPercent: 8 },
      annunciations: ['battery-low'],
    },
  ],
};
