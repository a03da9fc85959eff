import { newUuidV7, type Reading } from '@klinik-desa/protocol';

/**
 * A valid 70 kg scale reading from `kioskId`, measured now, with a new id on every call: what the
 * broker and ingest tests publish when only who sends it, and where, matters.
 */
export function weightReading(clinicId: string, kioskId: string): Reading {
  const at = new Date().toISOString();
  return {
    id: newUuidV7(),
    clinicId,
    kioskId,
    device: { id: 'scale-1', protocol: 'ad-scale' },
    kind: 'weight',
    measuredAt: at,
    receivedAt: at,
    timeSource: 'kiosk',
    values: [{ name: 'weight', code: '29463-7', value: 70, unit: 'kg' }],
    flags: [],
  };
}

/** A valid 184/112 mmHg blood pressure from `kioskId`, measured now, new id each call; no flags unless given. */
export function bloodPressureReading(
  clinicId: string,
  kioskId: string,
  overrides: Partial<Reading> = {},
): Reading {
  const at = new Date().toISOString();
  return {
    id: newUuidV7(),
    clinicId,
    kioskId,
    device: { id: 'bp-1', protocol: 'gatt-2a35' },
    kind: 'blood-pressure',
    measuredAt: at,
    receivedAt: at,
    timeSource: 'kiosk',
    values: [
      { name: 'systolic', code: '8480-6', value: 184, unit: 'mm[Hg]' },
      { name: 'diastolic', code: '8462-4', value: 112, unit: 'mm[Hg]' },
    ],
    flags: [],
    ...overrides,
  };
}
