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
