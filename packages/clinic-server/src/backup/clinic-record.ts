import type Database from 'better-sqlite3';
import { BackupError } from './errors.js';

/** A SQLite file is a clinic record when it has the store's migration table. */
export function assertClinicRecord(db: Database.Database, path: string): void {
  const migrations = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!migrations) {
    throw new BackupError(
      'BACKUP_NOT_A_BACKUP',
      `${path} is a SQLite file but not a clinic record (it has no schema_migrations table)`,
    );
  }
}
