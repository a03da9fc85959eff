// The fleet view at district scale: 5,000 kiosks in 50 clinics and a year of their events (one a
// kiosk a day), SATUSEHAT failures and open referrals, in SQLite, behind a real clinic server
// process. p50 and p99 over real HTTP, one request at a time, of GET /fleet as the operator reads
// it (the summary of every clinic, and the first page of clinics in full), as a puskesmas of 10
// reads it (one page), and of GET /kiosks (a page of 500), beside the baseline of the bare SQL the
// answers are made from, run on the same file in the same run. The aim is a p99 under 200 ms.
// The events are written as ingest writes them: each with its hour's counts in kiosk_event_hours.
// `-- --days N` seeds N days instead of a year (a quicker look while working; report a year).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type KioskStatus, newUuidV7 } from '@klinik-desa/protocol';
import { ApiTestClient, createAdminClient, startClinicServerProcess } from '@klinik-desa/testkit';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { ratio } from './support.js';

const CLINICS = 50;
const KIOSKS_PER_CLINIC = 100;
const { values: cli } = parseArgs({ options: { days: { type: 'string', default: '365' } } });
const DAYS = Number(cli.days);
if (!Number.isInteger(DAYS) || DAYS < 1)
  throw new Error(`bench: --days ${cli.days}: give a whole number of days, 1 or more`);
const ROUNDS = 60;
const DAY = 86_400_000;

const dir = mkdtempSync(join(tmpdir(), 'kd-bench-fleet-'));
const db = join(dir, 'clinic.db');
const config = join(dir, 'clinic.yaml');
// A year of events is kept only when the server is told to keep them that long.
writeFileSync(config, 'http: { rateLimit: false }\nkioskEventsKeepDays: 400\n');
await openSqliteStore(db).close();

