import { DecodeError, EncodeError, toBytes, toLatin1 } from '@klinik-desa/devices';
import type { SimulatedDriver } from '@klinik-desa/devices/simulate';
import type { DeviceMeasurement, TemperatureMeasurement } from '@klinik-desa/protocol';

/**
 * Driver for your device. `kiosk-agent new-driver` wrote it for an example thermometer; change the
 * format below to your device's, keeping the shape: one decode (frame → measurement, or a
 * DecodeError), one encode (measurement → the exact bytes the device sends: your simulator), and
 * the description the kiosk agent reads.
 *
 * The example thermometer's manual:
 *   - RS-232 or USB-serial, 9600 baud, 8N1. One line per reading, sent by itself, ending CR LF.
 *   - `TEMP;T=36.6;U=C;X=53`
 *     T  the temperature, one decimal, 32.0–42.0; `HI` above, `LO` below that range
 *     U  C or F
 *     X  checksum: XOR of every byte before `;X=`, two uppercase hex digits
 */
const ID = '__PROTOCOL_ID__';

/** The range the thermometer measures, in its own unit: outside it, it shows HI or LO. */
const RANGE = { Cel: { low: 32, high: 42 }, '[degF]': { low: 89.6, high: 107.6 } } as const;

function checksum(bytes: Uint8Array, end: number): string {
  let x = 0;
  for (let i = 0; i < end; i++) x ^= bytes[i]!;
  return x.toString(16).toUpperCase().padStart(2, '0');
}

function fail(code: 'TRUNCATED' | 'BAD_FORMAT' | 'BAD_CHECKSUM' | 'UNSUPPORTED', message: string): never {
  throw new DecodeError(code, ID, message);
}

export function decodeFrame(frame: Uint8Array): TemperatureMeasurement {
  let end = frame.length;
  while (end > 0 && (frame[end - 1] === 0x0a || frame[end - 1] === 0x0d)) end--;
  const text = toLatin1(frame.subarray(0, end));
  if (text.length === 0) fail('TRUNCATED', 'empty line');
  if (!text.startsWith('TEMP;')) fail('BAD_FORMAT', 'a reading starts with "TEMP;"');
  const at = text.lastIndexOf(';X=');
  if (at === -1) fail('TRUNCATED', 'no ;X= checksum: the line is cut short');
  const given = text.slice(at + 3);
  if (!/^[0-9A-F]{2}$/.test(given))
    fail('BAD_FORMAT', `checksum ${JSON.stringify(given)} is not two hex digits`);
  const expected = checksum(frame, at);
  if (given !== expected) fail('BAD_CHECKSUM', `checksum ${given} does not match ${expected}`);

  const fields = new Map<string, string>();
  for (const part of text.slice(5, at).split(';')) {
    const match = /^([A-Z])=(.*)$/.exec(part);
    if (!match) fail('BAD_FORMAT', `field ${JSON.stringify(part)} is not KEY=value`);
    fields.set(match[1]!, match[2]!);
  }
  const unitField = fields.get('U');
  if (unitField !== 'C' && unitField !== 'F') fail('UNSUPPORTED', `unit ${JSON.stringify(unitField)}`);
  const unit = unitField === 'C' ? 'Cel' : '[degF]';
  const value = fields.get('T');
  // Out of range is the device's limit with a comparator, never a made-up number.
  if (value === 'HI')
    return { kind: 'temperature', temperature: { value: RANGE[unit].high, unit, comparator: '>' } };
  if (value === 'LO')
    return { kind: 'temperature', temperature: { value: RANGE[unit].low, unit, comparator: '<' } };
  if (value === undefined || !/^\d{2,3}\.\d$/.test(value))
    fail('BAD_FORMAT', `temperature ${JSON.stringify(value)} is not dd.d, HI or LO`);
  return { kind: 'temperature', temperature: { value: Number(value), unit } };
}

export function encodeFrame(measurement: DeviceMeasurement): Uint8Array {
  if (measurement.kind !== 'temperature')
    throw new EncodeError('WRONG_KIND', ID, `the thermometer does not measure ${measurement.kind}`);
  const { temperature } = measurement;
  if (temperature.unit !== 'Cel' && temperature.unit !== '[degF]')
    throw new EncodeError('UNSUPPORTED_UNIT', ID, `unit ${temperature.unit}`);
  if (temperature.value === null)
    throw new EncodeError('NOT_ENCODABLE', ID, 'the thermometer always sends a value');
  const range = RANGE[temperature.unit];
  let shown: string;
  if (temperature.comparator === '>') shown = 'HI';
  else if (temperature.comparator === '<') shown = 'LO';
  else if (temperature.value < range.low || temperature.value > range.high)
    throw new EncodeError('OUT_OF_RANGE', ID, `the thermometer shows ${range.low}–${range.high}`);
  else shown = temperature.value.toFixed(1);
  const body = `TEMP;T=${shown};U=${temperature.unit === 'Cel' ? 'C' : 'F'}`;
  return toBytes(`${body};X=${checksum(toBytes(body), body.length)}\r\n`);
}

// Both halves in one object: the agent decodes with it, `kiosk-agent simulate` and the conformance
// suite encode with it.
export const driver: SimulatedDriver = {
  id: ID,
  name: '__PACKAGE_NAME__',
  vendor: 'Your company',
  models: ['Your model'],
  transport: 'serial',
  kinds: ['temperature'],
  mode: 'stream',
  serial: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
  framing: { type: 'line', delimiter: '\r\n', maxFrameBytes: 64 },
  // 'confirmed' once your vendor document states the format and the vectors in driver.test.ts are
  // frames captured from a real device.
  confidence: 'partial',
  decode: decodeFrame,
  encode: encodeFrame,
  examples: [
    { kind: 'temperature', temperature: { value: 36.6, unit: 'Cel' } },
    { kind: 'temperature', temperature: { value: 42, unit: 'Cel', comparator: '>' } },
  ],
};
