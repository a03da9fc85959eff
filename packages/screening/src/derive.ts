import type { Flag, Reading, ReadingValue } from '@klinik-desa/protocol';
import { makeFlag } from './flags.js';
import { hashedUuidV7 } from './hash.js';
import { checkPlausibility } from './plausibility.js';
import { roundHalfUp } from './rounding.js';
import { THRESHOLDS } from './thresholds.js';
import { type RuleOptions, triage } from './triage.js';
import { VALUES, type ValueName } from './values.js';

/**
 * The values of the source readings a derived value is computed from: BMI from weight and height;
 * a mean from the values of the same name (systolic from systolics).
 */
export function sourceValueNames(derivedName: string): readonly string[] {
  return derivedName === 'bmi' ? ['weight', 'height'] : [derivedName];
}

/** The device a kiosk-computed reading is attributed to: no device measured it. */
export const DERIVED_DEVICE = { id: 'kiosk', protocol: 'derived' } as const;

export interface DeriveOptions extends RuleOptions {
  /** Under 18 the adult tables are not applied to the derived value. */
  ageYears?: number;
}

/** BMI = kg / m², rounded half up to one decimal: the precision the BMI tables are written in. */
export function computeBmi(weightKg: number, heightCm: number): number {
  if (!(weightKg > 0) || !(heightCm > 0)) throw new RangeError('weight and height must be positive');
  const metres = heightCm / 100;
  return roundHalfUp(weightKg / (metres * metres), VALUES.bmi.decimals);
}

/** The number of a value in a reading, or undefined when absent or not a number. */
export function numberOf(reading: Reading, name: ValueName): number | undefined {
  const v = reading.values.find((x) => x.name === name);
  // A device's limit (`> 150 kg`) is not a number to compute a BMI or a mean from.
  return typeof v?.value === 'number' && v.comparator === undefined ? v.value : undefined;
}

function isDerived(reading: Reading): boolean {
  return reading.device.protocol === DERIVED_DEVICE.protocol || reading.values.some((v) => v.derived);
}

function byTime(a: Reading, b: Reading): number {
  return a.measuredAt === b.measuredAt
    ? a.id < b.id
      ? -1
      : 1
    : Date.parse(a.measuredAt) - Date.parse(b.measuredAt);
}

/**
 * A reading computed by the kiosk from others. Its id is a UUIDv7 hashed from the sources' ids, so
 * the same sources always give the same id (a recomputation is recognised as the same reading).
 */
function derivedReading(
  kind: 'bmi' | 'blood-pressure',
  sources: readonly Reading[],
  values: ReadingValue[],
  flags: Flag[],
): Reading {
  const sorted = [...sources].sort(byTime);
  const last = sorted[sorted.length - 1]!;
  const measuredAt = sorted.reduce((t, r) => Math.max(t, Date.parse(r.measuredAt)), 0);
  const receivedAt = sorted.reduce((t, r) => Math.max(t, Date.parse(r.receivedAt)), 0);
  const ids = sources.map((r) => r.id).sort();
  const reading: Reading = {
    id: hashedUuidV7(measuredAt, `derived:${kind}:${ids.join(',')}`),
    clinicId: last.clinicId,
    kioskId: last.kioskId,
    device: { ...DERIVED_DEVICE },
    kind,
    measuredAt: new Date(measuredAt).toISOString(),
    receivedAt: new Date(receivedAt).toISOString(),
    timeSource: sorted.every((r) => r.timeSource === 'device') ? 'device' : 'kiosk',
    values,
    flags,
  };
  if (last.sessionId !== undefined) reading.sessionId = last.sessionId;
  if (last.patientId !== undefined) reading.patientId = last.patientId;
  reading.derivedFrom = ids;
  return reading;
}

function derivedValue(name: ValueName, value: number, options: DeriveOptions, flags: Flag[]): ReadingValue {
  // A derived value comes from accepted readings, so it is never rejected, only flagged.
  if (checkPlausibility(name, value, options.table ?? THRESHOLDS).status !== 'ok') {
    flags.push(makeFlag('plausibility.remeasure', { value: name, table: options.table ?? THRESHOLDS }));
  }
  return { name, code: VALUES[name].code, value, unit: VALUES[name].unit, derived: true };
}

function triageOptions(options: DeriveOptions) {
  return {
    ...(options.bmiTable ? { bmiTable: options.bmiTable } : {}),
    ...(options.table ? { table: options.table } : {}),
    ...(options.ageYears !== undefined ? { ageYears: options.ageYears } : {}),
  };
}

/**
 * The BMI reading derived from a weight reading and a height reading (they may be the same reading,
 * a scale that also measured height). Undefined when either has no number.
 */
export function deriveBmi(
  weight: Reading,
  height: Reading,
  options: DeriveOptions = {},
): Reading | undefined {
  const kg = numberOf(weight, 'weight');
  const cm = numberOf(height, 'height');
  if (kg === undefined || cm === undefined) return undefined;
  const bmi = computeBmi(kg, cm);
  const flags: Flag[] = [];
  const value = derivedValue('bmi', bmi, options, flags);
  flags.push(...triage({ bmi }, triageOptions(options)));
  const sources = weight.id === height.id ? [weight] : [weight, height];
  return derivedReading('bmi', sources, [value], flags);
}

export interface BloodPressureMean {
  systolic: number;
  diastolic: number;
  /** Mean of the pulse rates the monitor gave, when it gave any. */
  pulseRate?: number;
  /** How many readings were averaged; the protocol wants at least two. */
  count: number;
  readingIds: string[];
  /** The mean as a derived blood-pressure reading, with its triage flags. */
  reading: Reading;
}

/**
 * The mean of a visit's blood pressure readings, as the screening protocol prescribes (measure at
 * least twice, a minute or two apart, and classify the mean). Uses every measured (not derived)
 * blood-pressure reading with both numbers; rounds half up to whole mmHg. A single reading is still
 * classified, with a `bp.repeat-needed` flag. Undefined when no reading has both numbers.
 */
export function meanBloodPressure(
  readings: readonly Reading[],
  options: DeriveOptions = {},
): BloodPressureMean | undefined {
  const usable = readings
    .filter((r) => r.kind === 'blood-pressure' && !isDerived(r))
    .filter((r) => numberOf(r, 'systolic') !== undefined && numberOf(r, 'diastolic') !== undefined)
    .sort(byTime);
  if (usable.length === 0) return undefined;
  const mean = (xs: number[]) => roundHalfUp(xs.reduce((a, b) => a + b, 0) / xs.length, 0);
  const systolic = mean(usable.map((r) => numberOf(r, 'systolic')!));
  const diastolic = mean(usable.map((r) => numberOf(r, 'diastolic')!));
  const pulses = usable.map((r) => numberOf(r, 'pulseRate')).filter((p): p is number => p !== undefined);
  const pulseRate = pulses.length ? mean(pulses) : undefined;

  const flags: Flag[] = [];
  const values = [
    derivedValue('systolic', systolic, options, flags),
    derivedValue('diastolic', diastolic, options, flags),
  ];
  if (pulseRate !== undefined) values.push(derivedValue('pulseRate', pulseRate, options, flags));
  if (usable.length < 2) flags.push(makeFlag('bp.repeat-needed', { table: options.table ?? THRESHOLDS }));
  flags.push(...triage({ systolic, diastolic }, triageOptions(options)));

  return {
    systolic,
    diastolic,
    ...(pulseRate !== undefined ? { pulseRate } : {}),
    count: usable.length,
    readingIds: usable.map((r) => r.id),
    reading: derivedReading('blood-pressure', usable, values, flags),
  };
}