const clinicId = (c: number) => `clinic-${String(c).padStart(2, '0')}`;
const seedStart = performance.now();
{
  const raw = new Database(db);
  raw.pragma('synchronous = OFF');
  const now = Date.now();
  const kiosk = raw.prepare(
    `INSERT INTO kiosks (clinic_id, kiosk_id, name, registered_at, rotated_at, status, status_at, state, state_since, last_seen_at, clock_skew_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const event = raw.prepare(
    'INSERT INTO kiosk_events (clinic_id, kiosk_id, id, type, at, received_at, body, event_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const hour = raw.prepare(
    `INSERT INTO kiosk_event_hours (clinic_id, kiosk_id, hour, decode_errors, driver_failures, devices_lost) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (clinic_id, kiosk_id, hour) DO UPDATE SET decode_errors = decode_errors + excluded.decode_errors,
       driver_failures = driver_failures + excluded.driver_failures, devices_lost = devices_lost + excluded.devices_lost`,
  );
  const types = ['decode-errors', 'device-lost', 'device-attached', 'started', 'driver-failed'] as const;
  raw.transaction(() => {
    for (let c = 0; c < CLINICS; c++) {
      for (let k = 0; k < KIOSKS_PER_CLINIC; k++) {
        const clinic = clinicId(c);
        const kioskId = `kiosk-${String(k).padStart(3, '0')}`;
        const seen = new Date(now - (k % 10 === 0 ? 3 * 3_600_000 : 20_000)).toISOString();
        const status: KioskStatus = {
          state: k % 10 === 0 ? 'offline' : 'online',
          clinicId: clinic,
          kioskId,
          at: seen,
          version: '1.4.0',
          startedAt: new Date(now - 5 * DAY).toISOString(),
          devices: [
            {
              id: 'scale-1',
              protocol: 'and-scale',
              state: k % 37 === 0 ? 'failed' : 'connected',
              errors: { BAD_CHECKSUM: k % 5 },
            },
            { id: 'spo2-1', protocol: 'cms50', state: 'connected', errors: {} },
            { id: 'bp-1', protocol: 'gatt-2a35', state: 'disconnected', errors: {} },
            { id: 'glucose-1', protocol: 'contour', state: 'connected', errors: {} },
          ],
          outbox: {
            depth: k % 7,
            capacity: 100_000,
            ...(k % 7 > 0 ? { oldestAt: new Date(now - (k % 13) * 3_600_000 * 3).toISOString() } : {}),
            nearlyFull: false,
          },
        };
        kiosk.run(
          clinic,
          kioskId,
          `Pos ${k}`,
          new Date(now - 400 * DAY).toISOString(),
          new Date(now - 400 * DAY).toISOString(),
          JSON.stringify(status),
          seen,
          status.state,
          seen,
          seen,
          (k % 11) * 60_000 - 300_000,
        );
        for (let d = 0; d < DAYS; d++) {
          const at = new Date(now - d * DAY - k * 1000).toISOString();
          const type = types[(d + k) % types.length]!;
          const body = {
            id: newUuidV7(now - d * DAY),
            clinicId: clinic,
            kioskId,
            at,
            type,
            deviceId: 'scale-1',
            ...(type === 'decode-errors' ? { code: 'BAD_CHECKSUM', count: 3 } : {}),
          };
          event.run(clinic, kioskId, body.id, type, at, at, JSON.stringify(body), body.count ?? null);
          const n = body.count ?? 1;
          if (type === 'decode-errors' || type === 'driver-failed' || type === 'device-lost') {
            hour.run(
              clinic,
              kioskId,
              at.slice(0, 13),
              type === 'decode-errors' ? n : 0,
              type === 'driver-failed' ? n : 0,
              type === 'device-lost' ? n : 0,
            );
          }
        }
      }
    }
    raw
      .prepare(
        `INSERT INTO patients (id, nik, name, name_key, birth_date, sex, created_at) VALUES ('p-bench', '3201014509800007', 'Sri', 'sri', '1980-09-05', 'female', ?)`,
      )
      .run(new Date(now).toISOString());
    const screening = raw.prepare(
      `INSERT INTO screenings (id, patient_id, clinic_id, kiosk_id, status, opened_at, finished_at, fwd_status, fwd_http_status, fwd_outcome)
       VALUES (?, 'p-bench', ?, 'kiosk-000', 'finished', ?, ?, ?, ?, ?)`,
    );
    const referral = raw.prepare(
      `INSERT INTO referrals (id, reading_id, flag_code, clinic_id, kiosk_id, severity, flag, status, created_at)
       VALUES (?, ?, 'bp.grade-3', ?, 'kiosk-000', 'urgent', '{}', ?, ?)`,
    );
    for (let i = 0; i < 20_000; i++) {
      const at = new Date(now - (i % DAYS) * DAY).toISOString();
      const failed = i % 10 === 0;
      screening.run(
        newUuidV7(),
        clinicId(i % CLINICS),
        at,
        at,
        failed ? 'failed' : 'sent',
        failed ? (i % 20 === 0 ? 400 : null) : 201,
        failed
          ? i % 20 === 0
            ? '{"resourceType":"OperationOutcome"}'
            : '{"code":"NO_IHS_NUMBER","message":"x"}'
          : null,
      );
      referral.run(
        newUuidV7(),
        newUuidV7(),
        clinicId(i % CLINICS),
        i % 4 === 0 ? 'open' : 'acknowledged',
        at,
      );
    }
  })();
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();
}
const seedSeconds = (performance.now() - seedStart) / 1000;

const national = createAdminClient(db);
const puskesmas = createAdminClient(
  db,
  Array.from({ length: 10 }, (_, c) => clinicId(c)),
);
const server = await startClinicServerProcess('clinic-server', [
  '--db',
  db,
  '--config',
  config,
  '--broker-port',
  '0',
]);

interface Figures {
  p50: number;
  p99: number;
  bytes: number;
}

function figures(times: number[], bytes: number): Figures {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { p50: at(0.5), p99: at(0.99), bytes };
}

async function overHttp(token: string, path: string): Promise<Figures> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < ROUNDS + 3; i++) {
    const t0 = performance.now();
    const r = await fetch(`${server.httpUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = await r.arrayBuffer();
    const ms = performance.now() - t0;
    if (!r.ok)
      throw new Error(`bench: ${path} answered ${r.status}: ${Buffer.from(body).toString().slice(0, 300)}`);
    bytes = body.byteLength;
    // The first few warm the server's statement cache and the JIT.
    if (i >= 3) times.push(ms);
  }
  return figures(times, bytes);
}

function bareSql(run: () => unknown): Figures {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS + 3; i++) {
    const t0 = performance.now();
    run();
    if (i >= 3) times.push(performance.now() - t0);
  }
  return figures(times, 0);
}

