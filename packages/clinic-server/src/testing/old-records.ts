import type { Reading } from '@klinik-desa/protocol';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from '../store/migrations.js';

/**
 * A SQLite clinic record as the foundation (schema version 1) wrote it, holding `readings`: what
 * the upgrade tests bring forward.
 */
export function writeVersion1Record(path: string, readings: readonly Reading[]): void {
  const old = new Database(path);
  try {
    old.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    old.exec(SQLITE_MIGRATIONS[0]!.sql);
    old.prepare('INSERT INTO schema_migrations VALUES (1, ?, ?)').run('readings', new Date().toISOString());
    const insert = old.prepare(
      'INSERT INTO readings (id, clinic_id, kiosk_id, device_id, kind, measured_at, received_at, stored_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const r of readings) {
      const { id, clinicId, kioskId, kind, measuredAt, receivedAt } = r;
      insert.run(
        id,
        clinicId,
        kioskId,
        r.device.id,
        kind,
        measuredAt,
        receivedAt,
        receivedAt,
        JSON.stringify(r),
      );
    }
  } finally {
    old.close();
  }
}
