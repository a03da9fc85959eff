import type { FleetOverview } from '@klinik-desa/protocol';
import { Gauge, type Registry } from 'prom-client';
import type { FleetFacts } from './facts.js';
import { fleetOverview } from './overview.js';
import type { FleetThresholds } from './thresholds.js';

export interface FleetMetricsOptions {
  registry: Registry;
  /** Reads the facts of every clinic (the server's own look: every clinic). */
  facts: () => Promise<FleetFacts>;
  now: () => Date;
  thresholds: FleetThresholds;
  /** One read of the record serves every gauge of a scrape, and scrapes this close together. Default 5 s. */
  reuseMs?: number;
}

const CLINIC = ['clinic'] as const;
const KIOSK = ['clinic', 'kiosk'] as const;

/** Every fleet gauge: its name, its help and its labels. */
const GAUGES = {
  kiosks: [
    'kd_fleet_kiosks',
    'Registered kiosks by clinic and state (online, offline, unknown).',
    ['clinic', 'state'],
  ],
  backlog: [
    'kd_fleet_outbox_backlog_readings',
    "Readings in the clinic's kiosk outboxes not yet confirmed, as the kiosks last reported.",
    CLINIC,
  ],
  oldest: [
    'kd_fleet_oldest_unconfirmed_age_seconds',
    "Age of the oldest unconfirmed reading in any of the clinic's kiosk outboxes (0 when none).",
    CLINIC,
  ],
  failed: [
    'kd_fleet_satusehat_failed_screenings',
    'Screenings SATUSEHAT did not take and that are no longer retried, by clinic and reason.',
    ['clinic', 'reason'],
  ],
  referrals: ['kd_fleet_open_referrals', 'Referrals not yet acknowledged, by clinic.', CLINIC],
  alerts: [
    'kd_fleet_alerts',
    'Alerts of the fleet view, by clinic, code and severity.',
    ['clinic', 'code', 'severity'],
  ],
  lastSeen: [
    'kd_kiosk_last_seen_timestamp_seconds',
    'When the clinic last heard from the kiosk (absent for a kiosk never heard).',
    KIOSK,
  ],
  kioskBacklog: [
    'kd_kiosk_outbox_backlog_readings',
    "Readings in the kiosk's outbox not yet confirmed, from its last status.",
    KIOSK,
  ],
  kioskOldest: [
    'kd_kiosk_oldest_unconfirmed_timestamp_seconds',
    "When the oldest unconfirmed reading in the kiosk's outbox was made (absent when the outbox is empty).",
    KIOSK,
  ],
  nearlyFull: ['kd_kiosk_outbox_nearly_full', "1 when the kiosk's outbox is near its cap.", KIOSK],
  skew: [
    'kd_kiosk_clock_skew_seconds',
    "The kiosk's clock minus the server's at its last online status.",
    KIOSK,
  ],
  devicesFailed: ['kd_kiosk_devices_failed', 'Devices of the kiosk in the failed state.', KIOSK],
} as const satisfies Record<string, readonly [string, string, readonly string[]]>;

type Gauges = { [K in keyof typeof GAUGES]: Gauge<string> };

const seconds = (iso: string) => Date.parse(iso) / 1000;

/** Sets every gauge from the view; they were reset before. */
function fill(g: Gauges, view: FleetOverview): void {
  for (const c of view.clinics) {
    const clinic = c.clinicId;
    // The clinic's gauges are its figures as the summary gives them; the kiosks' are its kiosks.
    const unknown = c.kioskCount - c.kiosksOnline - c.kiosksOffline;
    g.kiosks.set({ clinic, state: 'online' }, c.kiosksOnline);
    g.kiosks.set({ clinic, state: 'offline' }, c.kiosksOffline);
    g.kiosks.set({ clinic, state: 'unknown' }, unknown);
    g.backlog.set({ clinic }, c.outboxBacklog);
    g.oldest.set({ clinic }, c.oldestUnconfirmedAgeSeconds ?? 0);
    for (const f of c.satusehatFailures) g.failed.set({ clinic, reason: f.reason }, f.count);
    g.referrals.set({ clinic }, c.openReferrals.count);
    for (const a of c.alertCounts) g.alerts.set({ clinic, code: a.code, severity: a.severity }, a.count);
    for (const k of c.kiosks) {
      const labels = { clinic, kiosk: k.kioskId };
      if (k.lastSeenAt !== null) g.lastSeen.set(labels, seconds(k.lastSeenAt));
      if (k.outboxBacklog !== null) g.kioskBacklog.set(labels, k.outboxBacklog);
      if (k.oldestUnconfirmedAt !== null) g.kioskOldest.set(labels, seconds(k.oldestUnconfirmedAt));
      g.nearlyFull.set(labels, k.outboxNearlyFull ? 1 : 0);
      if (k.clockSkewSeconds !== null) g.skew.set(labels, k.clockSkewSeconds);
      g.devicesFailed.set(labels, k.devices.filter((d) => d.state === 'failed').length);
    }
  }
}

/**
 * The fleet's gauges, computed from the record at scrape time: per clinic (kiosks by state, backlog,
 * oldest unconfirmed reading, SATUSEHAT sends given up by reason, open referrals, alerts by code)
 * and per kiosk (last heard, backlog, oldest unconfirmed reading, clock skew, failed devices), so
 * that alert rules can name the kiosk. Every scrape rewrites them: a kiosk gone leaves no series.
 */
export function registerFleetMetrics(options: FleetMetricsOptions): void {
  const { registry } = options;
  const reuseMs = options.reuseMs ?? 5000;
  // One read serves every gauge of a scrape (their collects start together, while it runs) and
  // the scrapes within reuseMs after it ends; a clock tick is not a scrape's boundary.
  let last: { endedAt?: number; done: Promise<void> } | undefined;
  const collect = () => refresh();
  const gauges = Object.fromEntries(
    Object.entries(GAUGES).map(([key, [name, help, labelNames]]) => [
      key,
      new Gauge({ name, help, labelNames, registers: [registry], collect }),
    ]),
  ) as Gauges;
  const ok = new Gauge({
    name: 'kd_fleet_facts_ok',
    help: 'Whether the last scrape could read the fleet from the record (1) or not (0: the fleet gauges are empty).',
    registers: [registry],
    collect,
  });

  async function read(): Promise<void> {
    for (const g of Object.values(gauges)) g.reset();
    let facts: FleetFacts;
    try {
      facts = await options.facts();
    } catch {
      // The record's own trouble shows on /healthz; the scrape still answers with the rest.
      ok.set(0);
      return;
    }
    ok.set(1);
    fill(gauges, fleetOverview(facts, options.now(), options.thresholds));
  }

  function refresh(): Promise<void> {
    const running = last !== undefined && last.endedAt === undefined;
    if (!running && (last?.endedAt === undefined || Date.now() - last.endedAt >= reuseMs)) {
      const entry: { endedAt?: number; done: Promise<void> } = { done: Promise.resolve() };
      entry.done = read().finally(() => {
        entry.endedAt = Date.now();
      });
      last = entry;
    }
    return (last as { done: Promise<void> }).done;
  }
}
