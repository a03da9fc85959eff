import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { EVERY_CLINIC } from '../domain/access.js';
import { ConfigError } from '../errors.js';
import { bpReading } from '../testing/fixtures.js';
import { writeVersion1Record } from '../testing/old-records.js';
import { describeStoreContract, seedAuditBeforePatientColumn } from './contract.suite.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { applyWritePragmas, openSqliteStore } from './sqlite-store.js';

/** A record file brought to `version` only, as an older server left it, open for seeding. */
function recordAtVersion(version: number) {
  const path = join(mkdtempSync(join(tmpdir(), 'kd-migrate-')), 'clinic.db');
  const old = new Database(path);
  old.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  for (const m of SQLITE_MIGRATIONS.filter((m) => m.version <= version)) {
    old.exec(m.sql);
    old
      .prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)')
      .run(m.version, m.name, new Date().toISOString());
  }
  return { path, old };
}

describeStoreContract('SQLite', async () => {
  const store = openSqliteStore(':memory:');
  return { store, done: () => store.close() };
});

describe('SQLite durability', () => {
  it('syncs every commit to disk, since a receipt sent after it lets the kiosk forget the reading', () => {
    const db = new Database(join(mkdtempSync(join(tmpdir(), 'kd-sync-')), 'clinic.db'));
    try {
      applyWritePragmas(db);
      // 2 is FULL; NORMAL (1) in WAL mode syncs only at checkpoints, so a power cut loses commits.
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });
});

describe('SQLite migrations', () => {
  it('bring a foundation (version 1) record forward, keeping its readings as unassigned', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kd-migrate-')), 'clinic.db');
    const r = bpReading({ measuredAt: '2026-11-23T09:00:00+07:00' });
    writeVersion1Record(path, [r]);

    const store = openSqliteStore(path);
    try {
      expect(await store.getReading(r.id)).toEqual(r);
      expect(
        (await store.listUnassigned({}, { limit: 10 }, EVERY_CLINIC)).data.map((u) => u.readingId),
      ).toEqual([r.id]);
      const inRange = await store.listObservations(
        { from: '2026-11-23T02:00:00Z', to: '2026-11-23T02:00:01Z' },
        { limit: 10 },
        EVERY_CLINIC,
      );
      expect(inRange.data.map((o) => o.name)).toEqual(['systolic', 'diastolic']);
    } finally {
      await store.close();
    }
  });

  it('give the readings of a version 2 record a rowid, keeping every column and index', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kd-migrate-')), 'clinic.db');
    const old = new Database(path);
    old.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    for (const m of SQLITE_MIGRATIONS.slice(0, 2)) {
      old.exec(m.sql);
      old
        .prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)')
        .run(m.version, m.name, new Date().toISOString());
    }
    const readings = [bpReading(), bpReading(), bpReading()];
    const insert = old.prepare(
      'INSERT INTO readings (id, clinic_id, kiosk_id, device_id, kind, patient_id, measured_at, received_at, stored_at, body, assignment, resolved_at, resolved_by, discard_reason, measured_utc, severity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const [i, r] of readings.entries()) {
      insert.run(
        r.id,
        r.clinicId,
        r.kioskId,
        r.device.id,
        r.kind,
        `patient-${i}`,
        r.measuredAt,
        r.receivedAt,
        r.receivedAt,
        JSON.stringify(r),
        i === 2 ? 'discarded' : 'unassigned',
        i === 2 ? r.receivedAt : null,
        i === 2 ? 'nurse-1' : null,
        i === 2 ? 'wrong patient' : null,
        r.measuredAt,
        i,
      );
    }
    const columns = (db: Database.Database) =>
      (db.prepare('PRAGMA table_info(readings)').all() as { name: string }[]).map((c) => c.name);
    const before = { columns: columns(old), rows: old.prepare('SELECT * FROM readings ORDER BY id').all() };
    expect(() => old.prepare('SELECT rowid FROM readings').all()).toThrow(/rowid/);
    old.close();

    const store = openSqliteStore(path);
    await store.close();
    const db = new Database(path, { readonly: true });
    try {
      expect(columns(db)).toEqual(before.columns);
      expect(db.prepare('SELECT * FROM readings ORDER BY id').all()).toEqual(before.rows);
      expect(db.prepare('SELECT rowid FROM readings').all()).toHaveLength(3);
      const indexes = db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'readings' AND sql IS NOT NULL",
        )
        .all()
        .map((r) => (r as { name: string }).name)
        .sort();
      expect(indexes).toEqual([
        'readings_by_kiosk',
        'readings_by_patient',
        'readings_by_screening',
        'readings_by_session',
        'readings_unassigned',
      ]);
      expect(db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
      expect(db.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(
        SQLITE_MIGRATIONS.at(-1)!.version,
      );
    } finally {
      db.close();
    }
  });

  it('name the patient on the audit lines of a version 4 record', async () => {
    const { path, old } = recordAtVersion(4);
    const seeded = await seedAuditBeforePatientColumn(async (sql, params) => old.prepare(sql).run(...params));
    old.close();
    const store = openSqliteStore(path);
    try {
      await seeded.check(store);
    } finally {
      await store.close();
    }
  });

  it("count a version 10 record's kiosk events in the fleet view from their kept bodies", async () => {
    const { path, old } = recordAtVersion(10);
    const at = '2026-12-07T10:00:00.000Z';
    old
      .prepare(
        "INSERT INTO kiosks (clinic_id, kiosk_id, registered_at, rotated_at) VALUES ('c-1', 'k-1', ?, ?)",
      )
      .run(at, at);
    const insert = old.prepare(
      "INSERT INTO kiosk_events (clinic_id, kiosk_id, id, type, at, received_at, body) VALUES ('c-1', 'k-1', ?, ?, ?, ?, ?)",
    );
    insert.run('e1', 'decode-errors', at, at, JSON.stringify({ type: 'decode-errors', count: 12 }));
    // A message that says "count" is not a count.
    insert.run('e2', 'device-lost', at, at, JSON.stringify({ type: 'device-lost', message: 'count me out' }));
    old.close();
    const store = openSqliteStore(path);
    try {
      const facts = await store.fleetFacts({ recentSince: '2026-12-07T00:00:00.000Z' }, EVERY_CLINIC);
      expect(facts.kiosks[0]!.recent).toEqual({ decodeErrors: 12, driverFailures: 0, devicesLost: 1 });
    } finally {
      await store.close();
    }
  });

  it('refuse a record newer than the server', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kd-migrate-')), 'clinic.db');
    const db = new Database(path);
    db.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    db.prepare('INSERT INTO schema_migrations VALUES (99, ?, ?)').run('future', new Date().toISOString());
    db.close();
    expect(() => openSqliteStore(path)).toThrow(ConfigError);
    expect(() => openSqliteStore(path)).toThrow(/schema version 99/);
  });
});
