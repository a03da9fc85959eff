import type { FleetAlertCode, FleetOverview } from '@klinik-desa/protocol';
import { clinicAlerts } from './alerts.js';
import type { ClinicKioskCounts, FleetSummaryFacts, SummaryCutoffs } from './facts.js';
import { byId, bySeverity, clinicTable, countAlerts } from './overview.js';
import type { FleetThresholds } from './thresholds.js';

/** The severity of each kiosk alert, as `kioskAlerts` gives it. */
const SEVERITY: Record<keyof ClinicKioskCounts['alerts'], 'critical' | 'warning'> = {
  KIOSK_SILENT: 'critical',
  KIOSK_NEVER_HEARD: 'warning',
  OUTBOX_BACKLOG_OLD: 'critical',
  OUTBOX_NEARLY_FULL: 'critical',
  CLOCK_SKEW: 'warning',
  DEVICE_FAILED: 'critical',
  DEVICE_ERRORS: 'warning',
  DISK_FULL: 'critical',
};

/** The moments the thresholds put the summary's alert counts at, seen from `now`. */
export function summaryCutoffs(now: Date, t: FleetThresholds, windowMs: number): SummaryCutoffs {
  const at = now.getTime();
  return {
    silentBefore: new Date(at - t.silentAfterMs).toISOString(),
    backlogBefore: new Date(at - t.backlogOldestMs).toISOString(),
    clockSkewMs: t.clockSkewMs,
    decodeErrors: t.decodeErrorsPerDay,
    recentSince: new Date(at - windowMs).toISOString(),
  };
}

/**
 * The fleet summary at `now`: per clinic its kiosks counted (by state, backlog, oldest unconfirmed
 * reading, alerts by code), its own alerts in full (SATUSEHAT, referrals), no kiosk one by one.
 * Its counts are those the full view's alerts add up to: the fleet tests hold the two together.
 */
export function fleetSummary(
  facts: FleetSummaryFacts,
  now: Date,
  t: FleetThresholds,
  nextCursor: string | null,
): FleetOverview {
  const at = now.getTime();
  const { clinics, clinicOf } = clinicTable();
  for (const k of facts.kiosks) {
    const c = clinicOf(k.clinicId);
    c.kioskCount = k.kiosks;
    c.kiosksOnline = k.online;
    c.kiosksOffline = k.offline;
    c.outboxBacklog = k.backlog;
    c.oldestUnconfirmedAgeSeconds =
      k.oldestUnconfirmedAt === null ? null : Math.round((at - Date.parse(k.oldestUnconfirmedAt)) / 1000);
    c.alertCounts = Object.entries(k.alerts).map(([code, count]) => ({
      code: code as FleetAlertCode,
      severity: SEVERITY[code as keyof ClinicKioskCounts['alerts']],
      count,
    }));
  }
  for (const f of facts.clinics) {
    const c = clinicOf(f.clinicId);
    c.satusehatFailures = f.satusehatFailures;
    c.openReferrals = f.openReferrals;
    c.alerts = clinicAlerts(f, at, t);
  }
  const list = [...clinics.values()].sort((a, b) => byId(a.clinicId, b.clinicId));
  for (const c of list) {
    c.alerts.sort(bySeverity);
    c.alertCounts = countAlerts([
      ...c.alertCounts,
      ...c.alerts.map((a) => ({ code: a.code, severity: a.severity, count: 1 })),
    ]);
  }
  return { at: now.toISOString(), clinics: list, nextCursor };
}
