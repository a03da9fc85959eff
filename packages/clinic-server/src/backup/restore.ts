import {
  closeSync,
  copyFileSync,
  existsSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { isPostgresUrl, openStore } from '../store/open.js';
import { assertClinicRecord } from './clinic-record.js';
import { BackupError } from './errors.js';
import { runPgTool, splitPassword } from './pg-tools.js';

export interface RestoreOptions {
  /** Restore over a record that already holds tables (its rows are lost). */
  force?: boolean;
}

export interface RestoreResult {
  kind: 'sqlite' | 'postgres';
  /** Rows in the readings table once restored and migrated. */
  readings: number;
  /** The schema version the restored record is at after this server's migrations. */
  schemaVersion: number;
}

const SQLITE_MAGIC = 'SQLite format 3\0';
// pg_dump --format=custom files start with these five bytes.
const PG_CUSTOM_MAGIC = 'PGDMP';

/** What a backup file holds, from its first bytes. */
export function backupKind(file: string): 'sqlite' | 'postgres' {
  if (!existsSync(file)) {
    throw new BackupError('BACKUP_SOURCE_MISSING', `no backup file at ${file}: check the --from path`);
  }
  const head = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  const text = head.toString('latin1');
  if (text === SQLITE_MAGIC) return 'sqlite';
  if (text.startsWith(PG_CUSTOM_MAGIC)) return 'postgres';
  throw new BackupError(
    'BACKUP_NOT_A_BACKUP',
    `${file} is not a clinic backup: clinic-server backup writes a SQLite file or a pg_dump custom-format file`,
  );
}

/**
 * Restores the backup `from` into the record `db`, then opens it with this server's own store, so
 * its migrations run and a backup of an older version comes out ready to serve.
 */
export async function restoreClinicRecord(
  from: string,
  db: string,
  options: RestoreOptions = {},
): Promise<RestoreResult> {
  const kind = backupKind(from);
  const target = isPostgresUrl(db) ? 'postgres' : 'sqlite';
  if (kind !== target) {
    throw new BackupError(
      'BACKUP_WRONG_KIND',
      `${from} is a ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} backup and --db is a ${
        target === 'sqlite' ? 'SQLite path' : 'PostgreSQL URL'
      }: restore it into the same kind of record it was taken from`,
    );
  }
  if (kind === 'sqlite') restoreSqlite(from, db, options);
  else await restorePostgres(from, db, options);
  const store = await openStore(db);
  try {
    const readings = await store.countReadings();
    return { kind, readings, schemaVersion: await schemaVersion(db) };
  } finally {
    await store.close();
  }
}

function restoreSqlite(from: string, path: string, options: RestoreOptions): void {
  const backup = new Database(from, { readonly: true, fileMustExist: true });
  try {
    assertClinicRecord(backup, from);
    const check = backup.pragma('integrity_check', { simple: true });
    if (check !== 'ok') {
      throw new BackupError(
        'BACKUP_DAMAGED',
        `${from} is damaged (integrity_check: ${String(check)}): restore an older backup`,
      );
    }
  } finally {
    backup.close();
  }
  if (existsSync(path) && statSync(path).size > 0) {
    if (!options.force) {
      throw new BackupError(
        'BACKUP_TARGET_EXISTS',
        `${path} exists and is not empty: restore into a new file, or add --force to replace it (its rows are lost)`,
      );
    }
  }
  // The WAL and shared-memory files of a replaced record belong to its old pages: left beside the
  // restored file, SQLite would replay them over it.
  const partial = `${path}.restoring`;
  copyFileSync(from, partial);
  for (const leftover of [`${path}-wal`, `${path}-shm`]) rmSync(leftover, { force: true });
  renameSync(partial, path);
}

async function restorePostgres(from: string, url: string, options: RestoreOptions): Promise<void> {
  const tables = await publicTables(url);
  if (tables > 0 && !options.force) {
    throw new BackupError(
      'BACKUP_TARGET_EXISTS',
      `the database at ${splitPassword(url).url} holds ${tables} table(s): restore into a new, empty database (createdb), or add --force to replace its clinic tables`,
    );
  }
  await runPgTool(
    'pg_restore',
    [
      // Owners and grants of the clinic that made the dump need not exist here: the user of --db
      // owns what it restores.
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      '--single-transaction',
      ...(tables > 0 ? ['--clean', '--if-exists'] : []),
      from,
    ],
    url,
  );
}

async function withPg<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    throw new BackupError(
      'BACKUP_TOOL_FAILED',
      `cannot open the PostgreSQL database ${splitPassword(url).url}: ${(error as Error).message} (create it first with createdb)`,
    );
  }
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function publicTables(url: string): Promise<number> {
  return withPg(url, async (client) => {
    const r = await client.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'",
    );
    return Number(r.rows[0]?.n ?? 0);
  });
}

async function schemaVersion(db: string): Promise<number> {
  const sql = 'SELECT max(version) AS v FROM schema_migrations';
  if (isPostgresUrl(db)) {
    return withPg(db, async (client) => Number((await client.query<{ v: number }>(sql)).rows[0]?.v ?? 0));
  }
  const sqlite = new Database(db, { readonly: true });
  try {
    return Number((sqlite.prepare(sql).get() as { v: number }).v);
  } finally {
    sqlite.close();
  }
}