try {
  const op = await new ApiTestClient(server.httpUrl, national.clientId, national.clientSecret).signIn();
  const pk = await new ApiTestClient(server.httpUrl, puskesmas.clientId, puskesmas.clientSecret).signIn();
  const raw = new Database(db, { readonly: true });
  const since = () => new Date(Date.now() - DAY).toISOString();
  // The bare reads of each answer: the clinic ids of the page from the kiosks' key, the kiosks of
  // those clinics, and their last day's counts from the hourly rows (the whole hours).
  const idsSql = (n: number) =>
    raw.prepare(`SELECT DISTINCT clinic_id FROM kiosks WHERE clinic_id > '' ORDER BY clinic_id LIMIT ${n}`);
  const kiosksSql = raw.prepare(
    'SELECT clinic_id, kiosk_id, name, registered_at, state, last_seen_at, status, clock_skew_ms FROM kiosks WHERE clinic_id >= ? AND clinic_id <= ?',
  );
  const hoursSql = raw.prepare(
    `SELECT clinic_id, kiosk_id, SUM(decode_errors), SUM(driver_failures), SUM(devices_lost) FROM kiosk_event_hours
     WHERE hour >= ? AND clinic_id >= ? AND clinic_id <= ? GROUP BY clinic_id, kiosk_id`,
  );
  const bareView = (clinics: number) => {
    const ids = idsSql(clinics + 1);
    return bareSql(() => {
      const page = (ids.all() as { clinic_id: string }[]).slice(0, clinics);
      const range = [page[0]!.clinic_id, page.at(-1)!.clinic_id];
      return [kiosksSql.all(...range), hoursSql.all(since().slice(0, 13), ...range)];
    });
  };
  const pageSql = raw.prepare('SELECT * FROM kiosks ORDER BY clinic_id, kiosk_id LIMIT 501');
  // The summary's baseline is the bare per-kiosk read of every clinic (what a summary made from
  // the kiosks one by one would read), not the aggregate it does read.
  const everyBare = bareView(CLINICS);
  const pageOf10Bare = bareView(10);
  const kiosksBare = bareSql(() => pageSql.all());
  const rows = [
    [
      'GET /fleet?summary=true, operator',
      await overHttp(op.accessToken, '/fleet?summary=true&limit=100'),
      everyBare,
    ],
    ['GET /fleet, operator (first 10 clinics)', await overHttp(op.accessToken, '/fleet'), pageOf10Bare],
    ['GET /fleet, puskesmas (its 10 clinics)', await overHttp(pk.accessToken, '/fleet'), pageOf10Bare],
    ['GET /kiosks?limit=500, operator', await overHttp(op.accessToken, '/kiosks?limit=500'), kiosksBare],
  ] as const;
  raw.close();
  const events = CLINICS * KIOSKS_PER_CLINIC * DAYS;
  console.log(
    `Fleet view on SQLite: ${CLINICS * KIOSKS_PER_CLINIC} kiosks in ${CLINICS} clinics, ${events.toLocaleString('en-US')} kiosk events (a year), seeded in ${seedSeconds.toFixed(0)} s; ${ROUNDS} requests each, one at a time, over loopback HTTP`,
  );
  console.log('  baseline: the bare SQL the answer is read from, on the same file, in this process');
  for (const [name, http, bare] of rows) {
    console.log(
      `  ${name.padEnd(40)} p50 ${http.p50.toFixed(1).padStart(6)} ms  p99 ${http.p99.toFixed(1).padStart(6)} ms  (${(http.bytes / 1024).toFixed(0)} KiB)   bare SQL p50 ${bare.p50.toFixed(1).padStart(5)} ms p99 ${bare.p99.toFixed(1).padStart(5)} ms   p99 ${ratio(http.p99, bare.p99)} bare   ${http.p99 < 200 ? 'within' : 'OVER'} the 200 ms aim`,
    );
  }
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
