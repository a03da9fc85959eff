import type {
  KioskEvent,
  KioskEventListQuery,
  KioskEventRecord,
  KioskPresence,
  KioskStatus,
  Page,
} from '@klinik-desa/protocol';
import { type ClinicAccess, clinicCondition } from '../domain/access.js';
import { decodeCursor, pageOf } from '../domain/cursor.js';
import { utc } from '../domain/readings.js';
import { where } from './query.js';
import type { PageRequest } from './records.js';
import type { SqlExecutor } from './sql.js';

/** The event types the fleet view counts, and their column in `kiosk_event_hours`. */
export const HOUR_COLUMN: Partial<Record<KioskEvent['type'], string>> = {
  'decode-errors': 'decode_errors',
  'driver-failed': 'driver_failures',
  'device-lost': 'devices_lost',
};

/** What became of a kiosk event handed to the record. */
export type KioskEventOutcome = 'stored' | 'duplicate' | 'unknown-kiosk';

/**
 * What kiosks report about themselves: their events, kept for a while, and their latest status
 * with whether they are online. Only registered kiosks have either.
 */
export interface KioskActivityStore {
  /**
   * Keeps a status message of a registered kiosk when it is newer than the one kept, or when it is
   * the kiosk's last will: the broker publishes the offline status the kiosk left with it when it
   * connected, so its `at` is older than the statuses sent since; it is taken when it belongs to
   * the agent run of the status kept (at or after its `startedAt`). Resolves with whether it was kept.
   */
  recordKioskStatus(status: KioskStatus, receivedAt: string): Promise<boolean>;
  /** Keeps an event of a registered kiosk once (by the kiosk and the event's id). */
  recordKioskEvent(event: KioskEvent, receivedAt: string): Promise<KioskEventOutcome>;
  /** A kiosk's events, newest first; none when the kiosk is not of one of `access`'s clinics. */
  listKioskEvents(
    clinicId: string,
    kioskId: string,
    query: KioskEventListQuery,
    page: PageRequest,
    access: ClinicAccess,
  ): Promise<Page<KioskEventRecord>>;
  /** Whether a kiosk is online, and its last status; `undefined` for a kiosk not registered or not `access`'s. */
  getKioskPresence(
    clinicId: string,
    kioskId: string,
    access: ClinicAccess,
  ): Promise<KioskPresence | undefined>;
  /** Deletes events received before `before`; resolves with how many. */
  pruneKioskEvents(before: string): Promise<number>;
}

interface PresenceRow {
  clinic_id: string;
  kiosk_id: string;
  state: string | null;
  state_since: string | null;
  last_seen_at: string | null;
  status: string | null;
}

const toPresence = (r: PresenceRow): KioskPresence => {
  const status = r.status === null ? null : (JSON.parse(r.status) as KioskStatus);
  // A status kept before the record knew states carries its own.
  const state = (r.state ?? status?.state ?? 'unknown') as KioskPresence['state'];
  return {
    clinicId: r.clinic_id,
    kioskId: r.kiosk_id,
    state,
    since: r.state_since,
    lastSeenAt: r.last_seen_at,
    status,
  };
};

export class SqlKioskActivityStore implements KioskActivityStore {
  constructor(private readonly db: SqlExecutor) {}

  async recordKioskStatus(status: KioskStatus, receivedAt: string) {
    const at = utc(status.at);
    const startedAt = status.startedAt === undefined ? null : utc(status.startedAt);
    const online = status.state === 'online';
    // The clock skew is taken from online statuses only: a last will carries the time its
    // connection was made. A status held in the broker reads as a kiosk running behind.
    // The SET side reads the row as it was. `status_at` never goes back, so a late copy of an
    // older status cannot undo the will; `last_seen_at` moves only for what the kiosk sent itself.
    const changed = await this.db.run(
      `UPDATE kiosks SET
         status = ?,
         status_at = CASE WHEN status_at IS NOT NULL AND status_at > ? THEN status_at ELSE ? END,
         state = ?,
         state_since = CASE WHEN state = ? THEN state_since ELSE ? END,
         status_started_at = COALESCE(?, status_started_at),
         last_seen_at = CASE WHEN ? = 1 THEN ? ELSE last_seen_at END,
         clock_skew_ms = CASE WHEN ? = 1 THEN ? ELSE clock_skew_ms END,
         outbox_depth = ?, outbox_oldest_at = ?, outbox_nearly_full = ?, devices_failed = ?, disk_full = ?
       WHERE clinic_id = ? AND kiosk_id = ? AND (
         status_at IS NULL OR status_at < ?
         OR (? = 'offline' AND state = 'online' AND status_started_at IS NOT NULL AND status_started_at <= ?)
       )`,
      [
        JSON.stringify(status),
        at,
        at,
        status.state,
        status.state,
        receivedAt,
        startedAt,
        online ? 1 : 0,
        receivedAt,
        online ? 1 : 0,
        Date.parse(at) - Date.parse(receivedAt),
        // The figures the fleet summary counts from, beside the status they came with.
        status.outbox?.depth ?? null,
        status.outbox?.oldestAt === undefined ? null : utc(status.outbox.oldestAt),
        status.outbox?.nearlyFull ? 1 : 0,
        (status.devices ?? []).filter((d) => d.state === 'failed').length,
        status.disk?.state === 'full' ? 1 : 0,
        status.clinicId,
        status.kioskId,
        at,
        status.state,
        at,
      ],
    );
    return changed > 0;
  }

