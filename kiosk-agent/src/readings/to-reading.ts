import { type DeviceMeasurement, newUuidV7, type Reading } from '@klinik-desa/protocol';
import {
  type MeasurementRejectedError,
  normalize,
  type RuleOptions,
  toReading as screeningToReading,
} from '@klinik-desa/screening';

export interface ReadingContext {
  clinicId: string;
  kioskId: string;
  deviceId: string;
  protocol: string;
  receivedAt: Date;
  timeZone?: string;
  sessionId?: string;
  patientId?: string;
  patient?: { sex?: 'male' | 'female'; ageYears?: number };
  glucoseContext?: 'fasting' | 'random';
  rules?: RuleOptions;
}

export type ReadingResult = { ok: true; reading: Reading } | { ok: false; error: MeasurementRejectedError };

/**
 * A decoded measurement becomes a reading: canonical units, LOINC codes, plausibility and triage
 * flags (the screening package), then the kiosk's identity and the open session. Impossible values
 * and control-solution tests come back as typed rejections: they are not patient readings.
 */
export function toReading(m: DeviceMeasurement, ctx: ReadingContext): ReadingResult {
  const normalized = normalize(m, {
    receivedAt: ctx.receivedAt,
    ...(ctx.timeZone ? { timeZone: ctx.timeZone } : {}),
    ...(ctx.glucoseContext ? { glucoseContext: ctx.glucoseContext } : {}),
    ...(ctx.patient ? { patient: ctx.patient } : {}),
    ...(ctx.rules ? { rules: ctx.rules } : {}),
  });
  if (!normalized.ok) return normalized;
  const reading = screeningToReading(normalized.reading, {
    id: newUuidV7(ctx.receivedAt.getTime()),
    clinicId: ctx.clinicId,
    kioskId: ctx.kioskId,
    device: { id: ctx.deviceId, protocol: ctx.protocol },
    ...(ctx.sessionId ? { sessionId: ctx.sessionId } : {}),
    ...(ctx.patientId ? { patientId: ctx.patientId } : {}),
  });
  return { ok: true, reading };
}
