// Sustained MQTT ingest into SQLite: readings/s from the kiosks' PUBLISH to committed rows (counted
// by the receipts that follow each commit), beside the transport's ceiling (a bare QoS 1 subscriber
// on the same broker) and the store's ceiling (the same rows inserted directly, batched).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startClinicServerProcess, startMosquitto } from '@klinik-desa/testkit';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { bareSubscriberRate, fmt, makeReadings, ratio, serverRate } from './support.js';

const KIOSKS = 40;
const PER_KIOSK = 1500;
const dir = mkdtempSync(join(tmpdir(), 'kd-bench-sqlite-'));
const broker = await startMosquitto();
try {
  const readings = makeReadings(KIOSKS, PER_KIOSK);
  const warmup = makeReadings(KIOSKS, 100);

  await bareSubscriberRate(broker.url, warmup);
  const bare = await bareSubscriberRate(broker.url, readings);

  const direct = openSqliteStore(join(dir, 'direct.db'));
  await direct.ingestReadings(warmup);
  const t0 = performance.now();
  for (let i = 0; i < readings.length; i += 2000) await direct.ingestReadings(readings.slice(i, i + 2000));
  const directRate = readings.length / ((performance.now() - t0) / 1000);
  await direct.close();

  const db = join(dir, 'clinic.db');
  const server = await startClinicServerProcess('clinic-server', [
    '--db',
    db,
    '--broker',
    broker.url,
    '--client-id',
    `bench-ingest-${broker.port}`,
  ]);
  let rate: number;
  try {
    await serverRate(broker.url, warmup);
    rate = await serverRate(broker.url, readings);
  } catch (error) {
    console.error(server.process.output().slice(-3000));
    throw error;
  } finally {
    await server.stop();
  }
  const sqlite = new Database(db, { readonly: true });
  const { n, uniq: distinct } = sqlite
    .prepare('SELECT count(*) AS n, count(DISTINCT id) AS uniq FROM readings')
    .get() as {
    n: number;
    uniq: number;
  };
  sqlite.close();
  const expected = readings.length + warmup.length;
  if (n !== expected || distinct !== expected)
    throw new Error(`bench: ${n} rows (${distinct} distinct), expected ${expected}`);

  console.log(
    `MQTT ingest into SQLite, ${fmt(readings.length)} readings from ${KIOSKS} kiosks, QoS 1, one server process`,
  );
  console.log(`  bare mqtt.js subscriber (transport ceiling)  ${fmt(bare).padStart(8)} readings/s`);
  console.log(`  direct batched insert (store ceiling)       ${fmt(directRate).padStart(8)} readings/s`);
  console.log(
    `  clinic server, MQTT to committed + receipt   ${fmt(rate).padStart(8)} readings/s   ${ratio(rate, bare)} bare subscriber, ${ratio(rate, directRate)} direct insert`,
  );
  console.log(
    `  aims: >= 10,000 readings/s (${rate >= 10_000 ? 'met' : 'MISSED'}), >= 0.40× bare subscriber (${rate / bare >= 0.4 ? 'met' : 'MISSED'}); every reading stored once: ${fmt(n)} rows`,
  );
} finally {
  await broker.stop();
}
