import { CLINICS_AND_ACCOUNTS } from './migrations-accounts.js';
import { FLEET_SUMMARY } from './migrations-fleet-summary.js';
import type { Dialect } from './sql.js';

/**
 * Versioned schema changes, applied in order on start. A migration is never edited after it has
 * shipped: a change is a new entry, so every clinic's database can be brought forward.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const READINGS_V1 = (withoutRowid: boolean) => `
  CREATE TABLE readings (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    kiosk_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    session_id TEXT,
    patient_id TEXT,
    measured_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    stored_at TEXT NOT NULL,
    body TEXT NOT NULL
  )${withoutRowid ? ' WITHOUT ROWID' : ''};
  CREATE INDEX readings_by_kiosk ON readings (clinic_id, kiosk_id, id);
  CREATE INDEX readings_by_session ON readings (session_id) WHERE session_id IS NOT NULL;
`;

// Times are ISO 8601 text in UTC (`...Z`) in both engines, so that they compare as strings and the
// two stores give byte-identical answers.
//
// Observations are not a table: they are the values of the stored readings, expanded when read. A
// table of them cost three rows and a dozen index entries per reading and halved the ingest rate;
// the readings table carries what listing them needs (patient, screening, kind, UTC time, worst
// flag) and the partial indexes only the rows a query can look for.
const CLINIC_V2 = (dialect: Dialect) => `
  ALTER TABLE readings ADD COLUMN screening_id TEXT;
  ALTER TABLE readings ADD COLUMN assignment TEXT NOT NULL DEFAULT 'unassigned';
  ALTER TABLE readings ADD COLUMN resolved_at TEXT;
  ALTER TABLE readings ADD COLUMN resolved_by TEXT;
  ALTER TABLE readings ADD COLUMN discard_reason TEXT;
  ALTER TABLE readings ADD COLUMN measured_utc TEXT;
  ALTER TABLE readings ADD COLUMN severity INTEGER NOT NULL DEFAULT 0;
  UPDATE readings SET measured_utc = ${
    dialect === 'sqlite'
      ? "strftime('%Y-%m-%dT%H:%M:%fZ', measured_at)"
      : `to_char(measured_at::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
  };
  CREATE INDEX readings_unassigned ON readings (id) WHERE assignment = 'unassigned';
  CREATE INDEX readings_by_screening ON readings (screening_id, id) WHERE screening_id IS NOT NULL;
  CREATE INDEX readings_by_patient ON readings (patient_id, id) WHERE patient_id IS NOT NULL;

  CREATE TABLE patients (
    id TEXT PRIMARY KEY,
    nik TEXT UNIQUE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    sex TEXT NOT NULL,
    ihs_number TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX patients_by_birth_date ON patients (birth_date, name_key);

  CREATE TABLE screenings (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    clinic_id TEXT NOT NULL,
    kiosk_id TEXT NOT NULL,
    status TEXT NOT NULL,
    practitioner TEXT,
    opened_at TEXT NOT NULL,
    finished_at TEXT,
    fwd_status TEXT NOT NULL DEFAULT 'not-sent',
    fwd_attempts INTEGER NOT NULL DEFAULT 0,
    fwd_last_at TEXT,
    fwd_next_at TEXT,
    fwd_sent_at TEXT,
    fwd_http_status INTEGER,
    fwd_outcome TEXT,
    fwd_lease_until TEXT
  );
  CREATE INDEX screenings_by_patient ON screenings (patient_id, id);
  CREATE INDEX screenings_open ON screenings (status, id);
  CREATE INDEX screenings_forwarding ON screenings (fwd_status, fwd_next_at);

  CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    reading_id TEXT NOT NULL,
    flag_code TEXT NOT NULL,
    screening_id TEXT,
    patient_id TEXT,
    clinic_id TEXT NOT NULL,
    kiosk_id TEXT NOT NULL,
    severity TEXT NOT NULL,
    flag TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    created_at TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    note TEXT,
    UNIQUE (reading_id, flag_code)
  );
  CREATE INDEX referrals_by_status ON referrals (status, id);

  CREATE TABLE kiosks (
    clinic_id TEXT NOT NULL,
    kiosk_id TEXT NOT NULL,
    name TEXT,
    registered_at TEXT NOT NULL,
    rotated_at TEXT NOT NULL,
    status TEXT,
    status_at TEXT,
    last_reading_at TEXT,
    PRIMARY KEY (clinic_id, kiosk_id)
  );

  CREATE TABLE api_clients (
    id TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    clinic_id TEXT,
    kiosk_id TEXT,
    created_at TEXT NOT NULL
  );

  CREATE TABLE access_tokens (
    token_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    scopes TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  CREATE INDEX access_tokens_by_client ON access_tokens (client_id);

  CREATE TABLE idempotency_keys (
    client_id TEXT NOT NULL,
    key TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    status_code INTEGER,
    response TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (client_id, key)
  );

  CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    client_id TEXT NOT NULL,
    action TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT,
    request_id TEXT
  );
`;

// SQLite only: the readings table gets a rowid. Without one, SQLite keeps each whole row, half a
// kilobyte to a kilobyte of body, in the primary key's b-tree, where a page holds only a few of them
// and inserts move large cells around; SQLite's own guidance for WITHOUT ROWID is rows under a
// twentieth of a page. With a rowid the bodies are appended and the key is an index of ids.
// `pnpm bench readings-layout` measures both layouts through ingestReadings, in batches of 50 (one
// MQTT batch) and 500: 0.67–0.74 of the CPU per reading for 960-byte bodies, 0.82–0.95 for 560-byte
// ones. The rebuild is SQLite's documented one: new table, copy, drop, rename.
// PostgreSQL's tables always were heaps with a separate key index.
const SQLITE_READINGS_ROWID_V3 = `
  CREATE TABLE readings_v3 (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    kiosk_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    session_id TEXT,
    patient_id TEXT,
    measured_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    stored_at TEXT NOT NULL,
    body TEXT NOT NULL,
    screening_id TEXT,
    assignment TEXT NOT NULL DEFAULT 'unassigned',
    resolved_at TEXT,
    resolved_by TEXT,
    discard_reason TEXT,
    measured_utc TEXT,
    severity INTEGER NOT NULL DEFAULT 0
  );
  INSERT INTO readings_v3 (id, clinic_id, kiosk_id, device_id, kind, session_id, patient_id, measured_at, received_at, stored_at, body, screening_id, assignment, resolved_at, resolved_by, discard_reason, measured_utc, severity)
    SELECT id, clinic_id, kiosk_id, device_id, kind, session_id, patient_id, measured_at, received_at, stored_at, body, screening_id, assignment, resolved_at, resolved_by, discard_reason, measured_utc, severity FROM readings ORDER BY id;
  DROP TABLE readings;
  ALTER TABLE readings_v3 RENAME TO readings;
  CREATE INDEX readings_by_kiosk ON readings (clinic_id, kiosk_id, id);
  CREATE INDEX readings_by_session ON readings (session_id) WHERE session_id IS NOT NULL;
  CREATE INDEX readings_unassigned ON readings (id) WHERE assignment = 'unassigned';
  CREATE INDEX readings_by_screening ON readings (screening_id, id) WHERE screening_id IS NOT NULL;
  CREATE INDEX readings_by_patient ON readings (patient_id, id) WHERE patient_id IS NOT NULL;
`;

// A client whose secret leaked, or a kiosk that was stolen, is revoked: kept (the audit log names
// it) but refused tokens and, for a kiosk, the broker.
const CLIENTS_REVOCABLE = `
  ALTER TABLE api_clients ADD COLUMN revoked_at TEXT;
`;

// The audit log answers "who has looked at this patient's record?" (UU 27/2022), so each line names
// the patient it touched. Older lines get theirs from what they name; a search's line that named
// several patients in one resource_id keeps none (since this version a search writes a line per
// patient found).
const AUDIT_BY_PATIENT = `
  ALTER TABLE audit_log ADD COLUMN patient_id TEXT;
  UPDATE audit_log SET patient_id = resource_id
    WHERE resource_type = 'patient' AND resource_id NOT LIKE '%,%';
  UPDATE audit_log SET patient_id = (SELECT s.patient_id FROM screenings s WHERE s.id = audit_log.resource_id)
    WHERE resource_type IN ('screening', 'fhir-bundle');
  UPDATE audit_log SET patient_id = (SELECT r.patient_id FROM referrals r WHERE r.id = audit_log.resource_id)
    WHERE resource_type = 'referral';
  UPDATE audit_log SET patient_id = (SELECT r.patient_id FROM readings r WHERE r.id = audit_log.resource_id)
    WHERE resource_type IN ('reading', 'observation');
  CREATE INDEX audit_log_by_patient ON audit_log (patient_id, id) WHERE patient_id IS NOT NULL;
  CREATE INDEX audit_log_by_client ON audit_log (client_id, id);
`;

// A screening names the health worker who did it, so SATUSEHAT's Encounter and Observations name
// that person and not the clinic's default practitioner. A NIK is one person's within a clinic (two
// rows with one NIK would send one person's screenings under two names); NULLs do not collide, so
// workers known only by their IHS number need no NIK. `active` is 0/1 in both engines.
const PRACTITIONERS = `
  CREATE TABLE practitioners (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    name TEXT NOT NULL,
    nik TEXT,
    ihs_number TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (clinic_id, nik)
  );
  CREATE INDEX practitioners_by_clinic ON practitioners (clinic_id, id);
  ALTER TABLE screenings ADD COLUMN practitioner_id TEXT REFERENCES practitioners (id);
`;

// Each clinic's data is its own (UU 27/2022). A client acts for the clinics it was granted (JSON: a
// list of clinic ids, or "*" for every clinic): kiosks their own; administrators made before grants
// keep every clinic, as they had; partners made before grants get none until an operator grants them
// (`clinic-server client grant`), since nobody chose their clinics. A patient is seen by a clinic
// once registered or screened there: earlier screenings and readings say where that was. Audit lines
// name the clinic of what they touched, so a clinic's administrator reads its own lines.
const CLINIC_SCOPE = `
  ALTER TABLE api_clients ADD COLUMN clinics TEXT NOT NULL DEFAULT '[]';
  UPDATE api_clients SET clinics = '["' || clinic_id || '"]' WHERE role = 'kiosk' AND clinic_id IS NOT NULL;
  UPDATE api_clients SET clinics = '"*"' WHERE role = 'admin';

  CREATE TABLE patient_clinics (
    patient_id TEXT NOT NULL REFERENCES patients (id),
    clinic_id TEXT NOT NULL,
    since TEXT NOT NULL,
    PRIMARY KEY (patient_id, clinic_id)
  );
  CREATE INDEX patient_clinics_by_clinic ON patient_clinics (clinic_id, patient_id);
  INSERT INTO patient_clinics (patient_id, clinic_id, since)
    SELECT patient_id, clinic_id, MIN(opened_at) FROM screenings GROUP BY patient_id, clinic_id;
  INSERT INTO patient_clinics (patient_id, clinic_id, since)
    SELECT r.patient_id, r.clinic_id, MIN(r.stored_at) FROM readings r
    WHERE r.patient_id IS NOT NULL AND EXISTS (SELECT 1 FROM patients p WHERE p.id = r.patient_id)
      AND NOT EXISTS (SELECT 1 FROM patient_clinics pc WHERE pc.patient_id = r.patient_id AND pc.clinic_id = r.clinic_id)
    GROUP BY r.patient_id, r.clinic_id;

  ALTER TABLE audit_log ADD COLUMN clinic_id TEXT;
  UPDATE audit_log SET clinic_id = (SELECT s.clinic_id FROM screenings s WHERE s.id = audit_log.resource_id)
    WHERE resource_type IN ('screening', 'fhir-bundle');
  UPDATE audit_log SET clinic_id = (SELECT r.clinic_id FROM referrals r WHERE r.id = audit_log.resource_id)
    WHERE resource_type = 'referral';
  UPDATE audit_log SET clinic_id = (SELECT r.clinic_id FROM readings r WHERE r.id = audit_log.resource_id)
    WHERE resource_type IN ('reading', 'observation');
  UPDATE audit_log SET clinic_id = (SELECT p.clinic_id FROM practitioners p WHERE p.id = audit_log.resource_id)
    WHERE resource_type = 'practitioner';
  CREATE INDEX audit_log_by_clinic ON audit_log (clinic_id, id);
`;

// Idempotency rows are kept under an id derived from the client's key, with the answer sealed by
// a key derived from it too (domain/idempotency-seal.ts); answers that carried a client or kiosk
// secret are not kept at all. Rows written before held keys and whole answers in the clear (secrets,
// NIKs, names): they are deleted, as a replay is due within 24 h anyway. The indexes serve purge().
const IDEMPOTENCY_SEALED = `
  DELETE FROM idempotency_keys;
  CREATE INDEX idempotency_keys_by_created ON idempotency_keys (created_at);
  CREATE INDEX access_tokens_by_expiry ON access_tokens (expires_at);
`;

// What kiosks report about themselves. Events are kept per kiosk under the kiosk's own id (the
// key holds the kiosk, so one kiosk cannot take another's event id) for a configured time, pruned
// by when the clinic received them: a kiosk's clock cannot keep its events longer. The kiosk row
// gets the state its status says and since when (the clinic's clock: a last will carries the time
// its connection was made, not the time it died), the agent run the status came from, and when the
// kiosk itself was last heard.
const KIOSK_ACTIVITY = `
  CREATE TABLE kiosk_events (
    clinic_id TEXT NOT NULL,
    kiosk_id TEXT NOT NULL,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (clinic_id, kiosk_id, id)
  );
  CREATE INDEX kiosk_events_by_received ON kiosk_events (received_at);
  ALTER TABLE kiosks ADD COLUMN state TEXT;
  ALTER TABLE kiosks ADD COLUMN state_since TEXT;
  ALTER TABLE kiosks ADD COLUMN status_started_at TEXT;
  ALTER TABLE kiosks ADD COLUMN last_seen_at TEXT;
`;

// One row rewritten by `trouble()` while the record is in store-wide trouble: a read succeeds on
// a full disk or a read-only file, so only a committed write can say the trouble is over.
const STORE_PROBE = `
  CREATE TABLE store_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at TEXT NOT NULL);
`;

// The fleet view: how far a kiosk's clock was from the server's when its last online status
// arrived (milliseconds, kiosk minus server; BIGINT, as a clock years off passes 32 bits); and
// each event's `count` beside it, so that the last day's events are counted from one covering
// index instead of reading their bodies from all over a year of them. The index starts with the
// time received, so the purge uses it too and the former index on that time alone goes.
const FLEET_VIEW = (dialect: Dialect) => `
  ALTER TABLE kiosks ADD COLUMN clock_skew_ms BIGINT;
  ALTER TABLE kiosk_events ADD COLUMN event_count INTEGER;
  UPDATE kiosk_events SET event_count = ${dialect === 'sqlite' ? "json_extract(body, '$.count')" : "(body::jsonb ->> 'count')::integer"}
    WHERE body LIKE '%"count"%';
  CREATE INDEX kiosk_events_recent ON kiosk_events (received_at, type, clinic_id, kiosk_id, event_count);
  DROP INDEX kiosk_events_by_received;
`;

// PostgreSQL only: the readings table, the one that grows by a row per reading (observations are
// its values, not a table), partitioned by month of the reading id's time. The id is the kiosk's
// UUIDv7, made when the reading was taken, so its first 48 bits are the measured time in ms and
// its text sorts by it. Partitioning by the id rather than by the clinic's receive time keeps
// exactly-once as it was: the primary key on id is a legal unique key of a table partitioned by id,
// so `ON CONFLICT (id) DO NOTHING` still refuses a resent reading, with no second table to write.
// A lookup by id touches one partition, and a keyset page (`id > ? ORDER BY id`) skips the months
// before its cursor. What it costs: a kiosk back online after days writes into
// that earlier month (made ahead and kept until retention drops it), and an id from a clock far
// off lands in `readings_default`, which readings_month_partition() empties into a month's
// partition when that month is made.
const POSTGRES_READINGS_PARTITIONED = `
  CREATE FUNCTION readings_id_bound(month_start timestamp) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT AS $fn$
      SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-0000-0000-000000000000'
      FROM (SELECT lpad(to_hex((extract(epoch FROM month_start) * 1000)::bigint), 12, '0') AS h) AS t
    $fn$;
  CREATE FUNCTION readings_id_month(id text) RETURNS timestamp
    LANGUAGE sql IMMUTABLE STRICT AS $fn$
      SELECT date_trunc('month', to_timestamp(
        ('x' || substr(id, 1, 8) || substr(id, 10, 4))::bit(48)::bigint / 1000.0) AT TIME ZONE 'UTC')
    $fn$;
  -- Makes the month's partition unless it exists, taking over the rows the default partition held
  -- for that month; returns its name, or NULL when a lock was not had within lock_timeout (nothing
  -- made; the error stays here, so the record is not reported in trouble for it). Callers hold an
  -- advisory lock so that one server at a time makes partitions (see readings-partitions.ts).
  CREATE FUNCTION readings_month_partition(month_start timestamp) RETURNS text
    LANGUAGE plpgsql AS $fn$
    DECLARE
      m timestamp := date_trunc('month', month_start);
      part text := 'readings_' || to_char(m, 'YYYY"m"MM');
      lo text := readings_id_bound(m);
      hi text := readings_id_bound(m + interval '1 month');
    BEGIN
      IF to_regclass(part) IS NOT NULL THEN
        RETURN part;
      END IF;
      EXECUTE format('CREATE TABLE %I (LIKE readings INCLUDING DEFAULTS)', part);
      EXECUTE format(
        'WITH moved AS (DELETE FROM readings_default WHERE id >= %L AND id < %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
        lo, hi, part);
      EXECUTE format('ALTER TABLE readings ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
      RETURN part;
    EXCEPTION WHEN lock_not_available THEN
      RETURN NULL;
    END
    $fn$;
  -- Drops a month's partition whole; false when its lock was not had within lock_timeout.
  CREATE FUNCTION readings_drop_month(part text) RETURNS boolean
    LANGUAGE plpgsql AS $fn$
    BEGIN
      EXECUTE format('DROP TABLE %I', part);
      RETURN true;
    EXCEPTION WHEN lock_not_available THEN
      RETURN false;
    END
    $fn$;

  DROP INDEX readings_by_kiosk, readings_by_session, readings_unassigned, readings_by_screening, readings_by_patient;
  ALTER TABLE readings RENAME TO readings_unpartitioned;
  ALTER TABLE readings_unpartitioned RENAME CONSTRAINT readings_pkey TO readings_unpartitioned_pkey;
  CREATE TABLE readings (LIKE readings_unpartitioned INCLUDING DEFAULTS, PRIMARY KEY (id)) PARTITION BY RANGE (id);
  CREATE TABLE readings_default PARTITION OF readings DEFAULT;
  DO $do$
  DECLARE m timestamp;
  BEGIN
    FOR m IN SELECT DISTINCT readings_id_month(id) FROM readings_unpartitioned LOOP
      -- A month from a clock decades off gets no partition of its own: its rows stay in the default.
      IF m >= timestamp '2020-01-01' AND m < (now() AT TIME ZONE 'UTC') + interval '1 year' THEN
        PERFORM readings_month_partition(m);
      END IF;
    END LOOP;
    PERFORM readings_month_partition(date_trunc('month', now() AT TIME ZONE 'UTC'));
  END
  $do$;
  INSERT INTO readings SELECT * FROM readings_unpartitioned;
  DROP TABLE readings_unpartitioned;
  CREATE INDEX readings_by_kiosk ON readings (clinic_id, kiosk_id, id);
  CREATE INDEX readings_by_clinic ON readings (clinic_id, id);
  CREATE INDEX readings_by_session ON readings (session_id) WHERE session_id IS NOT NULL;
  CREATE INDEX readings_unassigned ON readings (id) WHERE assignment = 'unassigned';
  CREATE INDEX readings_by_screening ON readings (screening_id, id) WHERE screening_id IS NOT NULL;
  CREATE INDEX readings_by_patient ON readings (patient_id, id) WHERE patient_id IS NOT NULL;
  ANALYZE readings;
`;

// The quarterly report reads a clinic's screenings of three months; without this it read them all.
const SCREENINGS_BY_CLINIC_OPENED = `
  CREATE INDEX screenings_by_clinic_opened ON screenings (clinic_id, opened_at);
`;

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'readings', sql: READINGS_V1(true) },
  { version: 2, name: 'clinic record and API', sql: CLINIC_V2('sqlite') },
  { version: 3, name: 'readings with a rowid', sql: SQLITE_READINGS_ROWID_V3 },
  { version: 4, name: 'API clients can be revoked', sql: CLIENTS_REVOCABLE },
  { version: 5, name: 'audit log by patient', sql: AUDIT_BY_PATIENT },
  { version: 6, name: 'practitioners', sql: PRACTITIONERS },
  { version: 7, name: 'clinic scope', sql: CLINIC_SCOPE },
  { version: 8, name: 'idempotency answers sealed, purge indexes', sql: IDEMPOTENCY_SEALED },
  { version: 9, name: 'kiosk events and presence', sql: KIOSK_ACTIVITY },
  { version: 10, name: 'store probe', sql: STORE_PROBE },
  { version: 11, name: 'fleet view: kiosk clock skew, event counts', sql: FLEET_VIEW('sqlite') },
  { version: 12, name: 'screenings by clinic and time', sql: SCREENINGS_BY_CLINIC_OPENED },
  { version: 13, name: 'clinics, puskesmas, accounts and sessions', sql: CLINICS_AND_ACCOUNTS },
  { version: 14, name: 'fleet summary, accounts disabled', sql: FLEET_SUMMARY('sqlite') },
];

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'readings', sql: READINGS_V1(false) },
  { version: 2, name: 'clinic record and API', sql: CLINIC_V2('postgres') },
  { version: 3, name: 'API clients can be revoked', sql: CLIENTS_REVOCABLE },
  { version: 4, name: 'audit log by patient', sql: AUDIT_BY_PATIENT },
  { version: 5, name: 'practitioners', sql: PRACTITIONERS },
  { version: 6, name: 'clinic scope', sql: CLINIC_SCOPE },
  { version: 7, name: 'idempotency answers sealed, purge indexes', sql: IDEMPOTENCY_SEALED },
  { version: 8, name: 'kiosk events and presence', sql: KIOSK_ACTIVITY },
  { version: 9, name: 'store probe', sql: STORE_PROBE },
  { version: 10, name: 'fleet view: kiosk clock skew, event counts', sql: FLEET_VIEW('postgres') },
  { version: 11, name: 'readings partitioned by month', sql: POSTGRES_READINGS_PARTITIONED },
  { version: 12, name: 'screenings by clinic and time', sql: SCREENINGS_BY_CLINIC_OPENED },
  { version: 13, name: 'clinics, puskesmas, accounts and sessions', sql: CLINICS_AND_ACCOUNTS },
  { version: 14, name: 'fleet summary, accounts disabled', sql: FLEET_SUMMARY('postgres') },
];

export function migrationsFor(dialect: Dialect): readonly Migration[] {
  return dialect === 'sqlite' ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS;
}
