// One insert worker of readings-partitioned.bench.ts, in a process of its own (as the national
// tier's ingest workers are): makes its share of the readings, warms up, says `ready`, starts on
// SIGUSR2, inserts its batches one after another and says `done <ms>`.
//   node readings-ingest-worker.ts <postgres url> <store|bare> <worker> <workers> <readings> <batch>
import { parseArgs } from 'node:util';
import type { Reading } from '@klinik-desa/protocol';
import { READING_COLUMNS, readingRow } from '../src/store/readings-store.js';
import { openPgExecutor, valuesList } from '../src/store/sql.js';
import { SqlClinicStore } from '../src/store/sql-store.js';
import { BENCH_KIOSKS, benchReadings } from './support.js';

const { positionals } = parseArgs({ allowPositionals: true, strict: true });
const [url, mode, worker, workers, count, batchText] = positionals;
if (!url || (mode !== 'store' && mode !== 'bare') || !worker || !workers || !count || !batchText) {
  console.error(
    'usage: readings-ingest-worker.ts <postgres url> <store|bare> <worker> <workers> <readings> <batch>',
  );
  process.exit(2);
}
const batch = Number(batchText);
const mine = (n: number) => benchReadings(BENCH_KIOSKS, n, Number(worker), Number(workers));
const { executor, pool } = openPgExecutor(url, { max: 1 });
pool.on('error', (error) => {
  console.error(`worker ${worker}: ${error.message}`);
  process.exit(1);
});

// The baseline: the same columns and values as the store's, one multi-row INSERT per batch, nothing else.
async function bareInsert(readings: readonly Reading[]): Promise<void> {
  const at = new Date().toISOString();
  const rows = readings.map((r) =>
    readingRow(r, { screeningId: null, patientId: r.patientId ?? null, assignment: 'unassigned' }, at),
  );
  await executor.run(
    `INSERT INTO readings_bare (${READING_COLUMNS}) VALUES ${valuesList(rows.length, rows[0]!.length)}`,
    rows.flat(),
  );
}

const store = new SqlClinicStore(executor);
const insert =
  mode === 'bare'
    ? bareInsert
    : async (readings: readonly Reading[]) => {
        const outcomes = await store.ingestReadings(readings);
        const refused = outcomes.find((o) => o.status !== 'stored');
        if (refused) throw new Error(`a bench reading was not stored: ${JSON.stringify(refused)}`);
      };

await insert(mine(batch));
const readings = mine(Number(count));
const go = new Promise<void>((resolve) => process.once('SIGUSR2', () => resolve()));
console.log('ready');
await go;
const t0 = performance.now();
for (let i = 0; i < readings.length; i += batch) await insert(readings.slice(i, i + batch));
console.log(`done ${performance.now() - t0}`);
await pool.end();
