import type { DeviceMeasurement, DeviceValue } from '@klinik-desa/protocol';
import { byteSum, toBytes } from '../bytes.js';
import { EncodeError } from '../errors.js';
import { FIELDS, ID, INTEGER_KEYS, NAMED_EXTRA, type NumericKey, PREAMBLE } from '../protocols/tanita.js';
import type { DeviceSimulation } from './simulation.js';

const EXTRA_KEY_OF_NAME = Object.fromEntries(Object.entries(NAMED_EXTRA).map(([k, v]) => [v, k]));

function formatNumber(key: string, value: number): string {
  return INTEGER_KEYS.has(key) && Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function encode(measurement: DeviceMeasurement): Uint8Array {
  if (measurement.kind !== 'body-composition') {
    throw new EncodeError('WRONG_KIND', ID, `encodes body-composition, not ${measurement.kind}`);
  }
  const pairs: string[] = [];
  const put = (key: string, value: string | number, quote: boolean) => {
    if (quote) {
      if (/["\r\n]/.test(String(value)))
        throw new EncodeError('NOT_ENCODABLE', ID, `${key} contains a quote or newline`);
      pairs.push(`${key},"${value}"`);
    } else {
      pairs.push(`${key},${typeof value === 'number' ? formatNumber(key, value) : value}`);
    }
  };
  const extra = measurement.extra ?? {};
  const used = new Set<string>();
  const fromExtra = (name: string, quote: boolean) => {
    const value = extra[name];
    if (value === undefined || typeof value === 'boolean') return;
    put(EXTRA_KEY_OF_NAME[name] ?? name, value, quote);
    used.add(name);
  };
  fromExtra('model', true);
  fromExtra('serialNumber', true);
  fromExtra('subjectId', true);
  if (measurement.deviceTime !== undefined) {
    const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:\d{2})?$/.exec(measurement.deviceTime);
    if (!match) throw new EncodeError('NOT_ENCODABLE', ID, `deviceTime ${measurement.deviceTime}`);
    put('DT', `${match[1]}/${match[2]}/${match[3]}`, true);
    put('TI', `${match[4]}:${match[5]}${match[6] ?? ''}`, true);
  }
  fromExtra('bodyType', false);
  if (measurement.sex) put('GE', measurement.sex === 'male' ? 1 : 2, false);
  if (measurement.age !== undefined) put('AG', measurement.age, false);
  const target = measurement as unknown as Record<string, DeviceValue | undefined>;
  const putField = (key: NumericKey) => {
    const { field, unit } = FIELDS[key];
    const value = target[field];
    if (value === undefined || value.value === null) return;
    if (value.unit !== unit) {
      if (key === 'rb' && value.unit === 'kcal') {
        put('rB', value.value, false);
        return;
      }
      throw new EncodeError('UNSUPPORTED_UNIT', ID, `${field} is sent in ${unit}, not ${value.unit}`);
    }
    put(key, value.value, false);
  };
  putField('Hm');
  fromExtra('clothesTareKg', false);
  for (const key of ['Wk', 'FW', 'fW', 'MW', 'mW', 'bW', 'wW', 'ww', 'MI', 'IF', 'rb'] as const)
    putField(key);
  fromExtra('basalMetabolismKcal', false);
  putField('rA');
  putField('ZF');
  for (const [name, value] of Object.entries(extra)) {
    if (used.has(name) || typeof value === 'boolean' || !/^[A-Za-z][A-Za-z0-9]$/.test(name)) continue;
    put(name, value, typeof value === 'string');
  }
  const body = `${PREAMBLE}${pairs.join(',')},`;
  const checksum = byteSum(toBytes(body), 0, body.length, 8).toString(16).toUpperCase().padStart(2, '0');
  return toBytes(`${body}CS,${checksum}\r\n`);
}

/** The simulating half of `tanita`. */
export const tanitaSimulation: DeviceSimulation = {
  id: ID,
  encode,
  examples: [
    {
      kind: 'body-composition',
      bodyFat: { value: 18.8, unit: '%' },
      weight: { value: 89.2, unit: 'kg' },
      height: { value: 171, unit: 'cm' },
      bmi: { value: 30.5, unit: 'kg/m2' },
      sex: 'male',
      age: 34,
      deviceTime: '2025-09-14T08:20',
      extra: { model: 'DC-320', subjectId: '0000000001', bodyType: 0, clothesTareKg: 0 },
    },
  ],
};
