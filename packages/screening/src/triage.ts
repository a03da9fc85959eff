import type { Flag } from '@klinik-desa/protocol';
import { flagFromRow } from './flags.js';
import { inInterval } from './interval.js';
import {
  groupOf,
  rowsOf,
  THRESHOLDS,
  type ThresholdGroupId,
  type ThresholdRow,
  type ThresholdTable,
} from './thresholds.js';
import type { ValueName } from './values.js';

export type BmiTable = 'ilp' | 'national';
export type Sex = 'male' | 'female';
export type GlucoseContext = 'fasting' | 'random';

/** Which rules judge a reading. */
export interface RuleOptions {
  /** The BMI table: `ilp` (WHO Asia-Pacific, the default) or `national` (Pedoman Gizi Seimbang 2014). */
  bmiTable?: BmiTable;
  /** Another version of the threshold table (tests, a future guideline); default `THRESHOLDS`. */
  table?: ThresholdTable;
}

export type TriageValues = Partial<Record<ValueName, number | null>>;

/**
 * The row of a threshold group that the values fall in. Partition groups always give a row when all
 * their values are numbers (the higher category wins for "and/or" rows); qualifier groups only when
 * their condition holds. Undefined when a value the group needs is missing.
 */
export function classify(
  groupId: ThresholdGroupId,
  values: TriageValues,
  table: ThresholdTable = THRESHOLDS,
): ThresholdRow | undefined {
  const group = groupOf(groupId, table);
  for (const name of group.values) {
    const v = values[name];
    if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  }
  let found: ThresholdRow | undefined;
  for (const row of rowsOf(groupId, table)) {
    const tests = Object.entries(row.when).map(([name, interval]) =>
      inInterval(interval, values[name as ValueName] as number),
    );
    const matches = row.match === 'all' ? tests.every(Boolean) : tests.some(Boolean);
    if (matches) {
      found = row;
      if (group.kind === 'qualifier') break;
    }
  }
  return found;
}

export interface TriageOptions extends RuleOptions {
  /** Fasting or random, for a glucose value; random when not given. */
  glucoseContext?: GlucoseContext;
  /** Needed for waist circumference; without it the waist is not classified. */
  sex?: Sex;
  /**
   * Under 18 the adult blood pressure, BMI, waist, cholesterol and uric acid tables are not applied;
   * haemoglobin has its own rows for 5–11 and 12–14 years.
   */
  ageYears?: number;
}

/**
 * The anaemia row set for the patient: WHO's cut-offs differ by age (5–11, 12–14) and, from 15, by
 * sex. Unknown age counts as adult, as for the other tables; under 5, or a grown-up of unknown sex,
 * is not classified.
 */
export function haemoglobinGroup(options: { sex?: Sex; ageYears?: number }): ThresholdGroupId | undefined {
  const age = options.ageYears;
  if (age !== undefined && age < 5) return undefined;
  if (age !== undefined && age < 12) return 'haemoglobin-5-11';
  if (age !== undefined && age < 15) return 'haemoglobin-12-14';
  if (!options.sex) return undefined;
  return options.sex === 'male' ? 'haemoglobin-men' : 'haemoglobin-women';
}

/**
 * Flags for whatever values are given: one category flag per applicable group (normal categories
 * included, so the kiosk can show "Normal"), plus isolated systolic hypertension when it applies.
 */
export function triage(values: TriageValues, options: TriageOptions = {}): Flag[] {
  const table = options.table ?? THRESHOLDS;
  const adult = options.ageYears === undefined || options.ageYears >= 18;
  const flags: Flag[] = [];
  const add = (groupId: ThresholdGroupId, value: ValueName | undefined) => {
    const row = classify(groupId, values, table);
    if (row) flags.push(flagFromRow(row, value, table));
  };
  if (adult) {
    add('bp', undefined);
    add('bp-isolated-systolic', undefined);
  }
  add(options.glucoseContext === 'fasting' ? 'glucose-fasting' : 'glucose-random', 'glucose');
  if (adult) {
    add(options.bmiTable === 'national' ? 'bmi-national' : 'bmi-ilp', 'bmi');
    if (options.sex) add(options.sex === 'male' ? 'waist-male' : 'waist-female', 'waistCircumference');
    add('cholesterol-total', 'totalCholesterol');
    if (options.sex) add(options.sex === 'male' ? 'uric-acid-men' : 'uric-acid-women', 'uricAcid');
  }
  const haemoglobin = haemoglobinGroup(options);
  if (haemoglobin) add(haemoglobin, 'haemoglobin');
  add('temperature', 'bodyTemperature');
  add('spo2', 'spo2');
  return flags;
}

/** Every flag code a threshold row can raise: the triage codes, as opposed to quality and clock flags. */
export function triageCodes(table: ThresholdTable = THRESHOLDS): Set<string> {
  return new Set(table.rows.map((r) => r.code));
}
