// MQTT ingest into PostgreSQL: one server process, then two on one shared subscription (the way to
// scale beyond one machine), each beside the bare subscriber and the same rows inserted directly.
import {
  type ClinicServerProcess,
  createTestDatabase,
  queryDatabase,
  startClinicServerProcess,
  startMosquitto,
} from '@klinik-desa/testkit';
import { openPostgresStore } from '../src/store/open.js';
import { bareSubscriberRate, fmt, makeReadings, ratio, serverRate } from './support.js';

const KIOSKS = 40;
const PER_KIOSK = 1000;
const broker = await startMosquitto();
const databases: { drop(): Promise<void> }[] = [];

async function servers(n: number): Promise<{ rate: number; url: string; rows: number }> {
  const db = await createTestDatabase();
  databases.push(db);
  const running: ClinicServerProcess[] = [];
  try {
    for (let i = 0; i < n; i++) {
      running.push(
        await startClinicServerProcess(`clinic-server-${i}`, [
          '--db',
          db.url,
          '--broker',
          broker.url,
          '--shared-group',
          `bench${n}`,
          '--client-id',
          `bench-${n}-${i}-${broker.port}`,
        ]),
      );
    }
    await serverRate(broker.url, makeReadings(KIOSKS, 100));
    const readings = makeReadings(KIOSKS, PER_KIOSK);
    const rate = await serverRate(broker.url, readings);
    const [row] = await queryDatabase<{ n: number }>(
      db.url,
      'SELECT count(DISTINCT id)::int AS n FROM readings',
    );
    return { rate, url: db.url, rows: row?.n ?? 0 };
  } finally {
    await Promise.all(running.map((s) => s.stop()));
  }
}

try {
  const readings = makeReadings(KIOSKS, PER_KIOSK);
  await bareSubscriberRate(broker.url, makeReadings(KIOSKS, 100));
  const bare = await bareSubscriberRate(broker.url, readings);

  const directDb = await createTestDatabase();
  databases.push(directDb);
  const direct = await openPostgresStore(directDb.url);
  await direct.ingestReadings(makeReadings(KIOSKS, 50));
  const t0 = performance.now();
  for (let i = 0; i < readings.length; i += 2000) await direct.ingestReadings(readings.slice(i, i + 2000));
  const directRate = readings.length / ((performance.now() - t0) / 1000);
  await direct.close();

  const one = await servers(1);
  const two = await servers(2);
  const expected = KIOSKS * (PER_KIOSK + 100);
  for (const r of [one, two]) {
    if (r.rows !== expected) throw new Error(`bench: ${r.rows} distinct rows stored, expected ${expected}`);
  }

  console.log(`MQTT ingest into PostgreSQL, ${fmt(readings.length)} readings from ${KIOSKS} kiosks, QoS 1`);
  console.log(`  bare mqtt.js subscriber (transport ceiling)  ${fmt(bare).padStart(8)} readings/s`);
  console.log(`  direct batched insert (store ceiling)       ${fmt(directRate).padStart(8)} readings/s`);
  console.log(
    `  one server process                           ${fmt(one.rate).padStart(8)} readings/s   ${ratio(one.rate, bare)} bare, ${ratio(one.rate, directRate)} direct`,
  );
  console.log(
    `  two processes, one shared subscription       ${fmt(two.rate).padStart(8)} readings/s   ${ratio(two.rate, bare)} bare, ${ratio(two.rate, one.rate)} one process`,
  );
  console.log(
    `  aim: two processes >= 1.6× one (${two.rate / one.rate >= 1.6 ? 'met' : 'MISSED'}); every reading stored once in both runs (${fmt(expected)} rows each)`,
  );
} finally {
  for (const db of databases) await db.drop();
  await broker.stop();
}
