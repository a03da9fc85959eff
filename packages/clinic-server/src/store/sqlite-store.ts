import { chmodSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ConfigError } from '../errors.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { SqliteExecutor } from './sql.js';
import { SqlClinicStore } from './sql-store.js';
import { WalCheckpointer } from './wal-checkpointer.js';

/**
 * The clinic record in one SQLite file (WAL). Opened synchronously so the CLI and the server need no
 * await before they can refuse a bad path; migrations run here, in one transaction each.
 */
export function openSqliteStore(path: string, options: { readonly?: boolean } = {}): SqlClinicStore {
  if (options.readonly && !existsSync(path)) {
    throw new ConfigError('DB_NOT_FOUND', `no clinic database at ${path}`);
  }
  const db = new Database(path, { readonly: options.readonly ?? false });
  if (!options.readonly) {
    if (path !== ':memory:') chmodSync(path, 0o600);
    applyWritePragmas(db);
    migrate(db);
    if (path !== ':memory:') {
      const checkpointer = new WalCheckpointer(path);
      return new SqlClinicStore(
        new SqliteExecutor(db, {
          afterWrite: () => checkpointer.noteWrite(),
          beforeClose: () => checkpointer.close(),
        }),
      );
    }
  }
  return new SqlClinicStore(new SqliteExecutor(db));
}

/**
 * How the clinic record's file is written. `synchronous = FULL`: a commit is on disk before it
 * returns, and a kiosk forgets a reading once it has the receipt sent after that commit. With
 * NORMAL, a commit survives a crash of the server process but not a power cut (the WAL is synced
 * only at checkpoints), so a clinic PC losing power could lose readings its kiosks had already let
 * go of.
 */
export function applyWritePragmas(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  // The connection's own checkpoint, only a backstop behind WalCheckpointer's thread: at ~40 MB
  // instead of 4 MB, since each syncs the disk, and at ingest rates they cost more than the inserts
  // themselves (measured: 26k → 46k rows/s).
  db.pragma('wal_autocheckpoint = 10000');
}

function migrate(db: Database.Database): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  db.transaction(() => {
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
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
    }
  }).immediate();
}
