import { DecodeError, EncodeError, toBytes, toLatin1 } from '@klinik-desa/devices';
import type { SimulatedDriver } from '@klinik-desa/devices/simulate';
import type { DeviceMeasurement, WeightMeasurement } from '@klinik-desa/protocol';

/**
 * Driver for the (fictional) Timbang Sejahtera TS-200 body scale with height rod.
 *
 * The vendor's manual, as a driver author would have it:
 *   - RS-232, 9600 baud, 8N1. The scale sends one line per weighing, by itself, ending CR LF.
 *   - `TS200;W=072.35;U=KG;S=1;H=165.0;ID=07;X=4F`
 *     W  weight, 3 digits, point, 2 decimals
 *     U  KG or LB
 *     S  1 stable, 0 still moving (the scale repeats lines while the person settles)
 *     H  height in cm from the rod, optional (absent when the rod is folded)
 *     ID the user slot 00–99, optional
 *     X  checksum: XOR of every byte before `;X=`, two uppercase hex digits
 *   - `TS200;E=OL;X=..` means overload: no weight.
 *
 * Everything a driver needs is here: one decode (frame → measurement, or DecodeError), one encode
 * (measurement → the exact bytes the scale would send: the simulator), and a description the kiosk
 * agent reads (serial settings, framing, kinds).
 */
const ID = 'timbang-ts200';

function checksum(bytes: Uint8Array, end: number): string {
  let x = 0;
  for (let i = 0; i < end; i++) x ^= bytes[i]!;
  return x.toString(16).toUpperCase().padStart(2, '0');
}

function fail(code: 'TRUNCATED' | 'BAD_FORMAT' | 'BAD_CHECKSUM' | 'UNSUPPORTED', message: string): never {
  throw new DecodeError(code, ID, message);
}

export function decodeTs200(frame: Uint8Array): WeightMeasurement {
  // Accept the line with or without its CR LF: the framer strips it, support staff may not.
  let end = frame.length;
  while (end > 0 && (frame[end - 1] === 0x0a || frame[end - 1] === 0x0d)) end--;
  const text = toLatin1(frame.subarray(0, end));
  if (text.length === 0) fail('TRUNCATED', 'empty line');
  if (!text.startsWith('TS200;')) fail('BAD_FORMAT', 'a TS-200 line starts with "TS200;"');
  const at = text.lastIndexOf(';X=');
  if (at === -1) fail('TRUNCATED', 'no ;X= checksum: the line is cut short');
  const given = text.slice(at + 3);
  if (!/^[0-9A-F]{2}$/.test(given))
    fail('BAD_FORMAT', `checksum ${JSON.stringify(given)} is not two hex digits`);
  const expected = checksum(frame, at);
  if (given !== expected) fail('BAD_CHECKSUM', `checksum ${given} does not match ${expected}`);

  const fields = new Map<string, string>();
  for (const part of text.slice(6, at).split(';')) {
    const match = /^([A-Z]{1,2})=(.*)$/.exec(part);
    if (!match) fail('BAD_FORMAT', `field ${JSON.stringify(part)} is not KEY=value`);
    fields.set(match[1]!, match[2]!);
  }

  const unitField = fields.get('U') ?? 'KG';
  if (unitField !== 'KG' && unitField !== 'LB') fail('UNSUPPORTED', `unit ${JSON.stringify(unitField)}`);
  const unit = unitField === 'KG' ? 'kg' : '[lb_av]';

  if (fields.get('E') === 'OL') {
    return {
      kind: 'weight',
      weight: { value: null, unit, missing: 'out-of-range' },
      annunciations: ['overload'],
    };
  }
  const weight = fields.get('W');
  if (weight === undefined) fail('BAD_FORMAT', 'no W= weight');
  if (!/^\d{3}\.\d{2}$/.test(weight)) fail('BAD_FORMAT', `weight ${JSON.stringify(weight)} is not ddd.dd`);
  const measurement: WeightMeasurement = { kind: 'weight', weight: { value: Number(weight), unit } };

  const height = fields.get('H');
  if (height !== undefined) {
    if (!/^\d{3}\.\d$/.test(height)) fail('BAD_FORMAT', `height ${JSON.stringify(height)} is not ddd.d`);
    measurement.height = { value: Number(height), unit: 'cm' };
  }
  const user = fields.get('ID');
  if (user !== undefined) {
    if (!/^\d{2}$/.test(user)) fail('BAD_FORMAT', `user slot ${JSON.stringify(user)} is not two digits`);
    measurement.userId = Number(user);
  }
  const stable = fields.get('S');
  if (stable !== '0' && stable !== '1') fail('BAD_FORMAT', 'S= must be 0 or 1');
  if (stable === '0') measurement.annunciations = ['unstable'];
  return measurement;
}

export function encodeTs200(measurement: DeviceMeasurement): Uint8Array {
  if (measurement.kind !== 'weight')
    throw new EncodeError('WRONG_KIND', ID, `the TS-200 weighs, it does not measure ${measurement.kind}`);
  const { weight } = measurement;
  if (weight.unit !== 'kg' && weight.unit !== '[lb_av]')
    throw new EncodeError('UNSUPPORTED_UNIT', ID, `unit ${weight.unit}`);
  const fields = ['TS200'];
  if (weight.value === null) {
    fields.push('E=OL', `U=${weight.unit === 'kg' ? 'KG' : 'LB'}`);
  } else {
    if (weight.value < 0 || weight.value >= 1000)
      throw new EncodeError('OUT_OF_RANGE', ID, 'the scale shows 0–999.99');
    fields.push(`W=${weight.value.toFixed(2).padStart(6, '0')}`, `U=${weight.unit === 'kg' ? 'KG' : 'LB'}`);
    fields.push(`S=${measurement.annunciations?.includes('unstable') ? 0 : 1}`);
    if (measurement.height) {
      const { value, unit } = measurement.height;
      if (unit !== 'cm' || value === null || value < 0 || value >= 1000) {
        throw new EncodeError('NOT_ENCODABLE', ID, 'the height rod reports 0–999.9 cm');
      }
      fields.push(`H=${value.toFixed(1).padStart(5, '0')}`);
    }
    if (measurement.userId !== undefined) {
      if (measurement.userId > 99) throw new EncodeError('OUT_OF_RANGE', ID, 'user slots are 00–99');
      fields.push(`ID=${String(measurement.userId).padStart(2, '0')}`);
    }
  }
  const body = fields.join(';');
  const bytes = toBytes(body);
  return toBytes(`${body};X=${checksum(bytes, bytes.length)}\r\n`);
}

// Both halves in one object (`SimulatedDriver`): the agent decodes with it, `kiosk-agent simulate`
// and the conformance suite encode with it.
export const ts200: SimulatedDriver = {
  id: ID,
  name: 'Timbang Sejahtera TS-200 line format',
  vendor: 'Timbang Sejahtera (fictional)',
  models: ['TS-200', 'TS-200H (with height rod)'],
  transport: 'serial',
  kinds: ['weight'],
  mode: 'stream',
  serial: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
  framing: { type: 'line', delimiter: '\r\n', maxFrameBytes: 80 },
  confidence: 'confirmed',
  decode: decodeTs200,
  encode: encodeTs200,
  examples: [
    {
      kind: 'weight',
      weight: { value: 72.35, unit: 'kg' },
      height: { value: 165, unit: 'cm' },
      userId: 7,
    },
    { kind: 'weight', weight: { value: 71.9, unit: 'kg' }, annunciations: ['unstable'] },
  ],
};
