import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { startClinicServer } from '../server.js';
import { SQLITE_MIGRATIONS } from '../store/migrations.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { bpReading } from '../testing/fixtures.js';
import { writeVersion1Record } from '../testing/old-records.js';
import { backupClinicRecord, backupKind, restoreClinicRecord } from './index.js';
import { splitPassword } from './pg-tools.js';

const LATEST = Math.max(...SQLITE_MIGRATIONS.map((m) => m.version));
const dir = () => mkdtempSync(join(tmpdir(), 'kd-backup-'));

async function recordWith(path: string, readings: number): Promise<string[]> {
  const store = openSqliteStore(path);
  try {
    const rs = Array.from({ length: readings }, () => bpReading());
    await store.ingestReadings(rs);
    return rs.map((r) => r.id);
  } finally {
    await store.close();
  }
}

describe('clinic-server backup and restore (SQLite)', () => {
  it('copies a record, restores it into a new file, migrated and whole', async () => {
    const d = dir();
    const ids = await recordWith(join(d, 'clinic.db'), 25);
    const backup = await backupClinicRecord(join(d, 'clinic.db'), join(d, 'clinic.backup'));
    expect(backup.kind).toBe('sqlite');
    expect(backupKind(join(d, 'clinic.backup'))).toBe('sqlite');
    const restored = await restoreClinicRecord(join(d, 'clinic.backup'), join(d, 'restored.db'));
    expect(restored).toEqual({ kind: 'sqlite', readings: 25, schemaVersion: LATEST });
    const db = new Database(join(d, 'restored.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const got = (db.prepare('SELECT id FROM readings ORDER BY id').all() as { id: string }[]).map(
        (r) => r.id,
      );
      expect(got).toEqual([...ids].sort());
    } finally {
      db.close();
    }
  });

  it('brings the backup of an older record forward to this server schema on restore, and a server starts on it', async () => {
    const d = dir();
    const r = bpReading();
    writeVersion1Record(join(d, 'v1.db'), [r]);
    await backupClinicRecord(join(d, 'v1.db'), join(d, 'v1.backup'));
    expect(await restoreClinicRecord(join(d, 'v1.backup'), join(d, 'now.db'))).toEqual({
      kind: 'sqlite',
      readings: 1,
      schemaVersion: LATEST,
    });
    // The upgraded record serves: a server starts on it and answers with the old reading.
    const server = await startClinicServer({
      db: join(d, 'now.db'),
      brokerPort: 0,
      httpPort: false,
      log: createLogger('silent'),
    });
    try {
      expect(await server.store.getReading(r.id)).toEqual(r);
    } finally {
      await server.close();
    }
  });

  it('refuses to overwrite a backup, or restore over a record that holds data unless forced', async () => {
    const d = dir();
    await recordWith(join(d, 'clinic.db'), 3);
    await backupClinicRecord(join(d, 'clinic.db'), join(d, 'b1'));
    await expect(backupClinicRecord(join(d, 'clinic.db'), join(d, 'b1'))).rejects.toMatchObject({
      code: 'BACKUP_TARGET_EXISTS',
      message: expect.stringContaining('give --out a new file name'),
    });
    await recordWith(join(d, 'busy.db'), 7);
    await expect(restoreClinicRecord(join(d, 'b1'), join(d, 'busy.db'))).rejects.toMatchObject({
      code: 'BACKUP_TARGET_EXISTS',
      message: expect.stringContaining('--force'),
    });
    expect(await restoreClinicRecord(join(d, 'b1'), join(d, 'busy.db'), { force: true })).toMatchObject({
      readings: 3,
    });
  });

  it('names a missing record, a missing backup, a file that is not a backup, and the wrong kind of target', async () => {
    const d = dir();
    await expect(backupClinicRecord(join(d, 'nope.db'), join(d, 'out'))).rejects.toMatchObject({
      code: 'BACKUP_SOURCE_MISSING',
      message: expect.stringContaining(join(d, 'nope.db')),
    });
    await expect(restoreClinicRecord(join(d, 'gone'), join(d, 'x.db'))).rejects.toMatchObject({
      code: 'BACKUP_SOURCE_MISSING',
    });
    writeFileSync(join(d, 'notes.txt'), 'readings of Tuesday\n');
    await expect(restoreClinicRecord(join(d, 'notes.txt'), join(d, 'x.db'))).rejects.toMatchObject({
      code: 'BACKUP_NOT_A_BACKUP',
      message: expect.stringContaining('is not a clinic backup'),
    });
    const other = new Database(join(d, 'other.sqlite'));
    other.exec('CREATE TABLE t (x)');
    other.close();
    await expect(restoreClinicRecord(join(d, 'other.sqlite'), join(d, 'x.db'))).rejects.toMatchObject({
      code: 'BACKUP_NOT_A_BACKUP',
      message: expect.stringContaining('not a clinic record'),
    });
    await recordWith(join(d, 'clinic.db'), 1);
    await backupClinicRecord(join(d, 'clinic.db'), join(d, 'b'));
    await expect(
      restoreClinicRecord(join(d, 'b'), 'postgres://postgres@127.0.0.1:5432/kd_nowhere'),
    ).rejects.toMatchObject({ code: 'BACKUP_WRONG_KIND', message: expect.stringContaining('SQLite backup') });
  });

  it('names the Debian package when pg_dump is not installed', async () => {
    const path = process.env['PATH'];
    process.env['PATH'] = dir();
    try {
      await expect(
        backupClinicRecord('postgres://postgres@127.0.0.1:5432/postgres', join(dir(), 'pg.backup')),
      ).rejects.toMatchObject({
        code: 'BACKUP_TOOL_MISSING',
        message: expect.stringContaining('apt-get install postgresql-client'),
      });
    } finally {
      process.env['PATH'] = path;
    }
  });

  it('hands a password to pg_dump in PGPASSWORD, never on its command line', () => {
    expect(splitPassword('postgres://clinic:s%40cret@db.local:5432/klinik')).toEqual({
      url: 'postgres://clinic@db.local:5432/klinik',
      env: { PGPASSWORD: 's@cret' },
    });
    expect(splitPassword('postgres://clinic@db.local/klinik').env).toEqual({});
  });
});
