import type { Reading } from '@klinik-desa/protocol';
import { ageInYears, assessScreening, type BmiTable, zoneSpec } from '@klinik-desa/screening';
import type { FhirSource } from '../store/store.js';

export interface DerivedOptions {
  /** Which Kemenkes BMI table classifies the BMI (default `ilp`, as on the kiosks). */
  bmiTable?: BmiTable | undefined;
  /** The clinic's zone, where a patient's birthday falls (default Asia/Jakarta). */
  timeZone?: string | undefined;
}

/**
 * The readings the record computes when a screening is finished: the visit's mean blood pressure
 * (from two or more measurements, as the screening protocol asks) and the BMI from its latest
 * weight and height, each with its triage flags and the ids it was computed from. Their ids are
 * hashed from their sources, so finishing again, or a kiosk that computed the same, stores nothing
 * twice. A single blood pressure is not restated as a "mean" of one.
 */
export function derivedReadings(source: FhirSource, options: DerivedOptions = {}): Reading[] {
  const { screening, patient, readings } = source;
  const assessment = assessScreening(readings, {
    sex: patient.sex,
    ageYears: ageInYears(
      patient.birthDate,
      new Date(screening.openedAt),
      zoneSpec(options.timeZone ? { timeZone: options.timeZone } : {}),
    ),
    ...(options.bmiTable ? { bmiTable: options.bmiTable } : {}),
  });
  const stored = new Set(readings.map((r) => r.id));
  return assessment.derived.filter(
    (r) => !stored.has(r.id) && !(r.kind === 'blood-pressure' && (r.derivedFrom?.length ?? 0) < 2),
  );
}
