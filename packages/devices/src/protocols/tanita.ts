import type { BodyCompositionMeasurement, DeviceValue, Ucum } from '@klinik-desa/protocol';
import { byteSum, toBytes, toLatin1 } from '../bytes.js';
import type { DeviceDriver } from '../driver.js';
import { DecodeError } from '../errors.js';

export const ID = 'tanita';

/**
 * Tanita body-composition record (MC-780, SC-330, DC-320, BC-601-class units): one ASCII line per
 * measurement, `{0,16,~0,1,~1,1,~2,1,` then `key,value` pairs (strings quoted, numbers bare), then
 * `CS,XX` and CR LF (some units add `}` after the checksum). XX is the sum of every byte from `{`
 * through the comma before `CS`, modulo 256, as two uppercase hex digits.
 *
 * The four control pairs at the start are not documented in anything public we found. `~0,1` and
 * `~1,1` are taken to be the kg and cm unit settings (every published frame has them, and every
 * published frame is in kg and cm); a record with other values is refused rather than misread.
 */
export const PREAMBLE = '{0,16,~0,1,~1,1,~2,1,';

export type NumericKey =
  | 'Wk'
  | 'Hm'
  | 'FW'
  | 'fW'
  | 'MW'
  | 'mW'
  | 'bW'
  | 'wW'
  | 'ww'
  | 'MI'
  | 'IF'
  | 'rb'
  | 'rA'
  | 'ZF';

/** Keys that become measurement fields, with their unit. */
export const FIELDS: Readonly<Record<NumericKey, { field: keyof BodyCompositionMeasurement; unit: Ucum }>> = {
  Wk: { field: 'weight', unit: 'kg' },
  Hm: { field: 'height', unit: 'cm' },
  FW: { field: 'bodyFat', unit: '%' },
  fW: { field: 'fatMass', unit: 'kg' },
  MW: { field: 'fatFreeMass', unit: 'kg' },
  mW: { field: 'muscleMass', unit: 'kg' },
  bW: { field: 'boneMass', unit: 'kg' },
  wW: { field: 'bodyWaterMass', unit: 'kg' },
  ww: { field: 'bodyWaterPercentage', unit: '%' },
  MI: { field: 'bmi', unit: 'kg/m2' },
  IF: { field: 'visceralFatRating', unit: '1' },
  rb: { field: 'basalMetabolism', unit: 'kJ' },
  rA: { field: 'metabolicAge', unit: 'a' },
  ZF: { field: 'impedance', unit: 'Ohm' },
};
/** Keys kept under a readable name in `extra`. */
export const NAMED_EXTRA: Readonly<Record<string, string>> = {
  MO: 'model',
  SN: 'serialNumber',
  ID: 'subjectId',
  Bt: 'bodyType',
  Pt: 'clothesTareKg',
  rB: 'basalMetabolismKcal',
};
const DATE_KEYS = ['Da', 'DA', 'DT'] as const;
/** Keys that are integers on the wire; the rest are printed with one decimal. */
export const INTEGER_KEYS = new Set(['IF', 'rb', 'rA', 'AG', 'GE', 'Bt', 'rB']);

export interface TanitaRecord {
  /** Pairs in the order sent, values as numbers when bare and numeric, strings otherwise. */
  fields: Map<string, string | number>;
  /** Which keys were quoted: a quoted number is still text. */
  quoted: Set<string>;
}

