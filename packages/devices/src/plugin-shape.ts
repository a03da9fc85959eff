import type { MeasurementKind } from '@klinik-desa/protocol';
import { bluetoothProblems } from './bluetooth.js';
import type { DeviceDriver } from './driver.js';
import { DriverError } from './errors.js';

/**
 * The measurement kinds of `@klinik-desa/protocol`, listed here so that decoding never loads zod
 * (a quarter of a second at every CLI start on a small board). plugin-shape.test.ts keeps the two
 * lists equal.
 */
export const MEASUREMENT_KINDS: readonly MeasurementKind[] = [
  'blood-pressure',
  'glucose',
  'weight',
  'body-composition',
  'temperature',
  'pulse-oximetry',
  'height',
  'waist',
  'cholesterol',
  'uric-acid',
  'haemoglobin',
];

const TRANSPORTS = ['serial', 'ble-gateway'];
const MODES = ['stream', 'dialogue'];
const FRAMINGS = ['line', 'custom', 'packet'];
const PARITIES = ['none', 'even', 'odd'];

/** Every problem with a would-be driver, in words a vendor can act on; empty when it is fine. */
export function driverProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return ['a driver is an object'];
  const d = value as Record<string, unknown>;
  const problems: string[] = [];
  const isFunction = (key: string) => typeof d[key] === 'function';
  if (typeof d['id'] !== 'string' || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(d['id'])) {
    problems.push('id must be kebab-case (a-z, 0-9, -), at most 64 characters');
  }
  if (typeof d['vendor'] !== 'string' || d['vendor'] === '')
    problems.push('vendor must be a non-empty string');
  if (!Array.isArray(d['models']) || !d['models'].every((m) => typeof m === 'string')) {
    problems.push('models must be an array of strings');
  }
  if (!TRANSPORTS.includes(d['transport'] as string))
    problems.push(`transport must be one of ${TRANSPORTS.join(', ')}`);
  if (
    !Array.isArray(d['kinds']) ||
    d['kinds'].length === 0 ||
    !d['kinds'].every((k) => (MEASUREMENT_KINDS as readonly unknown[]).includes(k))
  ) {
    problems.push(`kinds must list measurement kinds (${MEASUREMENT_KINDS.join(', ')})`);
  }
  if (!MODES.includes(d['mode'] as string)) problems.push(`mode must be one of ${MODES.join(', ')}`);
  const framing = d['framing'] as Record<string, unknown> | undefined;
  if (typeof framing !== 'object' || framing === null || !FRAMINGS.includes(framing['type'] as string)) {
    problems.push(`framing.type must be one of ${FRAMINGS.join(', ')}`);
  } else {
    const max = framing['maxFrameBytes'];
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1)
      problems.push('framing.maxFrameBytes must be a positive integer');
    if (
      framing['type'] === 'line' &&
      (typeof framing['delimiter'] !== 'string' || framing['delimiter'] === '')
    ) {
      problems.push('framing.delimiter must be a non-empty string for line framing');
    }
    if (framing['type'] === 'custom' && !isFunction('createFramer'))
      problems.push('custom framing needs createFramer()');
  }
  if (d['mode'] === 'dialogue' && !isFunction('createDialogue'))
    problems.push('dialogue mode needs createDialogue()');
  if (!isFunction('decode')) problems.push('decode must be a function');
  if (!isFunction('encode')) problems.push('encode must be a function');
  for (const optional of ['createFramer', 'createSplitter', 'createDialogue', 'createSimulator']) {
    if (d[optional] !== undefined && !isFunction(optional)) problems.push(`${optional} must be a function`);
  }
  const serial = d['serial'] as Record<string, unknown> | undefined;
  if (serial !== undefined) {
    if (
      typeof serial !== 'object' ||
      serial === null ||
      typeof serial['baudRate'] !== 'number' ||
      ![5, 6, 7, 8].includes(serial['dataBits'] as number) ||
      !PARITIES.includes(serial['parity'] as string) ||
      ![1, 2].includes(serial['stopBits'] as number)
    ) {
      problems.push('serial must be { baudRate, dataBits: 5–8, parity: none|even|odd, stopBits: 1|2 }');
    }
  }
  if (d['bluetooth'] !== undefined) {
    problems.push(...bluetoothProblems(d['bluetooth']));
    if (d['transport'] !== 'ble-gateway')
      problems.push('a driver that declares bluetooth has transport "ble-gateway"');
  }
  if (d['examples'] !== undefined && !Array.isArray(d['examples']))
    problems.push('examples must be an array');
  return problems;
}

export function isDeviceDriver(value: unknown): value is DeviceDriver {
  return driverProblems(value).length === 0;
}

export function assertDeviceDriver(value: unknown, source: string): asserts value is DeviceDriver {
  const problems = driverProblems(value);
  if (problems.length > 0) {
    const id = typeof (value as { id?: unknown })?.id === 'string' ? ` ${(value as { id: string }).id}` : '';
    throw new DriverError('INVALID_DRIVER', `${source}: driver${id} is not valid: ${problems.join('; ')}`);
  }
}
