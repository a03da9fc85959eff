import {
  type DeviceMeasurement,
  LOINC,
  newUuidV7,
  type Reading,
  type ReadingValue,
} from '@klinik-desa/protocol';

export interface ReadingContext {
  clinicId: string;
  kioskId: string;
  deviceId: string;
  protocol: string;
  receivedAt: Date;
  sessionId?: string;
  patientId?: string;
}

const TO_KG: Record<string, number> = { kg: 1, g: 0.001, '[lb_av]': 0.45359237, '[oz_av]': 0.028349523125 };

/** kg with 3 decimals: finer than any body scale, so rounding never changes what was measured. */
const roundKg = (kg: number) => Math.round(kg * 1000) / 1000;

/**
 * The foundation's normalization: weight only, to kilograms (exact factors), keeping the device's
 * own value. Replaced by the screening package's normalizer when that lands.
 */
export function toReading(m: DeviceMeasurement, ctx: ReadingContext): Reading | undefined {
  if (m.kind !== 'weight') return undefined;
  const w = m.weight;
  const factor = TO_KG[w.unit];
  if (factor === undefined) return undefined;
  const value: ReadingValue =
    w.value === null
      ? {
          name: 'weight',
          code: LOINC.bodyWeight,
          value: null,
          unit: 'kg',
          absentReason: 'error',
          original: { value: null, unit: w.unit },
        }
      : {
          name: 'weight',
          code: LOINC.bodyWeight,
          value: roundKg(w.value * factor),
          unit: 'kg',
          original: { value: w.value, unit: w.unit },
        };
  const at = ctx.receivedAt.toISOString();
  return {
    id: newUuidV7(ctx.receivedAt.getTime()),
    clinicId: ctx.clinicId,
    kioskId: ctx.kioskId,
    device: {
      id: ctx.deviceId,
      protocol: ctx.protocol,
      ...(m.sequenceNumber !== undefined ? { sequenceNumber: m.sequenceNumber } : {}),
    },
    ...(ctx.sessionId ? { sessionId: ctx.sessionId } : {}),
    ...(ctx.patientId ? { patientId: ctx.patientId } : {}),
    kind: 'weight',
    measuredAt: at,
    receivedAt: at,
    timeSource: 'kiosk',
    values: [value],
    flags: [],
  };
}
