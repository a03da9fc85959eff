import type { Flag, Reading, Severity } from '@klinik-desa/protocol';
import { type BloodPressureMean, DERIVED_DEVICE, deriveBmi, meanBloodPressure, numberOf } from './derive.js';
import { makeFlag, worstSeverity } from './flags.js';
import { THRESHOLDS } from './thresholds.js';
import { type BmiTable, type RuleOptions, type Sex, triage } from './triage.js';
import type { ValueName } from './values.js';

export interface AssessOptions extends RuleOptions {
  sex: Sex;
  /** When known; under 18 the adult blood pressure, BMI and waist tables are not applied. */
  ageYears?: number;
  bmiTable?: BmiTable;
}

export interface ScreeningAssessment {
  /** Version of the threshold table used. */
  rules: string;
  /** The most urgent severity among `flags`: what the health worker must do first. */
  worst: Severity;
  /**
   * Triage flags for the visit (blood pressure from the mean, BMI from the latest weight and height,
   * the latest glucose of each context, waist, temperature, SpO2) and the measurement-quality flags
   * of the readings. Device clock flags stay on their readings: they are not about the patient.
   */
  flags: Flag[];
  /** Readings the kiosk computed: the mean blood pressure and the BMI. Publish and send them too. */
  derived: Reading[];
  bloodPressure?: BloodPressureMean;
  bmi?: number;
}

/** Reading flags that say a number may be wrong and carry on into the visit's assessment. */
const QUALITY_FLAGS = [
  'plausibility.remeasure',
  'device.remeasure',
  'bp.irregular-pulse',
  'glucose.assumed-random',
];

function latestWith(
  readings: readonly Reading[],
  name: ValueName,
  filter: (r: Reading) => boolean = () => true,
) {
  let best: Reading | undefined;
  for (const r of readings) {
    if (r.device.protocol === DERIVED_DEVICE.protocol || !filter(r) || numberOf(r, name) === undefined)
      continue;
    if (!best || Date.parse(r.measuredAt) >= Date.parse(best.measuredAt)) best = r;
  }
  return best;
}

/**
 * Judges a whole visit: classifies the mean blood pressure and the derived BMI rather than single
 * readings, and gathers every flag the health worker must see, with the worst severity.
 */
export function assessScreening(readings: readonly Reading[], options: AssessOptions): ScreeningAssessment {
  const table = options.table ?? THRESHOLDS;
  const rules: RuleOptions = { table, ...(options.bmiTable ? { bmiTable: options.bmiTable } : {}) };
  const patient = options.ageYears !== undefined ? { ageYears: options.ageYears } : {};
  const flags: Flag[] = [];
  const derived: Reading[] = [];
  const adult = options.ageYears === undefined || options.ageYears >= 18;
  if (!adult) flags.push(makeFlag('screening.not-adult', { table }));

  const bloodPressure = meanBloodPressure(readings, { ...rules, ...patient });
  if (bloodPressure) {
    derived.push(bloodPressure.reading);
    flags.push(...bloodPressure.reading.flags);
  }

  const weight = latestWith(readings, 'weight');
  const height = latestWith(readings, 'height');
  let bmi: number | undefined;
  const bmiReading = weight && height ? deriveBmi(weight, height, { ...rules, ...patient }) : undefined;
  if (bmiReading) {
    derived.push(bmiReading);
    flags.push(...bmiReading.flags);
    bmi = numberOf(bmiReading, 'bmi');
  } else {
    // No weight-and-height pair: fall back on a BMI the scale itself reported.
    const scaleBmi = latestWith(readings, 'bmi');
    if (scaleBmi) {
      bmi = numberOf(scaleBmi, 'bmi')!;
      flags.push(...triage({ bmi }, { ...rules, ...patient }));
    }
  }

  for (const context of ['random', 'fasting'] as const) {
    const glucose = latestWith(readings, 'glucose', (r) => (r.context?.glucose ?? 'random') === context);
    if (glucose)
      flags.push(
        ...triage({ glucose: numberOf(glucose, 'glucose')! }, { ...rules, glucoseContext: context }),
      );
  }
  const waist = latestWith(readings, 'waistCircumference');
  if (waist) {
    flags.push(
      ...triage(
        { waistCircumference: numberOf(waist, 'waistCircumference')! },
        { ...rules, ...patient, sex: options.sex },
      ),
    );
  }
  for (const name of ['totalCholesterol', 'uricAcid', 'haemoglobin'] as const) {
    const latest = latestWith(readings, name);
    if (latest)
      flags.push(...triage({ [name]: numberOf(latest, name)! }, { ...rules, ...patient, sex: options.sex }));
  }
  const temperature = latestWith(readings, 'bodyTemperature');
  if (temperature)
    flags.push(...triage({ bodyTemperature: numberOf(temperature, 'bodyTemperature')! }, rules));
  const spo2 = latestWith(readings, 'spo2');
  if (spo2) flags.push(...triage({ spo2: numberOf(spo2, 'spo2')! }, rules));

  const seen = new Set(flags.map(flagKey));
  for (const reading of readings) {
    if (reading.device.protocol === DERIVED_DEVICE.protocol) continue;
    for (const flag of reading.flags) {
      if (!QUALITY_FLAGS.includes(flag.code) || seen.has(flagKey(flag))) continue;
      seen.add(flagKey(flag));
      flags.push(flag);
    }
  }

  return {
    rules: table.version,
    worst: worstSeverity(flags),
    flags,
    derived,
    ...(bloodPressure ? { bloodPressure } : {}),
    ...(bmi !== undefined ? { bmi } : {}),
  };
}

function flagKey(flag: Flag): string {
  return `${flag.code}|${flag.value ?? ''}|${flag.message?.en ?? ''}`;
}
