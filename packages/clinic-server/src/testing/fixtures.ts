import { type Flag, newUuidV7, type Reading } from '@klinik-desa/protocol';

let clock = Date.UTC(2026, 10, 23, 2, 0, 0);

/** A valid blood-pressure reading; each call gets a new id and a later time. */
export function bpReading(overrides: Partial<Reading> = {}, flags: Flag[] = []): Reading {
  clock += 1000;
  const at = new Date(clock).toISOString();
  return {
    id: newUuidV7(clock),
    clinicId: 'clinic-1',
    kioskId: 'kiosk-1',
    device: { id: 'bp-1', protocol: 'gatt-2a35' },
    kind: 'blood-pressure',
    measuredAt: at,
    receivedAt: at,
    timeSource: 'kiosk',
    values: [
      { name: 'systolic', code: '8480-6', value: 128, unit: 'mm[Hg]' },
      { name: 'diastolic', code: '8462-4', value: 82, unit: 'mm[Hg]' },
    ],
    flags,
    ...overrides,
  };
}

export const URGENT_BP: Flag = {
  code: 'bp.grade-3',
  severity: 'urgent',
  value: 'systolic',
  rules: 'ilp-2024.1',
};
export const ATTENTION: Flag = { code: 'bp.high-normal', severity: 'attention' };

/** Digits that pass the NIK structure check: province 32, born 12-05-1980, serial `n`. */
export function nik(n: number): string {
  return `320101120580${String(n).padStart(4, '0')}`;
}
