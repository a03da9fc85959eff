import type {
  FleetAlert,
  FleetAlertCount,
  FleetClinic,
  FleetKiosk,
  FleetOverview,
} from '@klinik-desa/protocol';
import { clinicAlerts, kioskAlerts } from './alerts.js';
import type { ClinicFacts, FleetFacts, KioskFacts } from './facts.js';
import type { FleetThresholds } from './thresholds.js';

// Ids are ASCII (TopicSafeId): compared by code unit, which is many times cheaper than
// localeCompare at 5,000 kiosks.
export const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export const bySeverity = (a: FleetAlert, b: FleetAlert) =>
  (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1) ||
  byId(a.kioskId ?? '', b.kioskId ?? '');

/** An answer's clinics by id, each made empty the first time it is asked for. */
export function clinicTable(): {
  clinics: Map<string, FleetClinic>;
  clinicOf: (clinicId: string) => FleetClinic;
} {
  const clinics = new Map<string, FleetClinic>();
  const clinicOf = (clinicId: string): FleetClinic => {
    let c = clinics.get(clinicId);
    if (!c) {
      c = {
        clinicId,
        kiosks: [],
        kioskCount: 0,
        kiosksOnline: 0,
        kiosksOffline: 0,
        outboxBacklog: 0,
        oldestUnconfirmedAgeSeconds: null,
        alertCounts: [],
        satusehatFailures: [],
        openReferrals: { count: 0, oldestAt: null },
        alerts: [],
      };
      clinics.set(clinicId, c);
    }
    return c;
  };
  return { clinics, clinicOf };
}

function kioskView(k: KioskFacts, now: number): FleetKiosk {
  const box = k.status?.outbox;
  const oldestAt = box && box.depth > 0 ? (box.oldestAt ?? null) : null;
  return {
    kioskId: k.kioskId,
    name: k.name,
    state: k.state,
    lastSeenAt: k.lastSeenAt,
    outboxBacklog: box ? box.depth : null,
    outboxNearlyFull: box?.nearlyFull ?? false,
    oldestUnconfirmedAt: oldestAt,
    oldestUnconfirmedAgeSeconds: oldestAt === null ? null : Math.round((now - Date.parse(oldestAt)) / 1000),
    clockSkewSeconds: k.clockSkewMs === null ? null : Math.round(k.clockSkewMs / 1000),
    devices: (k.status?.devices ?? []).map((d) => ({
      id: d.id,
      protocol: d.protocol,
      state: d.state,
      errors: Object.values(d.errors).reduce((n, e) => n + e, 0),
    })),
    last24h: { ...k.recent },
  };
}

/** What a clinic's figures add up to, from its kiosks and its alerts. */
function tally(c: FleetClinic, views: FleetKiosk[]): void {
  c.kioskCount = views.length;
  for (const k of views) {
    if (k.state === 'online') c.kiosksOnline += 1;
    else if (k.state === 'offline') c.kiosksOffline += 1;
    c.outboxBacklog += k.outboxBacklog ?? 0;
    const age = k.oldestUnconfirmedAgeSeconds;
    if (age !== null && (c.oldestUnconfirmedAgeSeconds === null || age > c.oldestUnconfirmedAgeSeconds)) {
      c.oldestUnconfirmedAgeSeconds = age;
    }
  }
  c.alertCounts = countAlerts(c.alerts.map((a) => ({ code: a.code, severity: a.severity, count: 1 })));
}

/** Alert counts added up by code and severity, critical first, then by code. */
export function countAlerts(parts: FleetAlertCount[]): FleetAlertCount[] {
  const counts = new Map<string, FleetAlertCount>();
  for (const a of parts) {
    if (a.count === 0) continue;
    const key = `${a.code} ${a.severity}`;
    const n = counts.get(key);
    if (n) n.count += a.count;
    else counts.set(key, { ...a });
  }
  return [...counts.values()].sort(
    (a, b) => (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1) || byId(a.code, b.code),
  );
}

export interface OverviewOptions {
  /** The cursor of the page after this one, null on the last. */
  nextCursor?: string | null | undefined;
}

/**
 * The fleet as the page and the API show it, at `now`: every clinic of the facts (those with
 * kiosks, and those with only failures or referrals), its kiosks in id order, its alerts critical
 * first, and what they add up to.
 */
export function fleetOverview(
  facts: FleetFacts,
  now: Date,
  t: FleetThresholds,
  options: OverviewOptions = {},
): FleetOverview {
  const at = now.getTime();
  const { clinics, clinicOf } = clinicTable();
  for (const k of facts.kiosks) {
    const c = clinicOf(k.clinicId);
    c.kiosks.push(kioskView(k, at));
    c.alerts.push(...kioskAlerts(k, at, t));
  }
  for (const f of facts.clinics satisfies ClinicFacts[]) {
    const c = clinicOf(f.clinicId);
    c.satusehatFailures = f.satusehatFailures;
    c.openReferrals = f.openReferrals;
    c.alerts.push(...clinicAlerts(f, at, t));
  }
  const list = [...clinics.values()].sort((a, b) => byId(a.clinicId, b.clinicId));
  for (const c of list) {
    c.kiosks.sort((a, b) => byId(a.kioskId, b.kioskId));
    c.alerts.sort(bySeverity);
    tally(c, c.kiosks);
  }
  return { at: now.toISOString(), clinics: list, nextCursor: options.nextCursor ?? null };
}
