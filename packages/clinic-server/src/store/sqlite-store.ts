import { chmodSync, existsSync } from 'node:fs';
import type { Reading } from '@klinik-desa/protocol';
import Database from 'better-sqlite3';
import { ConfigError } from '../errors.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import type { ClinicStore, InsertOutcome } from './store.js';

export function openSqliteStore(path: string, options: { readonly?: boolean } = {}): ClinicStore {
  if (options.readonly && !existsSync(path)) {
    throw new ConfigError('DB_NOT_FOUND', `no clinic database at ${path}`);
  }
  const db = new Database(path, { readonly: options.readonly ?? false });
  if (!options.readonly) {
    if (path !== ':memory:') chmodSync(path, 0o600);
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode survives a process crash; the kiosk keeps every reading until its receipt,
    // so a power cut between commit and checkpoint costs at most a resend, never a reading.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
  }

  const insert = db.prepare(
    `INSERT INTO readings (id, clinic_id, kiosk_id, device_id, kind, session_id, patient_id, measured_at, received_at, stored_at, body)
     VALUES (@id, @clinicId, @kioskId, @deviceId, @kind, @sessionId, @patientId, @measuredAt, @receivedAt, @storedAt, @body)
     ON CONFLICT (id) DO NOTHING`,
  );
  const insertBatch = db.transaction((readings: readonly Reading[], storedAt: string): InsertOutcome[] =>
    readings.map((r) => {
      const result = insert.run({
        id: r.id,
        clinicId: r.clinicId,
        kioskId: r.kioskId,
        deviceId: r.device.id,
        kind: r.kind,
        sessionId: r.sessionId ?? null,
        patientId: r.patientId ?? null,
        measuredAt: r.measuredAt,
        receivedAt: r.receivedAt,
        storedAt,
        body: JSON.stringify(r),
      });
      return result.changes === 1 ? 'stored' : 'duplicate';
    }),
  );

  return {
    async insertReadings(readings) {
      return insertBatch(readings, new Date().toISOString());
    },
    async *exportReadings() {
      for (const row of db.prepare('SELECT body FROM readings ORDER BY id').iterate() as Iterable<{
        body: string;
      }>) {
        yield JSON.parse(row.body) as Reading;
      }
    },
    async countReadings() {
      return (db.prepare('SELECT count(*) AS n FROM readings').get() as { n: number }).n;
    },
    async close() {
      db.close();
    },
  };
}

function migrate(db: Database.Database): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );
  const newest = Math.max(0, ...applied);
  const known = Math.max(...SQLITE_MIGRATIONS.map((m) => m.version));
  if (newest > known) {
    throw new ConfigError(
      'DB_TOO_NEW',
      `the database is at schema version ${newest}, newer than this server knows (${known}): upgrade the server`,
    );
  }
  for (const m of SQLITE_MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
    })();
  }
}
