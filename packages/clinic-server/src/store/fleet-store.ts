import type { KioskStatus } from '@klinik-desa/protocol';
import { type ClinicAccess, clinicCondition } from '../domain/access.js';
import type {
  ClinicFacts,
  ClinicKioskCounts,
  FleetFacts,
  FleetSummaryFacts,
  KioskFacts,
  SummaryCutoffs,
} from '../fleet/facts.js';
import { HOUR_COLUMN } from './kiosk-activity-store.js';
import { where } from './query.js';
import type { SqlExecutor, SqlValue } from './sql.js';

/** Which part of the fleet to read: one clinic, a range of clinic ids, or all of `access`'s. */
export interface FleetFactsQuery {
  clinicId?: string | undefined;
  /** Clinic ids from `from` to `to`, both included: a page of clinics. */
  clinics?: { from: string; to: string } | undefined;
  /** Event counts are of the events received at or after this. */
  recentSince: string;
}

/** The facts of the fleet view, read in a few set-wide queries (never one per kiosk). */
export interface FleetStore {
  /**
   * Every kiosk of `access`'s clinics (of the query's clinic or range alone when given) with its
   * last status, and per clinic the SATUSEHAT sends given up and the referrals still open.
   */
  fleetFacts(query: FleetFactsQuery, access: ClinicAccess): Promise<FleetFacts>;
  /**
   * The same clinics counted, never their kiosks one by one: one aggregate over the kiosks'
   * figures kept at ingest, and the hourly event counts.
   */
  fleetSummary(
    query: Omit<FleetFactsQuery, 'recentSince'>,
    cutoffs: SummaryCutoffs,
    access: ClinicAccess,
  ): Promise<FleetSummaryFacts>;
  /**
   * The ids of the clinics the fleet view shows (those with kiosks, failed sends or open referrals)
   * of `access`'s, after `after`, in id order, at most `limit`.
   */
  fleetClinicIds(
    query: { clinicId?: string | undefined; after?: string | undefined; limit: number },
    access: ClinicAccess,
  ): Promise<string[]>;
}

interface SummaryRow {
  clinic_id: string;
  kiosks: number | string;
  online: number | string | null;
  offline: number | string | null;
  backlog: number | string | null;
  oldest: string | null;
  silent: number | string | null;
  never_heard: number | string | null;
  backlog_old: number | string | null;
  nearly_full: number | string | null;
  skewed: number | string | null;
  devices_failed: number | string | null;
  disk_full: number | string | null;
}

interface CountRow {
  clinic_id: string;
  kiosk_id: string;
  decode_errors: number | string;
  driver_failures: number | string;
  devices_lost: number | string;
}

interface KioskRow {
  clinic_id: string;
  kiosk_id: string;
  name: string | null;
  registered_at: string;
  state: string | null;
  last_seen_at: string | null;
  status: string | null;
  clock_skew_ms: number | string | null;
}

/**
 * Why a send was given up, short enough to count by: the record's own error code when the screening
 * could not be made into a Bundle, else SATUSEHAT's HTTP status.
 */
export function failureReason(httpStatus: number | null, outcome: string | null): string {
  if (outcome !== null) {
    try {
      const detail = JSON.parse(outcome) as { code?: unknown };
      if (httpStatus === null && typeof detail?.code === 'string') return detail.code;
    } catch {
      // A detail that is not JSON says nothing more than its status.
    }
  }
  return httpStatus === null ? 'UNKNOWN' : `HTTP_${httpStatus}`;
}

export class SqlFleetStore implements FleetStore {
  constructor(private readonly db: SqlExecutor) {}

