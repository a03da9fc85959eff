import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { FleetFacts, KioskFacts } from './facts.js';
import { DEFAULT_FLEET_THRESHOLDS, registerFleetMetrics } from './index.js';

const NOW = new Date('2026-12-07T12:00:00.000Z');
const kiosk = (kioskId: string, extra: Partial<KioskFacts>): KioskFacts => ({
  clinicId: 'clinic-a',
  kioskId,
  name: null,
  registeredAt: '2026-11-01T00:00:00.000Z',
  state: 'online',
  lastSeenAt: '2026-12-07T11:59:00.000Z',
  status: null,
  clockSkewMs: null,
  recent: { decodeErrors: 0, driverFailures: 0, devicesLost: 0 },
  ...extra,
});

function setUp(facts: () => Promise<FleetFacts>) {
  const registry = new Registry();
  registerFleetMetrics({ registry, now: () => NOW, thresholds: DEFAULT_FLEET_THRESHOLDS, facts, reuseMs: 0 });
  return registry;
}

describe('fleet metrics', () => {
  it('are computed from the facts at scrape time, per clinic and per kiosk', async () => {
    let facts: FleetFacts = {
      kiosks: [
        kiosk('kiosk-1', {
          clockSkewMs: -420_000,
          status: {
            state: 'online',
            clinicId: 'clinic-a',
            kioskId: 'kiosk-1',
            at: '2026-12-07T11:59:00.000Z',
            outbox: { depth: 5, capacity: 100, oldestAt: '2026-12-07T11:00:00.000Z', nearlyFull: false },
            devices: [{ id: 'scale-1', protocol: 'and-scale', state: 'failed', errors: {} }],
          },
        }),
        kiosk('kiosk-2', { state: 'offline', lastSeenAt: '2026-12-07T09:00:00.000Z' }),
      ],
      clinics: [
        {
          clinicId: 'clinic-a',
          satusehatFailures: [{ reason: 'HTTP_400', count: 3 }],
          openReferrals: { count: 2, oldestAt: null },
        },
      ],
    };
    const registry = setUp(async () => facts);
    const text = await registry.metrics();
    expect(text).toContain('kd_fleet_kiosks{clinic="clinic-a",state="online"} 1');
    expect(text).toContain('kd_fleet_kiosks{clinic="clinic-a",state="offline"} 1');
    expect(text).toContain('kd_fleet_outbox_backlog_readings{clinic="clinic-a"} 5');
    expect(text).toContain('kd_fleet_oldest_unconfirmed_age_seconds{clinic="clinic-a"} 3600');
    expect(text).toContain('kd_fleet_satusehat_failed_screenings{clinic="clinic-a",reason="HTTP_400"} 3');
    expect(text).toContain('kd_fleet_open_referrals{clinic="clinic-a"} 2');
    expect(text).toContain('kd_fleet_alerts{clinic="clinic-a",code="KIOSK_SILENT",severity="critical"} 1');
    expect(text).toContain('kd_fleet_alerts{clinic="clinic-a",code="CLOCK_SKEW",severity="warning"} 1');
    expect(text).toContain(
      `kd_kiosk_last_seen_timestamp_seconds{clinic="clinic-a",kiosk="kiosk-2"} ${Date.parse('2026-12-07T09:00:00.000Z') / 1000}`,
    );
    expect(text).toContain('kd_kiosk_clock_skew_seconds{clinic="clinic-a",kiosk="kiosk-1"} -420');
    expect(text).toContain('kd_kiosk_devices_failed{clinic="clinic-a",kiosk="kiosk-1"} 1');
    expect(text).toContain('kd_fleet_facts_ok 1');

    // A kiosk gone from the record leaves no series at the next scrape.
    facts = { kiosks: [facts.kiosks[0]!], clinics: [] };
    const next = await registry.metrics();
    expect(next).not.toContain('kiosk="kiosk-2"');
    expect(next).not.toContain('kd_fleet_satusehat_failed_screenings{');
  });

  it('answer the scrape with the fleet gauges empty and facts_ok 0 when the record cannot be read', async () => {
    const registry = setUp(async () => {
      throw new Error('disk I/O error');
    });
    const text = await registry.metrics();
    expect(text).toContain('kd_fleet_facts_ok 0');
    expect(text).not.toContain('kd_fleet_kiosks{');
  });
});
