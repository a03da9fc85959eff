import { type KioskEvent, newUuidV7 } from '@klinik-desa/protocol';
import { expect, it } from 'vitest';
import { EVERY_CLINIC } from '../domain/access.js';
import { hashSecret } from '../domain/secrets.js';
import { bpReading, nik, URGENT_BP } from '../testing/fixtures.js';
import type { SqlClinicStore } from './sql-store.js';

const CLINIC = 'clinic-fleet';
const OTHER = 'clinic-fleet-other';
const T0 = '2026-12-07T10:00:00.000Z';

/**
 * The fleet part of the record contract: the facts the fleet view is computed from, in a few
 * queries, held to the caller's clinics. Its clinics are its own.
 */
export function fleetContract(store: () => SqlClinicStore) {
  it("gives every kiosk of the caller's clinics with its status, clock skew and last day's event counts", async () => {
    const s = store();
    for (const [clinicId, kioskId] of [
      [CLINIC, 'kiosk-f1'],
      [CLINIC, 'kiosk-f2'],
      [OTHER, 'kiosk-f9'],
    ] as const) {
      await s.registerKiosk(
        { clinicId, kioskId, name: `Pos ${kioskId}` },
        `kiosk.${clinicId}.${kioskId}`,
        hashSecret('s'),
        T0,
      );
    }
    // The kiosk's clock runs 7 minutes ahead of the server's.
    const status = {
      state: 'online' as const,
      clinicId: CLINIC,
      kioskId: 'kiosk-f1',
      at: '2026-12-07T11:07:00.000Z',
      outbox: { depth: 12, capacity: 1000, oldestAt: '2026-12-06T08:00:00.000Z', nearlyFull: false },
    };
    expect(await s.recordKioskStatus(status, '2026-12-07T11:00:00.000Z')).toBe(true);
    const ev = (type: KioskEvent['type'], extra: Partial<KioskEvent> = {}): KioskEvent => ({
      id: newUuidV7(),
      clinicId: CLINIC,
      kioskId: 'kiosk-f1',
      at: T0,
      type,
      ...extra,
    });
    // Received before the window: not counted.
    await s.recordKioskEvent(ev('driver-failed', { code: 'DRIVER_TIMEOUT' }), '2026-12-05T11:00:00.000Z');
    await s.recordKioskEvent(
      ev('decode-errors', { code: 'BAD_CHECKSUM', count: 7 }),
      '2026-12-07T11:00:00.000Z',
    );
    await s.recordKioskEvent(
      ev('decode-errors', { code: 'TRUNCATED', count: 2 }),
      '2026-12-07T11:01:00.000Z',
    );
    await s.recordKioskEvent(ev('device-lost', { deviceId: 'scale-1' }), '2026-12-07T11:02:00.000Z');

    const mine = { all: false as const, clinicIds: [CLINIC] };
    const facts = await s.fleetFacts({ recentSince: '2026-12-06T12:00:00.000Z' }, mine);
    const byId = Object.fromEntries(facts.kiosks.map((k) => [k.kioskId, k]));
    expect(Object.keys(byId).sort()).toEqual(['kiosk-f1', 'kiosk-f2']);
    expect(byId['kiosk-f1']).toMatchObject({
      clinicId: CLINIC,
      name: 'Pos kiosk-f1',
      state: 'online',
      lastSeenAt: '2026-12-07T11:02:00.000Z',
      status,
      clockSkewMs: 7 * 60_000,
      recent: { decodeErrors: 9, driverFailures: 0, devicesLost: 1 },
    });
    expect(byId['kiosk-f2']).toMatchObject({
      state: 'unknown',
      lastSeenAt: null,
      status: null,
      clockSkewMs: null,
    });

    // Another clinic's caller sees none of it, even naming the clinic.
    const other = { all: false as const, clinicIds: [OTHER] };
    const theirs = await s.fleetFacts({ clinicId: CLINIC, recentSince: T0 }, other);
    expect(theirs).toEqual({ kiosks: [], clinics: [] });
    const one = await s.fleetFacts({ clinicId: OTHER, recentSince: T0 }, EVERY_CLINIC);
    expect(one.kiosks.map((k) => k.kioskId)).toEqual(['kiosk-f9']);
  });

  it('counts the SATUSEHAT sends given up by reason, and the referrals still open, per clinic', async () => {
    const s = store();
    const patient = await s.createPatient(
      { nik: nik(4401), name: 'Wati', birthDate: '1970-01-01', sex: 'female' },
      newUuidV7(),
      T0,
      CLINIC,
    );
    const failures = [
      { outcome: 'failed' as const, httpStatus: 400, detail: { resourceType: 'OperationOutcome' } },
      { outcome: 'failed' as const, httpStatus: 400, detail: 'bad request' },
      { outcome: 'failed' as const, httpStatus: null, detail: { code: 'NO_IHS_NUMBER', message: 'x' } },
      { outcome: 'sent' as const, httpStatus: 200 },
    ];
    for (const result of failures) {
      const screening = await s.createScreening(
        {
          patientId: patient.id,
          clinicId: CLINIC,
          kioskId: 'kiosk-f1',
          practitioner: null,
          practitionerId: null,
        },
        newUuidV7(),
        T0,
      );
      await s.finishScreening(screening.id, T0, true);
      await s.recordForwarding(screening.id, result, T0);
    }
    await s.ingestReadings([bpReading({ clinicId: CLINIC, kioskId: 'kiosk-f1' }, [URGENT_BP])]);
    const open = await s.listReferrals({ clinicId: CLINIC, status: 'open' }, { limit: 9 }, EVERY_CLINIC);
    expect(open.data).toHaveLength(1);

    const facts = await s.fleetFacts({ clinicId: CLINIC, recentSince: T0 }, EVERY_CLINIC);
    expect(facts.clinics).toEqual([
      {
        clinicId: CLINIC,
        satusehatFailures: [
          { reason: 'HTTP_400', count: 2 },
          { reason: 'NO_IHS_NUMBER', count: 1 },
        ],
        openReferrals: { count: 1, oldestAt: open.data[0]!.createdAt },
      },
    ]);
  });
}