function tokenize(body: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let inQuotes = false;
  for (const ch of body) {
    if (ch === '"') inQuotes = !inQuotes;
    if (ch === ',' && !inQuotes) {
      tokens.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (inQuotes) throw new DecodeError('BAD_FORMAT', ID, 'unbalanced quotes');
  tokens.push(current);
  return tokens;
}

const NUMBER = /^[+-]?\d+(\.\d+)?$/;

/** Checks the frame and splits it into its pairs; `decode` then maps the pairs. */
export function parseTanitaRecord(frame: Uint8Array | string): TanitaRecord {
  const bytes = toBytes(frame);
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
  const text = toLatin1(bytes.subarray(0, end));
  if (text.length === 0) throw new DecodeError('TRUNCATED', ID, 'empty line');
  if (text[0] !== '{') throw new DecodeError('BAD_FORMAT', ID, 'a record starts with "{"');
  const cs = text.lastIndexOf(',CS,');
  if (cs === -1) throw new DecodeError('TRUNCATED', ID, 'no CS checksum field: the record is cut short');
  const tail = text.slice(cs + 4);
  if (!/^[0-9A-Fa-f]{2}\}?$/.test(tail)) {
    throw new DecodeError('BAD_FORMAT', ID, `checksum field ${JSON.stringify(tail)} is not two hex digits`);
  }
  const expected = Number.parseInt(tail.slice(0, 2), 16);
  const actual = byteSum(bytes, 0, cs + 1, 8);
  if (expected !== actual) {
    throw new DecodeError(
      'BAD_CHECKSUM',
      ID,
      `checksum ${tail.slice(0, 2)} does not match ${actual.toString(16).toUpperCase().padStart(2, '0')}`,
    );
  }
  const tokens = tokenize(text.slice(1, cs));
  if (tokens.length % 2 !== 0) throw new DecodeError('BAD_FORMAT', ID, 'keys and values do not pair up');
  const fields = new Map<string, string | number>();
  const quoted = new Set<string>();
  for (let i = 0; i < tokens.length; i += 2) {
    const key = tokens[i]!;
    const raw = tokens[i + 1]!;
    if (!/^[~0-9A-Za-z]{1,3}$/.test(key))
      throw new DecodeError('BAD_FORMAT', ID, `bad key ${JSON.stringify(key)}`);
    if (fields.has(key)) continue;
    if (raw.startsWith('"')) {
      if (raw.length < 2 || !raw.endsWith('"'))
        throw new DecodeError('BAD_FORMAT', ID, `bad value of ${key}`);
      fields.set(key, raw.slice(1, -1));
      quoted.add(key);
    } else {
      fields.set(key, NUMBER.test(raw) ? Number(raw) : raw);
    }
  }
  for (const control of ['~0', '~1']) {
    const value = fields.get(control);
    if (value !== undefined && value !== 1) {
      throw new DecodeError(
        'UNSUPPORTED',
        ID,
        `unit setting ${control},${value} (only kg and cm records are confirmed)`,
      );
    }
  }
  return { fields, quoted };
}

const two = (n: number) => String(n).padStart(2, '0');

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * The date format depends on the model, and the key tells which: `Da` dd/mm/yyyy (SC-330, MC-780),
 * `DA` yy/mm/dd (DC-320), `DT` yyyy/mm/dd (newer MC-780 firmware).
 */
function parseDate(key: (typeof DATE_KEYS)[number], text: string): [number, number, number] | undefined {
  let match = /^(\d{4})\/(\d{2})\/(\d{2})$/.exec(text);
  if (match) return [Number(match[1]), Number(match[2]), Number(match[3])];
  match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (match) return [Number(match[3]), Number(match[2]), Number(match[1])];
  match = /^(\d{2})\/(\d{2})\/(\d{2})$/.exec(text);
  if (!match) return undefined;
  if (key === 'Da') return [2000 + Number(match[3]), Number(match[2]), Number(match[1])];
  return [2000 + Number(match[1]), Number(match[2]), Number(match[3])];
}

function deviceTimeOf(fields: Map<string, string | number>): string | undefined {
  const key = DATE_KEYS.find((k) => fields.has(k));
  const time = fields.get('TI');
  if (key === undefined || typeof time !== 'string') return undefined;
  const date = parseDate(key, String(fields.get(key)));
  const clock = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(time);
  if (!date || !clock || !isRealDate(...date)) return undefined;
  const [hours, minutes, seconds] = [Number(clock[1]), Number(clock[2]), clock[3]];
  if (hours > 23 || minutes > 59 || (seconds !== undefined && Number(seconds) > 59)) return undefined;
  return `${date[0]}-${two(date[1])}-${two(date[2])}T${two(hours)}:${two(minutes)}${seconds === undefined ? '' : `:${seconds}`}`;
}

function decode(frame: Uint8Array): BodyCompositionMeasurement {
  const { fields, quoted } = parseTanitaRecord(frame);
  const numberOf = (key: string): number | undefined => {
    const value = fields.get(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || quoted.has(key)) {
      throw new DecodeError('BAD_FORMAT', ID, `${key} should be a number, got ${JSON.stringify(value)}`);
    }
    return value;
  };
  const fat = numberOf('FW');
  const measurement: BodyCompositionMeasurement = {
    kind: 'body-composition',
    bodyFat:
      fat === undefined ? { value: null, unit: '%', missing: 'not-reported' } : { value: fat, unit: '%' },
  };
  const target = measurement as unknown as Record<string, DeviceValue>;
  for (const [key, { field, unit }] of Object.entries(FIELDS)) {
    if (key === 'FW') continue;
    const value = numberOf(key);
    if (value !== undefined) target[field] = { value, unit };
  }
  const sex = numberOf('GE');
  if (sex === 1) measurement.sex = 'male';
  if (sex === 2) measurement.sex = 'female';
  const age = numberOf('AG');
  if (age !== undefined && Number.isInteger(age) && age >= 0) measurement.age = age;
  if (measurement.basalMetabolism === undefined) {
    const kcal = numberOf('rB');
    if (kcal !== undefined) measurement.basalMetabolism = { value: kcal, unit: 'kcal' };
  }
  const deviceTime = deviceTimeOf(fields);
  if (deviceTime) measurement.deviceTime = deviceTime;

  const extra: Record<string, string | number> = {};
  for (const [key, value] of fields) {
    if (key.startsWith('~') || key === '0' || key in FIELDS || key === 'GE' || key === 'AG' || key === 'TI')
      continue;
    if ((DATE_KEYS as readonly string[]).includes(key)) {
      if (!deviceTime) extra[`date${key}`] = String(value);
      continue;
    }
    if (key === 'rB' && measurement.basalMetabolism?.unit === 'kcal') continue;
    extra[NAMED_EXTRA[key] ?? key] = quoted.has(key) ? String(value) : value;
  }
  if (!deviceTime && typeof fields.get('TI') === 'string') extra['time'] = String(fields.get('TI'));
  if (Object.keys(extra).length > 0) measurement.extra = extra;
  return measurement;
}

export const tanita: DeviceDriver = {
  id: ID,
  name: 'Tanita body-composition key-value record',
  vendor: 'Tanita',
  models: ['MC-780', 'SC-330', 'DC-320', 'BC-601 (with the serial cable)'],
  transport: 'serial',
  kinds: ['body-composition'],
  mode: 'stream',
  serial: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
  // A full MC-780 record with segmental values is about 1,200 bytes.
  framing: { type: 'line', delimiter: '\r\n', maxFrameBytes: 4096 },
  confidence: 'partial',
  decode,
};
