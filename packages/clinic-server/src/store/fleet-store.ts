import type { KioskEvent, KioskStatus } from '@klinik-desa/protocol';
import { type ClinicAccess, clinicCondition } from '../domain/access.js';
import type { ClinicFacts, FleetFacts, KioskFacts } from '../fleet/facts.js';
import { where } from './query.js';
import type { SqlExecutor, SqlValue } from './sql.js';

/** The facts of the fleet view, read in a few set-wide queries (never one per kiosk). */
export interface FleetStore {
  /**
   * Every kiosk of `access`'s clinics (of `clinicId` alone when given) with its last status, and
   * per clinic the SATUSEHAT sends given up and the referrals still open. Event counts are of the
   * events received at or after `recentSince`.
   */
  fleetFacts(
    query: { clinicId?: string | undefined; recentSince: string },
    access: ClinicAccess,
  ): Promise<FleetFacts>;
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

/** The event types the view counts, and where each goes. */
const COUNTED: Partial<Record<KioskEvent['type'], keyof KioskFacts['recent']>> = {
  'decode-errors': 'decodeErrors',
  'driver-failed': 'driverFailures',
  'device-lost': 'devicesLost',
};

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

  async fleetFacts(query: { clinicId?: string | undefined; recentSince: string }, access: ClinicAccess) {
    const w = where([['clinic_id = ?', query.clinicId]]);
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
    // Counted from `kiosk_events_recent` alone (it holds each event's count): the last day's
    // events, never their bodies, wherever a year of them lies in the file. The clinic is compared
    // as an expression, and grouped in an order that is not the primary key's, so that no planner
    // walks the primary key (clinic first) through every event instead.
    const ce = clinicCondition(access, "clinic_id || ''");
    const we = where([["clinic_id || '' = ?", query.clinicId]]);
    const types = Object.keys(COUNTED);
    const counts = await this.db.all<{
      clinic_id: string;
      kiosk_id: string;
      type: string;
      n: number | string;
    }>(
      `SELECT clinic_id, kiosk_id, type, SUM(COALESCE(event_count, 1)) AS n FROM kiosk_events
       WHERE received_at >= ? AND type IN (${types.map(() => '?').join(', ')})${we.sql}${ce.sql}
       GROUP BY type, kiosk_id, clinic_id`,
      [query.recentSince, ...types, ...we.params, ...ce.params],
    );
    for (const e of counts) {
      const k = kiosks.get(`${e.clinic_id}/${e.kiosk_id}`);
      const field = COUNTED[e.type as KioskEvent['type']];
      if (k && field) k.recent[field] += Number(e.n);
    }
    return { kiosks: [...kiosks.values()], clinics: await this.clinicFacts(scope, params) };
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
