import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { bpReading } from '../testing/fixtures.js';
import { SqliteExecutor } from './sql.js';
import { SqlClinicStore } from './sql-store.js';
import { openSqliteStore } from './sqlite-store.js';
import { StoreCondition, TROUBLE_HOLD_MS } from './store-condition.js';
import { StoreUnavailableError, storeWideReason } from './store-unavailable.js';

/** A migrated record in memory whose database may not grow past the pages it has: a full disk. */
async function fullRecord() {
  const db = new Database(':memory:');
  const clock = { now: Date.parse('2026-12-07T08:00:00Z') };
  const executor = new SqliteExecutor(db, {}, new StoreCondition({ now: () => clock.now }));
  const store = new SqlClinicStore(executor);
  await store.migrate();
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages}`);
  return { db, clock, executor, store, free: () => db.pragma(`max_page_count = ${pages + 10_000}`) };
}

/** Enough readings that their rows need pages the full record does not have. */
const someReadings = () => Array.from({ length: 50 }, () => bpReading());

describe('store-wide failures, told by the error itself', () => {
  it('turns SQLite’s full disk into StoreUnavailableError, holds it while only reads work, and ends it once writes work for a while', async () => {
    const { clock, executor, store, free } = await fullRecord();
    const readings = someReadings();
    const error = await store.ingestReadings(readings).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', reason: 'SQLITE_FULL', retryable: true });
    expect((error as Error).cause).toMatchObject({ code: 'SQLITE_FULL' });
    // A read still works on a full disk: it must not end the trouble.
    expect(await store.countReadings()).toBe(0);
    expect(executor.condition.trouble).toMatchObject({
      error: { reason: 'SQLITE_FULL' },
      since: '2026-12-07T08:00:00.000Z',
    });

    // A small write fits where a batch does not (the probe's row lives in a page the record has):
    // the trouble holds while batches go on failing.
    expect((await store.trouble())?.error.reason).toBe('SQLITE_FULL');
    clock.now += TROUBLE_HOLD_MS / 2;
    await expect(store.ingestReadings(readings)).rejects.toBeInstanceOf(StoreUnavailableError);
    clock.now += TROUBLE_HOLD_MS / 2 + 1;
    expect((await store.trouble())?.since).toBe('2026-12-07T08:00:00.000Z');

    free();
    const outcomes = await store.ingestReadings(readings);
    expect(outcomes.every((o) => o.status === 'stored')).toBe(true);
    expect(await store.trouble()).toBeDefined();
    clock.now += TROUBLE_HOLD_MS;
    expect(await store.trouble()).toBeUndefined();
    await store.close();
  });

  it('turns a read-only database file into StoreUnavailableError', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kd-readonly-')), 'clinic.db');
    openSqliteStore(path).close();
    const store = new SqlClinicStore(new SqliteExecutor(new Database(path, { readonly: true })));
    const error = await store.ingestReadings([bpReading()]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).reason).toMatch(/^SQLITE_READONLY/);
    // The probe's write fails the same way, so the trouble stands, since when it began.
    const trouble = await store.trouble();
    expect(trouble?.error.reason).toMatch(/^SQLITE_READONLY/);
    expect((await store.trouble())?.since).toBe(trouble?.since);
    await store.close();
  });

  it('lets a statement’s own failure (a constraint) through as it is, without calling the store unavailable', async () => {
    const db = new Database(':memory:');
    const executor = new SqliteExecutor(db);
    const store = new SqlClinicStore(executor);
    await store.migrate();
    const error = await executor
      .run('INSERT INTO store_probe (id, at) VALUES (2, ?)', ['now'])
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(StoreUnavailableError);
    expect((error as { code?: string }).code).toBe('SQLITE_CONSTRAINT_CHECK');
    expect(await store.trouble()).toBeUndefined();
    await store.close();
  });

  it('rolls a failed transaction back, so the next one starts clean', async () => {
    const { db, store, free } = await fullRecord();
    await expect(store.ingestReadings(someReadings())).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(db.inTransaction).toBe(false);
    free();
    expect(await store.ingestReadings([bpReading()])).toEqual([{ status: 'stored' }]);
    await store.close();
  });

  it('knows PostgreSQL’s store-wide SQLSTATEs and connection errors from a statement’s own', () => {
    for (const code of [
      '53100',
      '53200',
      '53300',
      '08006',
      '08001',
      '57P01',
      '57P03',
      '58030',
      '25006',
      '40001',
      '40P01',
      'ECONNREFUSED',
    ]) {
      expect(storeWideReason(Object.assign(new Error('x'), { code })), code).toBe(code);
    }
    // Unique and check violations, bad input, an undefined column: the statement's own.
    for (const code of ['23505', '23514', '22P02', '42703', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_MISMATCH']) {
      expect(storeWideReason(Object.assign(new Error('x'), { code })), code).toBeUndefined();
    }
    expect(storeWideReason(new Error('Connection terminated unexpectedly'))).toBe('CONNECTION_LOST');
    expect(storeWideReason(new Error('CHECK constraint failed'))).toBeUndefined();
  });
});
