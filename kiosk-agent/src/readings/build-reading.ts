import { type DeviceMeasurement, newUuidV7, type Reading, type ReadingClock } from '@klinik-desa/protocol';
import {
  type MeasurementRejectedError,
  type NormalizeContext,
  normalize,
  type ReadingIdentity,
  type RuleOptions,
  toReading,
} from '@klinik-desa/screening';

export interface ReadingContext {
  clinicId: string;
  kioskId: string;
  deviceId: string;
  protocol: string;
  receivedAt: Date;
  timeZone?: string;
  /** The open screening's id (the Reading's field keeps the protocol's name, `sessionId`). */
  sessionId?: string;
  patientId?: string;
  patient?: { sex?: 'male' | 'female'; ageYears?: number };
  glucoseContext?: 'fasting' | 'random';
  rules?: RuleOptions;
  /** Typed in by the health worker, not sent by a device. */
  manual?: boolean;
  /** Which clock stamped `receivedAt` and how sure that is (`receivedAt` is already corrected). */
  clock?: ReadingClock;
}

export type ReadingResult = { ok: true; reading: Reading } | { ok: false; error: MeasurementRejectedError };

/**
 * A decoded measurement becomes this kiosk's reading: canonical units, LOINC codes, plausibility
 * and triage flags (the screening package's `normalize` and `toReading`), with the kiosk's identity
 * and the open screening. Impossible values and control-solution tests come back as typed
 * rejections: they are not patient readings.
 */
export function buildReading(m: DeviceMeasurement, ctx: ReadingContext): ReadingResult {
  // Built by assignment rather than conditional spreads, which V8 copies on a slow path: this runs
  // for every reading.
  const options: NormalizeContext = { receivedAt: ctx.receivedAt };
  if (ctx.timeZone) options.timeZone = ctx.timeZone;
  if (ctx.glucoseContext) options.glucoseContext = ctx.glucoseContext;
  if (ctx.patient) options.patient = ctx.patient;
  if (ctx.rules) options.rules = ctx.rules;
  if (ctx.manual) options.manual = true;
  const normalized = normalize(m, options);
  if (!normalized.ok) return normalized;
  const identity: ReadingIdentity = {
    id: newUuidV7(ctx.receivedAt.getTime()),
    clinicId: ctx.clinicId,
    kioskId: ctx.kioskId,
    device: { id: ctx.deviceId, protocol: ctx.protocol },
  };
  if (ctx.sessionId) identity.sessionId = ctx.sessionId;
  if (ctx.patientId) identity.patientId = ctx.patientId;
  const reading = toReading(normalized.reading, identity);
  if (ctx.clock)
    reading.clock = reading.timeSource === 'device' ? { ...ctx.clock, source: 'device' } : ctx.clock;
  return { ok: true, reading };
}
