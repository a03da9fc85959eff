import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { isPostgresUrl } from '../store/open.js';
import { assertClinicRecord } from './clinic-record.js';
import { BackupError } from './errors.js';
import { runPgTool } from './pg-tools.js';

export interface BackupResult {
  kind: 'sqlite' | 'postgres';
  out: string;
  bytes: number;
}

/**
 * Copies the clinic record at `db` (a SQLite path or a postgres:// URL) into the file `out`, while
 * the server keeps writing. The copy is written beside `out` and renamed into place once whole, so
 * a backup cut short never leaves a file that looks like one.
 */
export async function backupClinicRecord(db: string, out: string): Promise<BackupResult> {
  if (existsSync(out)) {
    throw new BackupError(
      'BACKUP_TARGET_EXISTS',
      `${out} exists already: give --out a new file name (a date in it keeps older backups apart)`,
    );
  }
  const partial = `${out}.partial`;
  rmSync(partial, { force: true });
  try {
    const kind = isPostgresUrl(db) ? 'postgres' : 'sqlite';
    if (kind === 'postgres') {
      // The custom format is compressed and lets pg_restore pick objects; pg_dump reads in one
      // snapshot, so rows committed while it runs are either all in or all out.
      await runPgTool('pg_dump', ['--format=custom', `--file=${partial}`], db);
    } else {
      await backupSqlite(db, partial);
    }
    renameSync(partial, out);
    return { kind, out, bytes: statSync(out).size };
  } finally {
    rmSync(partial, { force: true });
  }
}

async function backupSqlite(path: string, partial: string): Promise<void> {
  if (!existsSync(path)) {
    throw new BackupError(
      'BACKUP_SOURCE_MISSING',
      `no clinic database at ${path}: give --db the file the server was started with`,
    );
  }
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    assertClinicRecord(db, path);
    // The online backup API restarts from the first page whenever another connection writes
    // between two of its steps. With small steps and readings arriving every few milliseconds it
    // might never finish; after the first step it copies every remaining page in one step, which
    // holds one read snapshot of the WAL (writers carry on) and so always ends, consistent.
    await db.backup(partial, { progress: ({ totalPages }) => Math.max(totalPages, 1) });
  } finally {
    db.close();
  }
}