  async recordKioskEvent(event: KioskEvent, receivedAt: string): Promise<KioskEventOutcome> {
    return this.db.transaction(async (tx) => {
      const known = await tx.get('SELECT 1 AS one FROM kiosks WHERE clinic_id = ? AND kiosk_id = ?', [
        event.clinicId,
        event.kioskId,
      ]);
      if (!known) return 'unknown-kiosk';
      const inserted = await tx.run(
        `INSERT INTO kiosk_events (clinic_id, kiosk_id, id, type, at, received_at, body, event_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
        [
          event.clinicId,
          event.kioskId,
          event.id,
          event.type,
          utc(event.at),
          receivedAt,
          JSON.stringify(event),
          event.count ?? null,
        ],
      );
      if (inserted === 0) return 'duplicate';
      const counted = HOUR_COLUMN[event.type];
      if (counted !== undefined) {
        // The fleet view's hourly counts, kept with the event in one transaction so they never disagree.
        await tx.run(
          `INSERT INTO kiosk_event_hours (clinic_id, kiosk_id, hour, ${counted}) VALUES (?, ?, ?, ?)
           ON CONFLICT (clinic_id, kiosk_id, hour) DO UPDATE SET ${counted} = kiosk_event_hours.${counted} + excluded.${counted}`,
          [event.clinicId, event.kioskId, receivedAt.slice(0, 13), event.count ?? 1],
        );
      }
      await tx.run('UPDATE kiosks SET last_seen_at = ? WHERE clinic_id = ? AND kiosk_id = ?', [
        receivedAt,
        event.clinicId,
        event.kioskId,
      ]);
      return 'stored';
    });
  }

  async listKioskEvents(
    clinicId: string,
    kioskId: string,
    query: KioskEventListQuery,
    page: PageRequest,
    access: ClinicAccess,
  ) {
    const before = decodeCursor(page.cursor);
    const w = where([
      ['id < ?', before],
      ['type = ?', query.type],
      ['at >= ?', query.since === undefined ? undefined : utc(query.since)],
    ]);
    const c = clinicCondition(access, 'clinic_id');
    const rows = await this.db.all<{ id: string; body: string; received_at: string }>(
      `SELECT id, body, received_at FROM kiosk_events WHERE clinic_id = ? AND kiosk_id = ?${w.sql}${c.sql}
       ORDER BY id DESC LIMIT ?`,
      [clinicId, kioskId, ...w.params, ...c.params, page.limit + 1],
    );
    return pageOf(
      rows,
      page.limit,
      (r) => r.id,
      (r) => ({ ...(JSON.parse(r.body) as KioskEvent), receivedAt: r.received_at }),
    );
  }

  async getKioskPresence(clinicId: string, kioskId: string, access: ClinicAccess) {
    const c = clinicCondition(access, 'clinic_id');
    const row = await this.db.get<PresenceRow>(
      `SELECT clinic_id, kiosk_id, state, state_since, last_seen_at, status FROM kiosks
       WHERE clinic_id = ? AND kiosk_id = ?${c.sql}`,
      [clinicId, kioskId, ...c.params],
    );
    return row && toPresence(row);
  }

  async pruneKioskEvents(before: string) {
    // An hour is dropped once all of it is before the cut, as its events are.
    await this.db.run('DELETE FROM kiosk_event_hours WHERE hour < ?', [before.slice(0, 13)]);
    return this.db.run('DELETE FROM kiosk_events WHERE received_at < ?', [before]);
  }
}
