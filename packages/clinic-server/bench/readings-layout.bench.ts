// The readings table's layout in SQLite: CPU per stored reading with the rowid table of migration 3,
// beside the same store on the WITHOUT ROWID table that migrations 1 and 2 made, in the same run.
// Readings of two sizes (a blood pressure reading as the kiosks send it, and one with a long device
// id standing for a reading with flags and an original value), in batches of 50 (what one MQTT
// batch brings) and 500 (a kiosk catching up).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reading } from '@klinik-desa/protocol';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from '../src/store/migrations.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { makeReadings, ratio } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-bench-layout-'));

/** A file at schema version 3 whose readings table still has the layout of versions 1 and 2. */
function formerLayout(path: string): void {
  const db = new Database(path);
  db.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  for (const m of SQLITE_MIGRATIONS.slice(0, 2)) db.exec(m.sql);
  for (const m of SQLITE_MIGRATIONS) {
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
      m.version,
      m.name,
      new Date().toISOString(),
    );
  }
  db.close();
}

async function cpuPerReading(former: boolean, readings: readonly Reading[], batch: number): Promise<number> {
  const path = join(dir, `${former ? 'former' : 'current'}-${batch}-${readings.length}-${Math.random()}.db`);
  if (former) formerLayout(path);
  const store = openSqliteStore(path);
  try {
    await store.ingestReadings(makeReadings(40, 50));
    const start = process.cpuUsage();
    for (let i = 0; i < readings.length; i += batch) await store.ingestReadings(readings.slice(i, i + batch));
    const used = process.cpuUsage(start);
    return (used.user + used.system) / readings.length;
  } finally {
    await store.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const plain = makeReadings(40, 1000);
const long = plain.map((r) => ({ ...r, device: { ...r.device, id: `bp-1-${'x'.repeat(400)}` } }));
console.log('SQLite readings table, CPU per stored reading (median of 3, taking turns)');
console.log('  body      batch   rowid (v3)   WITHOUT ROWID (v1-2)   ratio');
for (const readings of [plain, long]) {
  for (const batch of [50, 500]) {
    const current: number[] = [];
    const former: number[] = [];
    for (let round = 0; round < 3; round++) {
      former.push(await cpuPerReading(true, readings, batch));
      current.push(await cpuPerReading(false, readings, batch));
    }
    const bytes = JSON.stringify(readings[0]).length;
    console.log(
      `  ${`${bytes} B`.padEnd(9)} ${String(batch).padEnd(7)} ${`${median(current).toFixed(1)} µs`.padEnd(12)} ${`${median(former).toFixed(1)} µs`.padEnd(22)} ${ratio(median(current), median(former))} (below 1: v3 costs less)`,
    );
  }
}