  async fleetSummary(query: Omit<FleetFactsQuery, 'recentSince'>, cut: SummaryCutoffs, access: ClinicAccess) {
    const { scope, params } = this.scopeOf(query, access);
    const rows = await this.db.all<SummaryRow>(
      `SELECT clinic_id, COUNT(*) AS kiosks,
         SUM(CASE WHEN state = 'online' THEN 1 ELSE 0 END) AS online,
         SUM(CASE WHEN state = 'offline' THEN 1 ELSE 0 END) AS offline,
         SUM(COALESCE(outbox_depth, 0)) AS backlog,
         MIN(CASE WHEN outbox_depth > 0 THEN outbox_oldest_at END) AS oldest,
         SUM(CASE WHEN last_seen_at < ? THEN 1 ELSE 0 END) AS silent,
         SUM(CASE WHEN last_seen_at IS NULL AND registered_at < ? THEN 1 ELSE 0 END) AS never_heard,
         SUM(CASE WHEN outbox_depth > 0 AND outbox_oldest_at < ? THEN 1 ELSE 0 END) AS backlog_old,
         SUM(CASE WHEN outbox_depth IS NOT NULL AND outbox_nearly_full = 1 THEN 1 ELSE 0 END) AS nearly_full,
         SUM(CASE WHEN clock_skew_ms > ? OR clock_skew_ms < ? THEN 1 ELSE 0 END) AS skewed,
         SUM(devices_failed) AS devices_failed,
         SUM(disk_full) AS disk_full
       FROM kiosks WHERE 1 = 1${scope} GROUP BY clinic_id`,
      [cut.silentBefore, cut.silentBefore, cut.backlogBefore, cut.clockSkewMs, -cut.clockSkewMs, ...params],
    );
    const noisy = new Map<string, number>();
    const decode = new Map<string, number>();
    for (const e of await this.recentCounts(
      { ...query, recentSince: cut.recentSince },
      access,
      scope,
      params,
    )) {
      const key = `${e.clinic_id}/${e.kiosk_id}`;
      decode.set(key, (decode.get(key) ?? 0) + Number(e.decode_errors));
    }
    for (const [key, n] of decode) {
      if (n < cut.decodeErrors) continue;
      const clinicId = key.slice(0, key.indexOf('/'));
      noisy.set(clinicId, (noisy.get(clinicId) ?? 0) + 1);
    }
    const kiosks = rows.map(
      (r): ClinicKioskCounts => ({
        clinicId: r.clinic_id,
        kiosks: Number(r.kiosks),
        online: Number(r.online),
        offline: Number(r.offline),
        backlog: Number(r.backlog),
        oldestUnconfirmedAt: r.oldest,
        alerts: {
          KIOSK_SILENT: Number(r.silent),
          KIOSK_NEVER_HEARD: Number(r.never_heard),
          OUTBOX_BACKLOG_OLD: Number(r.backlog_old),
          OUTBOX_NEARLY_FULL: Number(r.nearly_full),
          CLOCK_SKEW: Number(r.skewed),
          DEVICE_FAILED: Number(r.devices_failed),
          DEVICE_ERRORS: noisy.get(r.clinic_id) ?? 0,
          DISK_FULL: Number(r.disk_full),
        },
      }),
    );
    return { kiosks, clinics: await this.clinicFacts(scope, params) };
  }

  private scopeOf(query: Omit<FleetFactsQuery, 'recentSince'>, access: ClinicAccess) {
    const w = where([
      ['clinic_id = ?', query.clinicId],
      ['clinic_id >= ?', query.clinics?.from],
      ['clinic_id <= ?', query.clinics?.to],
    ]);
    const c = clinicCondition(access, 'clinic_id');
    return { scope: `${w.sql}${c.sql}`, params: [...w.params, ...c.params] as SqlValue[] };
  }

  async fleetFacts(query: FleetFactsQuery, access: ClinicAccess) {
    const w = where([
      ['clinic_id = ?', query.clinicId],
      ['clinic_id >= ?', query.clinics?.from],
      ['clinic_id <= ?', query.clinics?.to],
    ]);
    const c = clinicCondition(access, 'clinic_id');
    const scope = `${w.sql}${c.sql}`;
    const params = [...w.params, ...c.params];
    const rows = await this.db.all<KioskRow>(
      `SELECT clinic_id, kiosk_id, name, registered_at, state, last_seen_at, status, clock_skew_ms
       FROM kiosks WHERE 1 = 1${scope}`,
      params,
    );
    const kiosks = new Map<string, KioskFacts>();
    for (const r of rows) {
      const status = r.status === null ? null : (JSON.parse(r.status) as KioskStatus);
      kiosks.set(`${r.clinic_id}/${r.kiosk_id}`, {
        clinicId: r.clinic_id,
        kioskId: r.kiosk_id,
        name: r.name,
        registeredAt: r.registered_at,
        state: (r.state ?? status?.state ?? 'unknown') as KioskFacts['state'],
        lastSeenAt: r.last_seen_at,
        status,
        clockSkewMs: r.clock_skew_ms === null ? null : Number(r.clock_skew_ms),
        recent: { decodeErrors: 0, driverFailures: 0, devicesLost: 0 },
      });
    }
    for (const e of await this.recentCounts(query, access, scope, params)) {
      const k = kiosks.get(`${e.clinic_id}/${e.kiosk_id}`);
      if (!k) continue;
      k.recent.decodeErrors += Number(e.decode_errors);
      k.recent.driverFailures += Number(e.driver_failures);
      k.recent.devicesLost += Number(e.devices_lost);
    }
    return { kiosks: [...kiosks.values()], clinics: await this.clinicFacts(scope, params) };
  }

