import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceMeasurement, DeviceValue, Ucum } from '@klinik-desa/protocol';
import type { DecodeResult } from '../registry.js';

/**
 * The project's shared test vectors (`packages/devices/vectors/*.jsonl`, copied from the design documents): one JSON object a line with `id`,
 * `characteristic` (GATT, 16-bit hex) or `protocol` (serial), `hex` (the whole frame) and `expect`,
 * whose field names are descriptive and whose units are written loosely (`mmHg`, `lb`). This module
 * maps them onto `DeviceMeasurement`, so the library tests and the CLI tests check them the same way.
 */
export interface SharedVector {
  id: string;
  characteristic?: string;
  protocol?: string;
  hex: string;
  expect: Record<string, unknown>;
  file: string;
}

export function loadSharedVectors(directory: string): SharedVector[] {
  const vectors: SharedVector[] = [];
  for (const file of ['gatt.jsonl', 'serial.jsonl']) {
    const path = join(directory, file);
    if (!existsSync(path)) throw new Error(`shared vectors missing: ${path}`);
    const lines = readFileSync(path, 'utf8').split('\n');
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      try {
        vectors.push({ ...(JSON.parse(line) as Omit<SharedVector, 'file'>), file });
      } catch (error) {
        throw new Error(`${path}:${index + 1} is not JSON: ${(error as Error).message}`);
      }
    });
  }
  return vectors;
}

/** The registry protocol id a vector is for: `gatt-2a35` or its `protocol`. */
export function protocolOfVector(vector: SharedVector): string {
  if (vector.characteristic) return `gatt-${vector.characteristic.toLowerCase()}`;
  if (vector.protocol) return vector.protocol;
  throw new Error(`vector ${vector.id} names neither characteristic nor protocol`);
}

const LOOSE_UNITS: Readonly<Record<string, Ucum>> = {
  mmHg: 'mm[Hg]',
  'mm[Hg]': 'mm[Hg]',
  kPa: 'kPa',
  'mg/dL': 'mg/dL',
  'mmol/L': 'mmol/L',
  kg: 'kg',
  g: 'g',
  lb: '[lb_av]',
  '[lb_av]': '[lb_av]',
  oz: '[oz_av]',
  Cel: 'Cel',
  '°C': 'Cel',
  '[degF]': '[degF]',
  '°F': '[degF]',
  '%': '%',
  m: 'm',
  cm: 'cm',
  in: '[in_i]',
};

const ERROR_CODES: Readonly<Record<string, string>> = {
  truncated: 'TRUNCATED',
  checksum: 'BAD_CHECKSUM',
  format: 'BAD_FORMAT',
  unsupported: 'UNSUPPORTED',
};

export function looseUnitToUcum(unit: string): Ucum | undefined {
  return LOOSE_UNITS[unit];
}

/** The expected DecodeError code of an `{ "error": "truncated" }` vector. */
export function expectedErrorCode(error: unknown): string {
  const text = String(error);
  return ERROR_CODES[text] ?? text.toUpperCase().replace(/[^A-Z]+/g, '_');
}

function primaryValue(m: DeviceMeasurement): DeviceValue {
  switch (m.kind) {
    case 'blood-pressure':
      return m.systolic;
    case 'glucose':
      return m.concentration;
    case 'weight':
      return m.weight;
    case 'body-composition':
      return m.bodyFat;
    case 'temperature':
      return m.temperature;
    case 'pulse-oximetry':
      return m.spo2;
    case 'height':
      return m.height;
    case 'waist':
      return m.waistCircumference;
    case 'cholesterol':
      return m.totalCholesterol;
    case 'uric-acid':
      return m.uricAcid;
    case 'haemoglobin':
      return m.haemoglobin;
  }
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function same(actual: unknown, expected: unknown): boolean {
  if (typeof expected === 'number' && typeof actual === 'number') {
    return Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
  }
  return actual === expected;
}

/** Every way `result` differs from the vector's expectation; empty when it passes. */
export function vectorMismatches(vector: SharedVector, result: DecodeResult): string[] {
  const expect = vector.expect;
  if ('error' in expect) {
    if (result.ok)
      return [`expected error ${String(expect['error'])}, decoded ${JSON.stringify(result.measurement)}`];
    const code = expectedErrorCode(expect['error']);
    return result.error.code === code
      ? []
      : [`expected error ${code}, got ${result.error.code}: ${result.error.message}`];
  }
  if (expect['noValue'] === true) {
    if (!result.ok) return [];
    return primaryValue(result.measurement).value === null
      ? []
      : [`expected no usable value, got ${JSON.stringify(primaryValue(result.measurement))}`];
  }
  if (!result.ok) return [`expected a measurement, got ${result.error.code}: ${result.error.message}`];
  const m = result.measurement;
  const record = m as unknown as Record<string, unknown>;
  const problems: string[] = [];
  const check = (key: string, actual: unknown, expected: unknown) => {
    if (!same(actual, expected))
      problems.push(`${key}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  };
  for (const [key, expected] of Object.entries(expect)) {
    switch (key) {
      case 'unit':
        check(key, primaryValue(m).unit, LOOSE_UNITS[String(expected)] ?? expected);
        break;
      case 'value':
        check(key, primaryValue(m).value, expected);
        break;
      case 'timestamp':
        check(key, m.deviceTime, expected);
        break;
      case 'comparator': {
        const value = primaryValue(m);
        check(key, value.value === null ? undefined : value.comparator, expected);
        break;
      }
      case 'type':
        check(
          key,
          m.kind === 'glucose' ? m.specimen : m.kind === 'temperature' ? m.site : undefined,
          expected,
        );
        break;
      case 'heightUnit':
        check(
          key,
          (record['height'] as DeviceValue | undefined)?.unit,
          LOOSE_UNITS[String(expected)] ?? expected,
        );
        break;
      case 'sequenceNumber':
      case 'userId':
      case 'sampleLocation':
        check(key, record[key], expected);
        break;
      default:
        if (typeof expected === 'boolean') {
          check(
            key,
            (m.annunciations as readonly string[] | undefined)?.includes(kebab(key)) ?? false,
            expected,
          );
        } else {
          const field = record[key] as DeviceValue | undefined;
          if (field === undefined || typeof field !== 'object')
            problems.push(`${key}: missing from the measurement`);
          else check(key, field.value, expected);
        }
    }
  }
  return problems;
}
