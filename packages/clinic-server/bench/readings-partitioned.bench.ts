// The national tier's insert path: readings committed into PostgreSQL through the store's batch
// ingest (ingestReadings, as the ingest workers call it) by 1 and 2 worker processes, each on its
// own connection, into the readings table partitioned by month (schema 10) and, for comparison,
// the unpartitioned one of schema 9; beside the baseline of the same run: a bare multi-row INSERT
// of the same columns and values into an unpartitioned table with only its primary key.
import { createTestDatabase, type RunningProcess, startTsProcess } from '@klinik-desa/testkit';
import { kioskUsername } from '../src/domain/acl.js';
import { openPgExecutor, type SqlExecutor } from '../src/store/sql.js';
import { SqlClinicStore } from '../src/store/sql-store.js';
import { BENCH_KIOSKS, fmt, HERE, ratio } from './support.js';

const READINGS = 20_000;
// A worker that drains a busy queue commits what it took at once: 250 readings a transaction.
const BATCH = 250;
const AIM = 2000;
type Layout = 'bare' | 'schema 9' | 'partitioned';

/** `fn` given an executor on one connection of its own, closed when it ends either way. */
async function withExecutor<T>(url: string, fn: (executor: SqlExecutor) => Promise<T>): Promise<T> {
  const { executor, pool } = openPgExecutor(url, { max: 1 });
  // The database is dropped after each run: an idle connection it ends must not end the bench.
  pool.on('error', () => undefined);
  try {
    return await fn(executor);
  } finally {
    await pool.end();
  }
}

async function prepare(url: string, layout: Layout): Promise<void> {
  await withExecutor(url, async (executor) => {
    const store = new SqlClinicStore(executor);
    await store.migrate(layout === 'schema 9' ? 9 : Number.POSITIVE_INFINITY);
    if (layout === 'bare') {
      await executor.exec('CREATE TABLE readings_bare (LIKE readings INCLUDING DEFAULTS, PRIMARY KEY (id))');
      return;
    }
    if (layout === 'partitioned') await store.upkeepReadingPartitions(new Date());
    // Registered kiosks, as at the national tier: each batch is checked and each reading audited.
    for (let k = 0; k < BENCH_KIOSKS; k++) {
      const kiosk = { clinicId: 'clinic-bench', kioskId: `kiosk-${k}`, name: null };
      await store.registerKiosk(
        kiosk,
        kioskUsername(kiosk.clinicId, kiosk.kioskId),
        'x',
        new Date().toISOString(),
      );
    }
  });
}

/** Readings/s committed by `workers` processes together, from the start signal to the last commit. */
async function run(layout: Layout, workers: number): Promise<number> {
  const db = await createTestDatabase();
  const procs: RunningProcess[] = [];
  try {
    await prepare(db.url, layout);
    const each = READINGS / workers;
    for (let w = 0; w < workers; w++) {
      procs.push(
        startTsProcess(`insert-worker-${w}`, `${HERE}readings-ingest-worker.ts`, [
          db.url,
          layout === 'bare' ? 'bare' : 'store',
          String(w),
          String(workers),
          String(each),
          String(BATCH),
        ]),
      );
    }
    await Promise.all(procs.map((p) => p.waitForLine(/^ready$/m, 60_000)));
    const t0 = performance.now();
    for (const p of procs) p.child.kill('SIGUSR2');
    await Promise.all(procs.map((p) => p.waitForLine(/^done /m, 300_000)));
    const seconds = (performance.now() - t0) / 1000;
    const table = layout === 'bare' ? 'readings_bare' : 'readings';
    const row = await withExecutor(db.url, (executor) =>
      executor.get<{ n: number }>(`SELECT count(DISTINCT id) AS n FROM ${table}`),
    );
    const expected = READINGS + workers * BATCH;
    if (row?.n !== expected)
      throw new Error(`bench: ${row?.n} distinct readings committed, expected ${expected}`);
    return READINGS / seconds;
  } finally {
    for (const p of procs) await p.stop();
    await db.drop();
  }
}

// Two rounds, the layouts taking turns, and the better rate of each kept: other work on the
// machine slows one run now and then, and a pair of runs shows it less than one.
const ROUNDS = 2;
const rates = new Map<string, number>();
for (let round = 0; round < ROUNDS; round++) {
  for (const workers of [1, 2]) {
    for (const layout of ['bare', 'schema 9', 'partitioned'] as const) {
      const key = `${layout}/${workers}`;
      rates.set(key, Math.max(rates.get(key) ?? 0, await run(layout, workers)));
    }
  }
}
const r = (layout: Layout, workers: number) => rates.get(`${layout}/${workers}`)!;
console.log(
  `Readings committed into PostgreSQL by insert workers (processes, one connection each), ${fmt(READINGS)} readings in batches of ${BATCH}, best of ${ROUNDS} runs`,
);
for (const workers of [1, 2]) {
  const bare = r('bare', workers);
  console.log(
    `  ${workers} worker${workers > 1 ? 's' : ' '}: bare multi-row INSERT (baseline) ${fmt(bare).padStart(8)} readings/s`,
  );
  console.log(
    `             store, unpartitioned (schema 9) ${fmt(r('schema 9', workers)).padStart(8)} readings/s   ${ratio(r('schema 9', workers), bare)} bare`,
  );
  console.log(
    `             store, partitioned by month     ${fmt(r('partitioned', workers)).padStart(8)} readings/s   ${ratio(r('partitioned', workers), bare)} bare, ${ratio(r('partitioned', workers), r('schema 9', workers))} schema 9`,
  );
}
const best = Math.max(r('partitioned', 1), r('partitioned', 2));
console.log(
  `  2 workers / 1 worker, partitioned: ${ratio(r('partitioned', 2), r('partitioned', 1))}; aim >= ${fmt(AIM)} readings/s committed: ${best >= AIM ? 'met' : 'MISSED'}`,
);