  /**
   * Counts since `since`: the whole hours after it from `kiosk_event_hours` (at most 24 rows a
   * kiosk), and the part of its own hour from the events themselves (an hour's events, through the
   * covering index on the time received), so the window is exact to the millisecond.
   */
  private async recentCounts(
    query: Omit<FleetFactsQuery, 'recentSince'> & { recentSince: string },
    access: ClinicAccess,
    scope: string,
    params: SqlValue[],
  ) {
    const since = query.recentSince;
    const hourStart = Date.parse(`${since.slice(0, 13)}:00:00.000Z`);
    const nextHour = new Date(hourStart + 3_600_000).toISOString();
    const hours = await this.db.all<CountRow>(
      `SELECT clinic_id, kiosk_id, SUM(decode_errors) AS decode_errors, SUM(driver_failures) AS driver_failures,
         SUM(devices_lost) AS devices_lost
       FROM kiosk_event_hours WHERE hour >= ?${scope} GROUP BY clinic_id, kiosk_id`,
      [nextHour.slice(0, 13), ...params],
    );
    const sum = (type: string) => `SUM(CASE WHEN type = '${type}' THEN COALESCE(event_count, 1) ELSE 0 END)`;
    const types = Object.keys(HOUR_COLUMN);
    // The clinic is compared as an expression, so that no planner walks the events' primary key
    // (clinic first) through a year of a clinic's events instead of the hour's range of the index.
    const we = where([
      ["clinic_id || '' = ?", query.clinicId],
      ["clinic_id || '' >= ?", query.clinics?.from],
      ["clinic_id || '' <= ?", query.clinics?.to],
    ]);
    const ce = clinicCondition(access, "clinic_id || ''");
    const edge = await this.db.all<CountRow>(
      `SELECT clinic_id, kiosk_id, ${sum('decode-errors')} AS decode_errors, ${sum('driver-failed')} AS driver_failures,
         ${sum('device-lost')} AS devices_lost
       FROM kiosk_events WHERE received_at >= ? AND received_at < ? AND type IN (${types.map(() => '?').join(', ')})${we.sql}${ce.sql}
       GROUP BY clinic_id, kiosk_id`,
      [since, nextHour, ...types, ...we.params, ...ce.params],
    );
    return [...hours, ...edge];
  }

  async fleetClinicIds(
    query: { clinicId?: string | undefined; after?: string | undefined; limit: number },
    access: ClinicAccess,
  ) {
    const w = where([
      ['clinic_id = ?', query.clinicId],
      ['clinic_id > ?', query.after],
    ]);
    const c = clinicCondition(access, 'clinic_id');
    const scope = `${w.sql}${c.sql}`;
    const params = [...w.params, ...c.params];
    // Each part walks an index in clinic order (kiosks' primary key, the partial indexes of failed
    // sends and open referrals) and stops at the page's end.
    const part = (from: string, filter: string) =>
      `SELECT * FROM (SELECT DISTINCT clinic_id FROM ${from} WHERE ${filter}${scope} ORDER BY clinic_id LIMIT ?) AS p`;
    const rows = await this.db.all<{ clinic_id: string }>(
      `SELECT clinic_id FROM (
         ${part('kiosks', '1 = 1')}
         UNION ${part('screenings', "fwd_status = 'failed'")}
         UNION ${part('referrals', "status = 'open'")}
       ) AS ids ORDER BY clinic_id LIMIT ?`,
      [...params, query.limit, ...params, query.limit, ...params, query.limit, query.limit],
    );
    return rows.map((r) => r.clinic_id);
  }

  private async clinicFacts(scope: string, params: SqlValue[]): Promise<ClinicFacts[]> {
    const clinics = new Map<string, ClinicFacts>();
    const clinicOf = (clinicId: string) => {
      let f = clinics.get(clinicId);
      if (!f) {
        f = { clinicId, satusehatFailures: [], openReferrals: { count: 0, oldestAt: null } };
        clinics.set(clinicId, f);
      }
      return f;
    };
    const failed = await this.db.all<{
      clinic_id: string;
      fwd_http_status: number | null;
      fwd_outcome: string | null;
      n: number | string;
    }>(
      `SELECT clinic_id, fwd_http_status, fwd_outcome, COUNT(*) AS n FROM screenings
       WHERE fwd_status = 'failed'${scope} GROUP BY clinic_id, fwd_http_status, fwd_outcome`,
      params,
    );
    const reasons = new Map<string, Map<string, number>>();
    for (const r of failed) {
      const byReason = reasons.get(r.clinic_id) ?? new Map<string, number>();
      reasons.set(r.clinic_id, byReason);
      const reason = failureReason(r.fwd_http_status, r.fwd_outcome);
      byReason.set(reason, (byReason.get(reason) ?? 0) + Number(r.n));
    }
    for (const [clinicId, byReason] of reasons) {
      clinicOf(clinicId).satusehatFailures = [...byReason]
        .map(([reason, count]) => ({ reason, count }))
        .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
    }
    const open = await this.db.all<{ clinic_id: string; n: number | string; oldest: string | null }>(
      `SELECT clinic_id, COUNT(*) AS n, MIN(created_at) AS oldest FROM referrals
       WHERE status = 'open'${scope} GROUP BY clinic_id`,
      params,
    );
    for (const r of open) clinicOf(r.clinic_id).openReferrals = { count: Number(r.n), oldestAt: r.oldest };
    return [...clinics.values()];
  }
}
