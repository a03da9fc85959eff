import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@klinik-desa/testkit';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { bpReading } from '../testing/fixtures.js';
import { openPostgresStore } from './open.js';
import { monthStart } from './readings-partitions.js';
import { openPgExecutor, type SqlExecutor } from './sql.js';
import { SqlClinicStore } from './sql-store.js';

// Later than the machine's clock, whose month the migration made: these months are the test's own.
const NOW = new Date('2030-03-15T12:00:00.000Z');

/** A UUIDv7 made at `iso` (newUuidV7 never goes back in time within a process, these must). */
function at(iso: string): string {
  const h = Date.parse(iso).toString(16).padStart(12, '0');
  const r = randomBytes(9).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-7${r.slice(0, 3)}-a${r.slice(3, 6)}-${r.slice(6)}`;
}

/** Where each reading's row lives: its partition's name, by reading id. */
async function partitionsOf(db: SqlExecutor): Promise<Map<string, string>> {
  const rows = await db.all<{ id: string; part: string }>(
    'SELECT id, tableoid::regclass::text AS part FROM readings',
  );
  return new Map(rows.map((r) => [r.id, r.part]));
}

const databases: TestDatabase[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  for (const d of databases.splice(0)) await d.drop();
});

async function database(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  databases.push(db);
  return db;
}

async function open(url: string): Promise<SqlClinicStore> {
  const store = await openPostgresStore(url);
  cleanups.push(() => store.close());
  return store;
}

describe('PostgreSQL readings partitioned by month', () => {
  it('moves a populated version 9 record into monthly partitions and still refuses its duplicates', async () => {
    const db = await database();
    const { executor, pool } = openPgExecutor(db.url);
    cleanups.push(() => pool.end());
    const old = new SqlClinicStore(executor);
    await old.migrate(9);
    const readings = [
      bpReading({ id: at('2026-03-14T08:00:00Z'), patientId: 'p-1' }),
      bpReading({ id: at('2026-03-31T23:59:59.999Z') }),
      bpReading({ id: at('2026-11-02T09:30:00Z'), sessionId: 's-unknown' }),
      // A kiosk whose clock was decades behind: no month of its own, kept in the default partition.
      bpReading({ id: at('1999-06-01T00:00:00Z') }),
    ];
    const before = await old.ingestReadings(readings);
    expect(before.map((o) => o.status)).toEqual(['stored', 'stored', 'stored', 'stored']);

    const store = await open(db.url);
    expect(await store.countReadings()).toBe(4);
    const parts = await partitionsOf(executor);
    expect(parts.get(readings[0]!.id)).toBe('readings_2026m03');
    expect(parts.get(readings[1]!.id)).toBe('readings_2026m03');
    expect(parts.get(readings[2]!.id)).toBe('readings_2026m11');
    expect(parts.get(readings[3]!.id)).toBe('readings_default');
    for (const r of readings) expect(await store.getReading(r.id)).toEqual(r);

    // The kiosk resends all of them (its receipt was lost): every one is a duplicate, none stored twice.
    expect((await store.ingestReadings(readings)).map((o) => o.status)).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    expect(await store.countReadings()).toBe(4);
    const exported: string[] = [];
    for await (const r of store.exportReadings()) exported.push(r.id);
    expect(exported).toEqual(readings.map((r) => r.id).sort());
  });

  it('stores a reading sent by two workers at once exactly once', async () => {
    const db = await database();
    const first = await open(db.url);
    const second = await open(db.url);
    await first.upkeepReadingPartitions(new Date());
    const batch = Array.from({ length: 200 }, () => bpReading());
    const [a, b] = await Promise.all([
      first.ingestReadings(batch),
      second.ingestReadings([...batch].reverse()),
    ]);
    const stored = [...a, ...b].filter((o) => o.status === 'stored').length;
    expect(stored).toBe(batch.length);
    expect([...a, ...b].filter((o) => o.status === 'duplicate').length).toBe(batch.length);
    expect(await first.countReadings()).toBe(batch.length);
  });

  it('makes the months ahead, and a month made late takes its readings out of the default partition', async () => {
    const db = await database();
    const store = await open(db.url);
    const { executor, pool } = openPgExecutor(db.url);
    cleanups.push(() => pool.end());
    // From a kiosk whose clock runs half a year ahead: no partition for that month yet.
    const ahead = bpReading({ id: at('2030-09-10T10:00:00Z') });
    await store.ingestReadings([ahead]);
    expect((await partitionsOf(executor)).get(ahead.id)).toBe('readings_default');

    const first = await store.upkeepReadingPartitions(NOW);
    expect(first.created).toEqual([
      'readings_2030m03',
      'readings_2030m04',
      'readings_2030m05',
      'readings_2030m06',
    ]);
    expect((await store.upkeepReadingPartitions(NOW)).created).toEqual([]);

    const later = await store.upkeepReadingPartitions(new Date('2030-07-01T00:00:00Z'));
    expect(later.created).toEqual([
      'readings_2030m07',
      'readings_2030m08',
      'readings_2030m09',
      'readings_2030m10',
    ]);
    expect((await partitionsOf(executor)).get(ahead.id)).toBe('readings_2030m09');
    expect(await store.getReading(ahead.id)).toEqual(ahead);
    expect((await store.ingestReadings([ahead]))[0]?.status).toBe('duplicate');
  });

  it('drops whole months past the keeping time, audits each, and keeps the rest', async () => {
    const db = await database();
    const store = await open(db.url);
    const { executor, pool } = openPgExecutor(db.url);
    cleanups.push(() => pool.end());
    for (let back = 0; back <= 14; back++) {
      await store.upkeepReadingPartitions(monthStart(NOW, -back), { monthsAhead: 0 });
    }
    const old = bpReading({ id: at('2029-03-31T23:59:59.999Z') });
    const kept = bpReading({ id: at('2029-04-01T00:00:00Z') });
    const stray = bpReading({ id: at('1999-01-01T00:00:00Z') });
    await store.ingestReadings([old, kept, stray]);

    await expect(store.upkeepReadingPartitions(NOW, { keepMonths: 0 })).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringContaining('readingsKeepMonths'),
    });
    const months = await executor.all<{ name: string }>(
      "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'readings'::regclass ORDER BY 1",
    );
    const done = await store.upkeepReadingPartitions(NOW, { keepMonths: 11 });
    // Kept: March 2030 and the 11 months before it, from April 2029 on (and the default partition).
    expect(done.dropped).toEqual(
      months.map((m) => m.name).filter((name) => name < 'readings_2029m04' && name !== 'readings_default'),
    );
    expect(done.dropped).toEqual(
      expect.arrayContaining(['readings_2029m01', 'readings_2029m02', 'readings_2029m03']),
    );
    expect(await store.getReading(old.id)).toBeUndefined();
    expect(await store.getReading(kept.id)).toEqual(kept);
    // The default partition holds readings of clocks far off: never dropped by the keeping time.
    expect(await store.getReading(stray.id)).toEqual(stray);
    const audit = await executor.all<{ resource_id: string; action: string; client_id: string }>(
      "SELECT resource_id, action, client_id FROM audit_log WHERE resource_type = 'readings-partition' ORDER BY resource_id",
    );
    expect(audit).toEqual(
      done.dropped.map((name) => ({
        resource_id: name,
        action: 'drop-readings-month',
        client_id: 'clinic-server',
      })),
    );
    expect((await store.upkeepReadingPartitions(NOW, { keepMonths: 11 })).dropped).toEqual([]);
  });

  it('gives up a drop that would queue ingest behind a long read, and drops the month on a later turn', async () => {
    const db = await database();
    const store = await open(db.url);
    await store.upkeepReadingPartitions(monthStart(NOW, -3), { monthsAhead: 6 });
    const report = new pg.Client({ connectionString: db.url });
    await report.connect();
    cleanups.push(() => report.end());
    // A report reading the readings in a long transaction holds its lock until it ends.
    await report.query('BEGIN');
    await report.query('SELECT count(*) FROM readings');
    const waited = await store.upkeepReadingPartitions(NOW, { keepMonths: 1 });
    expect(waited.dropped).toEqual([]);
    // One wait a turn: the first month due (by name) is left, and the rest with it.
    expect(waited.deferred).toHaveLength(1);
    expect(waited.deferred[0]! < 'readings_2030m02').toBe(true);
    // Giving up is not a store-wide failure: the record is not reported in trouble for it.
    expect(await store.trouble()).toBeUndefined();
    const { executor, pool } = openPgExecutor(db.url);
    cleanups.push(() => pool.end());
    const left = await executor.all<{ n: number }>(
      "SELECT count(*) AS n FROM pg_class WHERE relname = 'readings_2029m12'",
    );
    expect(left).toEqual([{ n: 1 }]);
    await report.query('COMMIT');
    expect((await store.upkeepReadingPartitions(NOW, { keepMonths: 1 })).dropped).toContain(
      'readings_2029m12',
    );
  });
});
