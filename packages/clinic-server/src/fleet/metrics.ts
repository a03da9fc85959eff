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

const seconds = (iso: string) => Date.parse(iso) / 1000;

/**
 * The fleet's gauges, computed from the record at scrape time: per clinic (kiosks by state, backlog,
 * oldest unconfirmed reading, SATUSEHAT sends given up by reason, open referrals, alerts by code)
 * and per kiosk (last heard, backlog, oldest unconfirmed reading, clock skew, failed devices), so
 * that alert rules can name the kiosk. Every scrape rewrites them: a kiosk gone leaves no series.
 */
export function registerFleetMetrics(options: FleetMetricsOptions): void {
  const { registry } = options;
  const reuseMs = options.reuseMs ?? 5000;
  let last: { at: number; done: Promise<void> } | undefined;
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      collect: () => refresh(),
    });

  const kiosks = gauge(
    'kd_fleet_kiosks',
    'Registered kiosks by clinic and state (online, offline, unknown).',
    ['clinic', 'state'],
  );
  const backlog = gauge(
    'kd_fleet_outbox_backlog_readings',
    "Readings in the clinic's kiosk outboxes not yet confirmed, as the kiosks last reported.",
    ['clinic'],
  );
  const oldest = gauge(
    'kd_fleet_oldest_unconfirmed_age_seconds',
    "Age of the oldest unconfirmed reading in any of the clinic's kiosk outboxes (0 when none).",
    ['clinic'],
  );
  const failed = gauge(
    'kd_fleet_satusehat_failed_screenings',
    'Screenings SATUSEHAT did not take and that are no longer retried, by clinic and reason.',
    ['clinic', 'reason'],
  );
  const referrals = gauge('kd_fleet_open_referrals', 'Referrals not yet acknowledged, by clinic.', [
    'clinic',
  ]);
  const alerts = gauge('kd_fleet_alerts', 'Alerts of the fleet view, by clinic, code and severity.', [
    'clinic',
    'code',
    'severity',
  ]);
  const lastSeen = gauge(
    'kd_kiosk_last_seen_timestamp_seconds',
    'When the clinic last heard from the kiosk (absent for a kiosk never heard).',
    ['clinic', 'kiosk'],
  );
  const kioskBacklog = gauge(
    'kd_kiosk_outbox_backlog_readings',
    "Readings in the kiosk's outbox not yet confirmed, from its last status.",
    ['clinic', 'kiosk'],
  );
  const kioskOldest = gauge(
    'kd_kiosk_oldest_unconfirmed_timestamp_seconds',
    "When the oldest unconfirmed reading in the kiosk's outbox was made (absent when the outbox is empty).",
    ['clinic', 'kiosk'],
  );
  const nearlyFull = gauge('kd_kiosk_outbox_nearly_full', "1 when the kiosk's outbox is near its cap.", [
    'clinic',
    'kiosk',
  ]);
  const skew = gauge(
    'kd_kiosk_clock_skew_seconds',
    "The kiosk's clock minus the server's at its last online status.",
    ['clinic', 'kiosk'],
  );
  const devicesFailed = gauge('kd_kiosk_devices_failed', 'Devices of the kiosk in the failed state.', [
    'clinic',
    'kiosk',
  ]);
  const ok = new Gauge({
    name: 'kd_fleet_facts_ok',
    help: 'Whether the last scrape could read the fleet from the record (1) or not (0: the fleet gauges are empty).',
    registers: [registry],
    collect: () => refresh(),
  });
  const all = [
    kiosks,
    backlog,
    oldest,
    failed,
    referrals,
    alerts,
    lastSeen,
    kioskBacklog,
    kioskOldest,
    nearlyFull,
    skew,
    devicesFailed,
  ];

  async function fill(): Promise<void> {
    for (const g of all) g.reset();
    let facts: FleetFacts;
    try {
      facts = await options.facts();
    } catch {
      // The record's own trouble shows on /healthz; the scrape still answers with the rest.
      ok.set(0);
      return;
    }
    ok.set(1);
    const view = fleetOverview(facts, options.now(), options.thresholds);
    for (const c of view.clinics) {
      const clinic = c.clinicId;
      for (const state of ['online', 'offline', 'unknown'] as const) {
        kiosks.set({ clinic, state }, c.kiosks.filter((k) => k.state === state).length);
      }
      backlog.set(
        { clinic },
        c.kiosks.reduce((n, k) => n + (k.outboxBacklog ?? 0), 0),
      );
      oldest.set({ clinic }, Math.max(0, ...c.kiosks.map((k) => k.oldestUnconfirmedAgeSeconds ?? 0)));
      for (const f of c.satusehatFailures) failed.set({ clinic, reason: f.reason }, f.count);
      referrals.set({ clinic }, c.openReferrals.count);
      for (const a of c.alerts) alerts.inc({ clinic, code: a.code, severity: a.severity });
      for (const k of c.kiosks) {
        const labels = { clinic, kiosk: k.kioskId };
        if (k.lastSeenAt !== null) lastSeen.set(labels, seconds(k.lastSeenAt));
        if (k.outboxBacklog !== null) kioskBacklog.set(labels, k.outboxBacklog);
        if (k.oldestUnconfirmedAt !== null) kioskOldest.set(labels, seconds(k.oldestUnconfirmedAt));
        nearlyFull.set(labels, k.outboxNearlyFull ? 1 : 0);
        if (k.clockSkewSeconds !== null) skew.set(labels, k.clockSkewSeconds);
        devicesFailed.set(labels, k.devices.filter((d) => d.state === 'failed').length);
      }
    }
  }

  function refresh(): Promise<void> {
    const at = Date.now();
    if (!last || at - last.at > reuseMs) last = { at, done: fill() };
    return last.done;
  }
}
