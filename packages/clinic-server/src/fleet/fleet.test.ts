import type { KioskStatus } from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import type { ClinicFacts, KioskFacts } from './facts.js';
import { fleetOverview, fleetThresholds, kioskAlerts, span, DEFAULT_FLEET_THRESHOLDS as T } from './index.js';

const NOW = new Date('2026-12-07T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;

function kiosk(extra: Partial<KioskFacts> = {}, status: Partial<KioskStatus> = {}): KioskFacts {
  return {
    clinicId: 'clinic-a',
    kioskId: 'kiosk-1',
    name: null,
    registeredAt: ago(30 * 24 * HOUR),
    state: 'online',
    lastSeenAt: ago(MIN),
    status: { state: 'online', clinicId: 'clinic-a', kioskId: 'kiosk-1', at: ago(MIN), ...status },
    clockSkewMs: 1000,
    recent: { decodeErrors: 0, driverFailures: 0, devicesLost: 0 },
    ...extra,
  };
}
const codes = (k: KioskFacts) => kioskAlerts(k, NOW.getTime(), T).map((a) => a.code);

describe('fleet alerts', () => {
  it('a kiosk heard a minute ago, with an empty outbox and a good clock, has none', () => {
    expect(codes(kiosk({}, { outbox: { depth: 0, capacity: 100, nearlyFull: false } }))).toEqual([]);
  });

  it('a kiosk silent past an hour is critical and tells the worker to check power and network', () => {
    expect(codes(kiosk({ lastSeenAt: ago(HOUR) }))).toEqual([]);
    const [alert] = kioskAlerts(
      kiosk({ lastSeenAt: ago(HOUR + 5 * MIN), state: 'offline' }),
      NOW.getTime(),
      T,
    );
    expect(alert).toMatchObject({ code: 'KIOSK_SILENT', severity: 'critical', kioskId: 'kiosk-1' });
    expect(alert!.message.id).toBe('Kiosk tidak terdengar selama 1 jam 5 menit.');
    expect(alert!.message.en).toBe('The kiosk has not been heard for 1 h 5 min.');
    expect(alert!.action.id).toMatch(/^Periksa listrik dan jaringan kiosk/);
  });

  it('a kiosk never heard is a warning only once it has had an hour to connect', () => {
    const fresh = kiosk({ lastSeenAt: null, status: null, state: 'unknown', registeredAt: ago(10 * MIN) });
    expect(codes(fresh)).toEqual([]);
    expect(codes({ ...fresh, registeredAt: ago(3 * 24 * HOUR) })).toEqual(['KIOSK_NEVER_HEARD']);
  });

  it('an outbox whose oldest reading is past a day old, or nearly full, is critical', () => {
    const old = kiosk(
      {},
      { outbox: { depth: 40, capacity: 50, oldestAt: ago(25 * HOUR), nearlyFull: true } },
    );
    const alerts = kioskAlerts(old, NOW.getTime(), T);
    expect(alerts.map((a) => a.code)).toEqual(['OUTBOX_BACKLOG_OLD', 'OUTBOX_NEARLY_FULL']);
    expect(alerts[0]!.message.id).toContain('25 jam (40 pembacaan menunggu)');
    // An outbox emptied since keeps no age, whatever its last oldestAt said.
    expect(
      codes(kiosk({}, { outbox: { depth: 0, capacity: 50, oldestAt: ago(48 * HOUR), nearlyFull: false } })),
    ).toEqual([]);
  });

  it('a clock off by more than five minutes either way is a warning saying which way', () => {
    expect(codes(kiosk({ clockSkewMs: 5 * MIN }))).toEqual([]);
    const behind = kioskAlerts(kiosk({ clockSkewMs: -(2 * HOUR) }), NOW.getTime(), T)[0]!;
    expect(behind.code).toBe('CLOCK_SKEW');
    expect(behind.message.id).toBe('Jam kiosk lebih lambat 2 jam dari server klinik.');
    expect(behind.message.en).toBe("The kiosk's clock is 2 h behind the clinic server.");
  });

  it('a failed device is named; many decode errors and a full disk are their own alerts', () => {
    const k = kiosk(
      { recent: { decodeErrors: 20, driverFailures: 0, devicesLost: 1 } },
      {
        devices: [
          { id: 'scale-1', protocol: 'and-scale', state: 'failed', errors: { BAD_CHECKSUM: 4 } },
          { id: 'spo2-1', protocol: 'cms50', state: 'connected', errors: {} },
        ],
        disk: { state: 'full', freeBytes: 0, outboxBytes: 10, held: 0, dropped: 0 },
      },
    );
    const alerts = kioskAlerts(k, NOW.getTime(), T);
    expect(alerts.map((a) => [a.code, a.deviceId])).toEqual([
      ['DEVICE_FAILED', 'scale-1'],
      ['DEVICE_ERRORS', null],
      ['DISK_FULL', null],
    ]);
  });

  it('spans read as a person says them', () => {
    expect(span(59 * 1000)).toEqual({ id: '0 menit', en: '0 min' });
    expect(span(3 * HOUR)).toEqual({ id: '3 jam', en: '3 h' });
    expect(span(-(49 * HOUR))).toEqual({ id: '2 hari', en: '2 days' });
  });

  it('a threshold that is not a positive number is refused, naming it', () => {
    expect(() => fleetThresholds({ silentAfterMs: 0 })).toThrow(/silentAfterMs is 0: give a positive number/);
    expect(fleetThresholds({ clockSkewMs: 1000 }).clockSkewMs).toBe(1000);
  });
});

describe('fleet overview', () => {
  it('groups kiosks by clinic, counts the online ones, and puts critical alerts first', () => {
    const clinic: ClinicFacts = {
      clinicId: 'clinic-a',
      satusehatFailures: [{ reason: 'PATIENT_NOT_FOUND', count: 2 }],
      openReferrals: { count: 3, oldestAt: ago(30 * HOUR) },
    };
    const view = fleetOverview(
      {
        kiosks: [
          kiosk({ kioskId: 'kiosk-2', clockSkewMs: 10 * MIN }),
          kiosk({ kioskId: 'kiosk-1', state: 'offline', lastSeenAt: ago(2 * HOUR) }),
          kiosk({ clinicId: 'clinic-b', kioskId: 'kiosk-9' }),
        ],
        clinics: [clinic],
      },
      NOW,
      T,
    );
    expect(view.at).toBe(NOW.toISOString());
    expect(view.clinics.map((c) => [c.clinicId, c.kiosks.map((k) => k.kioskId), c.kiosksOnline])).toEqual([
      ['clinic-a', ['kiosk-1', 'kiosk-2'], 1],
      ['clinic-b', ['kiosk-9'], 1],
    ]);
    const a = view.clinics[0]!;
    expect(a.alerts.map((x) => [x.code, x.kioskId])).toEqual([
      ['KIOSK_SILENT', 'kiosk-1'],
      ['SATUSEHAT_FAILURES', null],
      ['REFERRALS_WAITING', null],
      ['CLOCK_SKEW', 'kiosk-2'],
    ]);
    expect(a.alerts[1]!.message.id).toBe('2 pemeriksaan gagal dikirim ke SATUSEHAT: PATIENT_NOT_FOUND (2).');
    expect(a.kiosks[1]!.clockSkewSeconds).toBe(600);
  });
});
