import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { bpReading } from '../testing/fixtures.js';
import { openSqliteStore } from './sqlite-store.js';
import { WalCheckpointer } from './wal-checkpointer.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function walDatabase(): { path: string; db: Database.Database } {
  const path = join(mkdtempSync(join(tmpdir(), 'kd-wal-')), 'clinic.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // Only the checkpointer may copy the WAL back in these tests.
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
  cleanups.push(() => db.close());
  return { path, db };
}

const fill = (db: Database.Database, rows: number) => {
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run('x'.repeat(1000));
  })();
};

describe('WalCheckpointer', () => {
  it('copies every committed frame back into the database file, from its own thread', async () => {
    const { path, db } = walDatabase();
    const checkpointer = new WalCheckpointer(path, 60_000);
    cleanups.push(() => checkpointer.close());
    fill(db, 2000);
    const result = await checkpointer.checkpointNow();
    expect(result.log).toBeGreaterThan(400);
    expect(result.checkpointed).toBe(result.log);
    // The database file now holds the rows without the WAL: a reader that ignores it sees them.
    const copy = new Database(path, { readonly: true });
    cleanups.push(() => copy.close());
    expect((copy.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(2000);
  });

  it('checkpoints by itself shortly after a write, and not while nothing is written', async () => {
    const { path, db } = walDatabase();
    const checkpointer = new WalCheckpointer(path, 20);
    cleanups.push(() => checkpointer.close());
    await new Promise((r) => setTimeout(r, 100));
    expect(checkpointer.checkpoints).toBe(0);
    fill(db, 300);
    checkpointer.noteWrite();
    const deadline = Date.now() + 5000;
    while (checkpointer.checkpoints === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(checkpointer.checkpoints).toBe(1);
    expect(checkpointer.last?.checkpointed).toBe(checkpointer.last?.log);
    expect(checkpointer.last?.log).toBeGreaterThan(50);
  });

  it('lets the writer commit while it runs', async () => {
    const { path, db } = walDatabase();
    const checkpointer = new WalCheckpointer(path, 60_000);
    cleanups.push(() => checkpointer.close());
    fill(db, 5000);
    const running = checkpointer.checkpointNow();
    fill(db, 10);
    await running;
    expect((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(5010);
  });

  it('is started and stopped with a SQLite store on a file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kd-wal-store-')), 'clinic.db');
    const store = openSqliteStore(path);
    const reading = bpReading({});
    await store.ingestReadings([reading], { skipKioskCheck: true });
    await store.close();
    // Closed cleanly: the file opens again and holds the reading.
    const again = openSqliteStore(path);
    cleanups.push(() => again.close());
    expect(await again.getReading(reading.id)).toEqual(reading);
  });
});
