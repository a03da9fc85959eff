import type { Dialect } from './sql.js';

/**
 * SQLite 14, PostgreSQL 14: what the fleet view reads, kept small enough to read per request at
 * district scale, and accounts that can be disabled.
 *
 * `kiosk_event_hours` holds, per kiosk and hour received (`YYYY-MM-DDTHH`, the clinic's clock),
 * the counts of the events the view counts; ingest adds to it in the transaction that keeps the
 * event, so the last 24 hours are at most 25 rows a kiosk however many events it sent, and never
 * a read through a year of events. It is filled from the events kept (not from the last days by the
 * clock, so a record migrated later or restored from a backup counts the same).
 *
 * The failed screenings and open referrals the view counts per clinic have partial indexes of their
 * own, so neither is a walk through every screening or referral of the record. The failure's detail
 * stays out of the index: an OperationOutcome can be larger than a PostgreSQL index entry may be.
 *
 * The kiosk row keeps what the view's figures and alerts are counted from beside the status it
 * came with (the outbox's depth, its oldest reading in UTC, whether it is nearly full, failed
 * devices, a full disk), so that a district's summary is one aggregate over the kiosks and never
 * reads and parses every kiosk's status. Filled from the statuses kept.
 *
 * `accounts.disabled_at`: a disabled account signs in no more and its sessions end at once (the
 * session lookup joins the account and refuses it); `password_changed_at` says when it last changed.
 */
export const FLEET_SUMMARY = (dialect: Dialect) => `
  CREATE TABLE kiosk_event_hours (
    clinic_id TEXT NOT NULL,
    kiosk_id TEXT NOT NULL,
    hour TEXT NOT NULL,
    decode_errors BIGINT NOT NULL DEFAULT 0,
    driver_failures BIGINT NOT NULL DEFAULT 0,
    devices_lost BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (clinic_id, kiosk_id, hour)
  );
  CREATE INDEX kiosk_event_hours_by_hour ON kiosk_event_hours (hour);
  INSERT INTO kiosk_event_hours (clinic_id, kiosk_id, hour, decode_errors, driver_failures, devices_lost)
    SELECT clinic_id, kiosk_id, substr(received_at, 1, 13),
      SUM(CASE WHEN type = 'decode-errors' THEN COALESCE(event_count, 1) ELSE 0 END),
      SUM(CASE WHEN type = 'driver-failed' THEN COALESCE(event_count, 1) ELSE 0 END),
      SUM(CASE WHEN type = 'device-lost' THEN COALESCE(event_count, 1) ELSE 0 END)
    FROM kiosk_events
    WHERE type IN ('decode-errors', 'driver-failed', 'device-lost')
    GROUP BY clinic_id, kiosk_id, substr(received_at, 1, 13);
  CREATE INDEX screenings_failed_by_clinic ON screenings (clinic_id, fwd_http_status)
    WHERE fwd_status = 'failed';
  CREATE INDEX referrals_open_by_clinic ON referrals (clinic_id, created_at) WHERE status = 'open';
  ALTER TABLE kiosks ADD COLUMN outbox_depth INTEGER;
  ALTER TABLE kiosks ADD COLUMN outbox_oldest_at TEXT;
  ALTER TABLE kiosks ADD COLUMN outbox_nearly_full INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE kiosks ADD COLUMN devices_failed INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE kiosks ADD COLUMN disk_full INTEGER NOT NULL DEFAULT 0;
  ${dialect === 'sqlite' ? SQLITE_KIOSK_FIGURES : POSTGRES_KIOSK_FIGURES}
  ALTER TABLE accounts ADD COLUMN disabled_at TEXT;
  ALTER TABLE accounts ADD COLUMN password_changed_at TEXT;
`;

// The oldest reading's time is kept as the status gave it when it is UTC already (what agents
// send); a time with an offset is taken as UTC by the next status, which rewrites every figure.
const SQLITE_KIOSK_FIGURES = `
  UPDATE kiosks SET
    outbox_depth = json_extract(status, '$.outbox.depth'),
    outbox_oldest_at = json_extract(status, '$.outbox.oldestAt'),
    outbox_nearly_full = CASE WHEN json_extract(status, '$.outbox.nearlyFull') = 1 THEN 1 ELSE 0 END,
    devices_failed = (SELECT COUNT(*) FROM json_each(kiosks.status, '$.devices') AS d
      WHERE json_extract(d.value, '$.state') = 'failed'),
    disk_full = CASE WHEN json_extract(status, '$.disk.state') = 'full' THEN 1 ELSE 0 END
  WHERE status IS NOT NULL;
`;

const POSTGRES_KIOSK_FIGURES = `
  UPDATE kiosks SET
    outbox_depth = (status::jsonb #>> '{outbox,depth}')::integer,
    outbox_oldest_at = status::jsonb #>> '{outbox,oldestAt}',
    outbox_nearly_full = CASE WHEN (status::jsonb #>> '{outbox,nearlyFull}') = 'true' THEN 1 ELSE 0 END,
    devices_failed = (SELECT COUNT(*) FROM jsonb_array_elements(COALESCE(status::jsonb -> 'devices', '[]'::jsonb)) AS d
      WHERE d ->> 'state' = 'failed'),
    disk_full = CASE WHEN (status::jsonb #>> '{disk,state}') = 'full' THEN 1 ELSE 0 END
  WHERE status IS NOT NULL;
`;
