import type { DeviceValue, Ucum, WeightMeasurement } from '@klinik-desa/protocol';
import { toBytes, toLatin1 } from '../bytes.js';
import type { DeviceDriver } from '../driver.js';
import { DecodeError } from '../errors.js';

export const ID = 'ad-scale';

/** The A&D unit field (3 characters, right-aligned) for each weight unit we accept. */
const UNITS: Record<string, Ucum> = { kg: 'kg', g: 'g', lb: '[lb_av]', oz: '[oz_av]' };

/** Headers and what they mean (A&D weighing data format, devices.md). */
export type AdHeader = 'ST' | 'US' | 'QT' | 'OL' | 'UW';

export interface AdScaleLine {
  header: AdHeader;
  /** `null` for OL (overload), whatever its data field holds. */
  weight: number | null;
  unit: Ucum;
  stable: boolean;
}

/**
 * Parses one A&D line (`ST,+00062.45 kg`, with or without CR LF). Unstable and overload lines parse
 * too: the agent uses them to see a weighing start and end. Only `ST` lines become readings.
 */
export function parseAdScaleLine(frame: Uint8Array | string): AdScaleLine {
  const text = toLatin1(toBytes(frame))
    .replace(/\r?\n?$/, '')
    .replace(/\r$/, '');
  if (text.length < 15) throw new DecodeError('TRUNCATED', ID, `line has ${text.length} of 15 characters`);
  if (text.length > 15)
    throw new DecodeError('BAD_FORMAT', ID, `line has ${text.length} characters, expected 15`);
  const header = text.slice(0, 2);
  if (text[2] !== ',') throw new DecodeError('BAD_FORMAT', ID, 'no comma after the header');
  if (!['ST', 'US', 'QT', 'OL', 'UW'].includes(header)) {
    throw new DecodeError('BAD_FORMAT', ID, `unknown header ${JSON.stringify(header)}`);
  }
  const data = text.slice(3, 12);
  const unitText = text.slice(12, 15).trim();
  if (header === 'QT') throw new DecodeError('UNSUPPORTED', ID, 'QT is a piece count, not a weight');
  const unit = UNITS[unitText];
  if (unit === undefined)
    throw new DecodeError('UNSUPPORTED', ID, `unit ${JSON.stringify(unitText)} is not a weight unit`);
  if (header === 'OL') return { header, weight: null, unit, stable: false };
  if (
    !/^[+-][0-9. ]{8}$/.test(data) ||
    !/^[+-] *\d*\.?\d+$/.test(data) ||
    (data.match(/\./g)?.length ?? 0) > 1
  ) {
    throw new DecodeError('BAD_FORMAT', ID, `data field ${JSON.stringify(data)} is not a signed number`);
  }
  const weight = Number.parseFloat(data.replace(/ /g, ''));
  return { header: header as AdHeader, weight, unit, stable: header === 'ST' };
}

function decode(frame: Uint8Array): WeightMeasurement {
  const line = parseAdScaleLine(frame);
  if (line.header === 'OL') {
    return {
      kind: 'weight',
      weight: { value: null, unit: line.unit, missing: 'out-of-range' },
      annunciations: ['overload'],
    };
  }
  const weight: DeviceValue = { value: line.weight as number, unit: line.unit };
  return line.stable ? { kind: 'weight', weight } : { kind: 'weight', weight, annunciations: ['unstable'] };
}

export const adScale: DeviceDriver = {
  id: ID,
  name: 'A&D weighing data format',
  vendor: 'A&D',
  models: ['FX-i', 'FZ-i', 'GF', 'GX', 'HW', 'SE', 'UC-321'],
  transport: 'serial',
  kinds: ['weight'],
  mode: 'stream',
  serial: { baudRate: 2400, dataBits: 7, parity: 'even', stopBits: 1 },
  framing: { type: 'line', delimiter: '\r\n', maxFrameBytes: 64 },
  confidence: 'confirmed',
  decode,
};
