import { type KioskEvent, newUuidV7 } from '@klinik-desa/protocol';
import { expect, it } from 'vitest';
import { EVERY_CLINIC } from '../domain/access.js';
import { hashSecret } from '../domain/secrets.js';
import { DEFAULT_FLEET_THRESHOLDS, fleetOverview, fleetSummary, summaryCutoffs } from '../fleet/index.js';
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

  it("counts in the summary what the full view's alerts add up to, and pages clinics in id order", async () => {
    const s = store();
    const now = new Date('2026-12-07T12:30:00.000Z');
    const clinics = ['clinic-sum-a', 'clinic-sum-b', 'clinic-sum-c'];
    const long = '2026-11-01T00:00:00.000Z';
    for (const clinicId of clinics) {
      for (const kioskId of ['k1', 'k2', 'k3', 'k4']) {
        await s.registerKiosk(
          { clinicId, kioskId, name: null },
          `kiosk.${clinicId}.${kioskId}`,
          hashSecret('s'),
          long,
        );
      }
    }
    const device = (id: string, state: 'connected' | 'failed') => ({
      id,
      protocol: 'and-scale',
      state,
      errors: {},
    });
    const status = (clinicId: string, kioskId: string, at: string, extra: object) => ({
      state: 'online' as const,
      clinicId,
      kioskId,
      at,
      ...extra,
    });
    // a: k1 silent with an old backlog and two failed devices; k2 nearly full, its clock 9 min ahead;
    // k3 with a full disk and 21 decode errors in the window (15 of them in its first, partial
    // hour); k4 never heard. b: k1 with 19 decode errors (under the threshold). c: nothing at all.
    const [a, b] = clinics as [string, string];
    // Events first: each moves its kiosk's last contact, the statuses after them too.
    const errors = async (clinicId: string, kioskId: string, count: number, receivedAt: string) =>
      s.recordKioskEvent(
        {
          id: newUuidV7(),
          clinicId,
          kioskId,
          at: receivedAt,
          type: 'decode-errors',
          code: 'BAD_CHECKSUM',
          count,
        },
        receivedAt,
      );
    await errors(a, 'k3', 40, '2026-12-06T12:10:00.000Z');
    await errors(a, 'k3', 15, '2026-12-06T12:40:00.000Z');
    await errors(a, 'k3', 6, '2026-12-07T09:00:00.000Z');
    await errors(b, 'k1', 19, '2026-12-07T10:00:00.000Z');

    await s.recordKioskStatus(
      status(a, 'k1', '2026-12-07T09:00:00.000Z', {
        outbox: { depth: 3, capacity: 100, oldestAt: '2026-12-05T09:00:00.000Z', nearlyFull: false },
        devices: [device('d1', 'failed'), device('d2', 'failed'), device('d3', 'connected')],
      }),
      '2026-12-07T09:00:00.000Z',
    );
    await s.recordKioskStatus(
      status(a, 'k2', '2026-12-07T12:29:00.000Z', {
        outbox: { depth: 90, capacity: 100, oldestAt: '2026-12-07T12:00:00.000Z', nearlyFull: true },
      }),
      '2026-12-07T12:20:00.000Z',
    );
    await s.recordKioskStatus(
      status(a, 'k3', '2026-12-07T12:20:00.000Z', {
        disk: { state: 'full', freeBytes: 0, outboxBytes: 10, held: 0, dropped: 0 },
      }),
      '2026-12-07T12:20:00.000Z',
    );
    const t = DEFAULT_FLEET_THRESHOLDS;
    const recentSince = new Date(now.getTime() - 86_400_000).toISOString();
    const full = fleetOverview(await s.fleetFacts({ recentSince }, EVERY_CLINIC), now, t);
    const summary = fleetSummary(
      await s.fleetSummary({}, summaryCutoffs(now, t, 86_400_000), EVERY_CLINIC),
      now,
      t,
      null,
    );
    const ours = (view: typeof full) => view.clinics.filter((c) => clinics.includes(c.clinicId));
    const figures = (view: typeof full) => ours(view).map(({ kiosks: _, alerts: __, ...rest }) => rest);
    expect(figures(summary)).toEqual(figures(full));
    const [sa] = ours(full);
    expect(sa!.alertCounts).toEqual([
      { code: 'DEVICE_FAILED', severity: 'critical', count: 2 },
      { code: 'DISK_FULL', severity: 'critical', count: 1 },
      { code: 'KIOSK_SILENT', severity: 'critical', count: 1 },
      { code: 'OUTBOX_BACKLOG_OLD', severity: 'critical', count: 1 },
      { code: 'OUTBOX_NEARLY_FULL', severity: 'critical', count: 1 },
      { code: 'CLOCK_SKEW', severity: 'warning', count: 1 },
      { code: 'DEVICE_ERRORS', severity: 'warning', count: 1 },
      { code: 'KIOSK_NEVER_HEARD', severity: 'warning', count: 1 },
    ]);
    expect(sa!.kiosks.find((k) => k.kioskId === 'k3')!.last24h.decodeErrors).toBe(21);
    expect(ours(summary).every((c) => c.kiosks.length === 0)).toBe(true);

    // Pages of clinic ids, in id order, held to the caller's clinics.
    const mine = { all: false as const, clinicIds: clinics };
    expect(await s.fleetClinicIds({ limit: 2 }, mine)).toEqual([a, b]);
    expect(await s.fleetClinicIds({ after: b, limit: 2 }, mine)).toEqual([clinics[2]]);
    expect(await s.fleetClinicIds({ limit: 5 }, { all: false, clinicIds: [b, 'clinic-none'] })).toEqual([b]);
  });
}
