import { createTestDatabase } from '@klinik-desa/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClinicAccess, EVERY_CLINIC } from '../domain/access.js';
import { bpReading } from '../testing/fixtures.js';
import { openPostgresStore } from './open.js';
import { openPgExecutor, type SqlExecutor, type SqlValue } from './sql.js';
import { SqlClinicStore } from './sql-store.js';

/**
 * The API's reads of the readings table, as the store really issues them, planned by PostgreSQL
 * over a month of 60,000 readings of 500 clinics: none may read a whole partition.
 */

const ROWS = 60_000;
const ONE_CLINIC: ClinicAccess = { all: false, clinicIds: ['c-7'] };

/** The executor the store is given, noting every read of the readings table it passes on. */
function recording(inner: SqlExecutor, seen: { sql: string; params: readonly SqlValue[] }[]): SqlExecutor {
  const note = (sql: string, params: readonly SqlValue[] | undefined) => {
    if (/\bFROM readings\b/.test(sql) && /^\s*SELECT/i.test(sql)) seen.push({ sql, params: params ?? [] });
  };
  return {
    ...inner,
    all(sql, params) {
      note(sql, params);
      return inner.all(sql, params);
    },
    get(sql, params) {
      note(sql, params);
      return inner.get(sql, params);
    },
    transaction: (fn) => inner.transaction((tx) => fn(recording(tx, seen))),
  };
}

// Every row carries one whole reading as its body: observations are read out of it.
const BODY = JSON.stringify(bpReading()).replaceAll("'", "''");

// Ids of the month December 2026 as UUIDv7 text: its first millisecond plus the row number.
const SEED = `
  INSERT INTO patients (id, name, name_key, birth_date, sex, created_at)
    SELECT 'p-' || g, 'P ' || g, 'p ' || g, '1980-01-01', 'female', '2026-12-01T00:00:00.000Z'
    FROM generate_series(0, 5999) g;
  INSERT INTO screenings (id, patient_id, clinic_id, kiosk_id, status, opened_at)
    SELECT 's-' || g, 'p-' || (g % 6000), 'c-' || (g % 500), 'k-' || (g % 4), 'finished', '2026-12-01T00:00:00.000Z'
    FROM generate_series(0, ${ROWS / 8 - 1}) g;
  INSERT INTO readings (id, clinic_id, kiosk_id, device_id, kind, session_id, patient_id, measured_at, received_at,
      stored_at, body, screening_id, assignment, measured_utc, severity)
    SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-7000-8000-' || lpad(to_hex(g), 12, '0'),
      'c-' || ((g / 8) % 500), 'k-' || ((g / 8) % 4), 'bp-1', (ARRAY['blood-pressure','weight','spo2'])[g % 3 + 1],
      CASE WHEN g % 20 = 0 THEN NULL ELSE 's-' || (g / 8) END,
      CASE WHEN g % 20 = 0 THEN NULL ELSE 'p-' || ((g / 8) % 6000) END,
      '2026-12-02T00:00:00.000Z', '2026-12-02T00:00:00.000Z', '2026-12-02T00:00:00.000Z',
      '${BODY}',
      CASE WHEN g % 20 = 0 THEN NULL ELSE 's-' || (g / 8) END,
      CASE WHEN g % 20 = 0 THEN 'unassigned' ELSE 'assigned' END,
      '2026-12-02T00:00:00.000Z', 0
    FROM (SELECT g, lpad(to_hex(1796083200000 + g * 40), 12, '0') AS h FROM generate_series(0, ${ROWS - 1}) g) t;
  ANALYZE;
`;

describe('PostgreSQL plans of the API reads of readings', () => {
  let done: () => Promise<void>;
  let store: SqlClinicStore;
  let explain: (sql: string, params: readonly SqlValue[]) => Promise<string[]>;
  const seen: { sql: string; params: readonly SqlValue[] }[] = [];

  beforeAll(async () => {
    const db = await createTestDatabase();
    (await openPostgresStore(db.url)).close();
    const { executor, pool } = openPgExecutor(db.url);
    await executor.exec(
      "SELECT readings_month_partition(timestamp '2026-11-01'), readings_month_partition(timestamp '2026-12-01'), readings_month_partition(timestamp '2027-01-01')",
    );
    await executor.exec(SEED);
    store = new SqlClinicStore(recording(executor, seen));
    explain = async (sql, params) => {
      const rows = await executor.all<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
      return rows.map((r) => r['QUERY PLAN']);
    };
    done = async () => {
      await pool.end();
      await db.drop();
    };
  }, 120_000);
  afterAll(() => done());

  const cases: [string, () => Promise<unknown>][] = [
    ['a reading by id', () => store.getReading(readingId(4242))],
    ['its observations', () => store.observationsOfReading(readingId(4242))],
    ['its assignment, in a clinic', () => store.getReadingAssignment(readingId(4240), ONE_CLINIC)],
    [
      'observations of a patient',
      () => store.listObservations({ patientId: 'p-17' }, { limit: 50 }, EVERY_CLINIC),
    ],
    [
      'observations of a screening',
      () => store.listObservations({ screeningId: 's-99' }, { limit: 50 }, EVERY_CLINIC),
    ],
    ['observations of one clinic', () => store.listObservations({}, { limit: 50 }, ONE_CLINIC)],
    [
      'observations of one clinic, of a kind',
      () => store.listObservations({ kind: 'weight' }, { limit: 50 }, ONE_CLINIC),
    ],
    [
      'unassigned readings of a kiosk',
      () => store.listUnassigned({ clinicId: 'c-7', kioskId: 'k-3' }, { limit: 50 }, ONE_CLINIC),
    ],
    ['a screening with its readings', () => store.getScreeningDetail('s-1234', EVERY_CLINIC)],
    [
      'screenings of a patient, with severity',
      () => store.listScreenings({ patientId: 'p-17' }, { limit: 50 }, EVERY_CLINIC),
    ],
  ];

  for (const [name, run] of cases) {
    it(`reads no whole partition: ${name}`, async () => {
      seen.length = 0;
      await run();
      expect(seen.length).toBeGreaterThan(0);
      for (const { sql, params } of seen) {
        const plan = await explain(sql, params);
        const scans = plan.filter((line) => /Seq Scan on readings_2026m12/.test(line));
        expect(scans, `${sql}\n${plan.join('\n')}`).toEqual([]);
      }
    });
  }
});

function readingId(g: number): string {
  const h = (1796083200000 + g * 40).toString(16).padStart(12, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-7000-8000-${g.toString(16).padStart(12, '0')}`;
}
