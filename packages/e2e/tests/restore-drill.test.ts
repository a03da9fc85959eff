// The restore drill of docs/operations.md, as an operator runs it: a clinic server on a real
// Mosquitto receives readings from kiosks publishing without pause, `clinic-server backup` copies
// its record meanwhile, `clinic-server restore` brings the copy up in a new record, and every
// reading a kiosk had a receipt for before the backup began is in it, whole.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Receipt, ReceiptMessage, topics } from '@klinik-desa/protocol';
import {
  type ClinicServerProcess,
  clinicServerCli,
  createTestDatabase,
  type MosquittoBroker,
  queryDatabase,
  SERVER_CLI,
  startClinicServerProcess,
  startMosquitto,
  startTsProcess,
  type TestDatabase,
  waitFor,
} from '@klinik-desa/testkit';
import Database from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { weightReading } from '../src/weight-reading.js';

const CLINIC = 'clinic-drill';
const KIOSKS = ['kiosk-a', 'kiosk-b', 'kiosk-c'];

interface StoredRow {
  id: string;
  body: string;
}

/** A kiosk that publishes one reading after another (QoS 1) until told to stop, noting its receipts. */
class PublishingKiosk {
  readonly published = new Set<string>();
  private running = true;
  private loop: Promise<void> | undefined;

  private constructor(
    private readonly client: MqttClient,
    readonly kioskId: string,
  ) {}

  static async start(url: string, kioskId: string, confirmed: Set<string>): Promise<PublishingKiosk> {
    const client = await mqtt.connectAsync(url, { protocolVersion: 5, clientId: `drill-${kioskId}` });
    client.on('message', (_topic, payload) => {
      const message = ReceiptMessage.parse(JSON.parse(payload.toString('utf8')));
      for (const r of message.receipts as Receipt[])
        if (r.status === 'stored' && r.readingId) confirmed.add(r.readingId);
    });
    await client.subscribeAsync(topics.receipts(CLINIC, kioskId), { qos: 1 });
    const kiosk = new PublishingKiosk(client, kioskId);
    kiosk.loop = kiosk.publishUntilStopped();
    return kiosk;
  }

  private async publishUntilStopped(): Promise<void> {
    const topic = topics.readings(CLINIC, this.kioskId);
    while (this.running) {
      const reading = weightReading(CLINIC, this.kioskId);
      this.published.add(reading.id);
      await this.client.publishAsync(topic, JSON.stringify(reading), { qos: 1 });
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.client.endAsync();
  }
}

let broker: MosquittoBroker;
const dir = mkdtempSync(join(tmpdir(), 'kd-restore-drill-'));
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  broker = await startMosquitto();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await broker?.stop();
});

/**
 * Runs the drill against the record `db` and restores into `restored`; `readRestored` reads the
 * restored record's rows (and, for SQLite, its integrity check) as an operator would.
 */
async function drill(
  db: string,
  restored: string,
  readRestored: () => Promise<{ rows: StoredRow[]; integrity: string }>,
): Promise<void> {
  const server: ClinicServerProcess = await startClinicServerProcess('clinic-server', [
    '--db',
    db,
    '--broker',
    broker.url,
    '--client-id',
    `drill-ingest-${broker.port}-${Date.now()}`,
  ]);
  cleanups.push(() => server.stop());
  const confirmed = new Set<string>();
  const kiosks = await Promise.all(KIOSKS.map((k) => PublishingKiosk.start(broker.url, k, confirmed)));
  cleanups.push(() => Promise.all(kiosks.map((k) => k.stop())));
  await waitFor(async () => confirmed.size >= 300, { what: '300 confirmed readings', timeoutMs: 60_000 });

  const confirmedBeforeBackup = new Set(confirmed);
  const backupFile = join(dir, `backup-${Date.now()}.bin`);
  const backup = startTsProcess('backup', SERVER_CLI, ['backup', '--db', db, '--out', backupFile]);
  const backupExit = await backup.exited;
  expect(backupExit, backup.output()).toBe(0);
  const confirmedWhenBackupEnded = confirmed.size;
  // Readings kept arriving while the backup ran: it was taken from a record being written.
  expect(confirmedWhenBackupEnded).toBeGreaterThan(confirmedBeforeBackup.size);
  await Promise.all(kiosks.map((k) => k.stop()));

  const restore = clinicServerCli(['restore', '--from', backupFile, '--db', restored]);
  expect(restore.code, restore.stderr).toBe(0);
  const summary = JSON.parse(restore.stdout) as { readings: number; schemaVersion: number };

  const { rows, integrity } = await readRestored();
  expect(integrity).toBe('ok');
  expect(summary.readings).toBe(rows.length);
  const restoredIds = new Set(rows.map((r) => r.id));
  const missing = [...confirmedBeforeBackup].filter((id) => !restoredIds.has(id));
  expect(missing).toEqual([]);
  // Nothing in the copy that no kiosk sent, and every row's document whole and its own.
  const published = new Set(kiosks.flatMap((k) => [...k.published]));
  expect(rows.filter((r) => !published.has(r.id))).toEqual([]);
  expect(rows.filter((r) => (JSON.parse(r.body) as { id: string }).id !== r.id)).toEqual([]);

  // A second restore into the now-filled record is refused, naming the way out.
  const again = clinicServerCli(['restore', '--from', backupFile, '--db', restored]);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/not empty|holds \d+ table/);
  expect(again.stderr).toContain('--force');
}

describe('the restore drill', () => {
  it('SQLite: a backup taken while readings arrive holds every reading confirmed before it began', async () => {
    const db = join(dir, 'clinic.db');
    const restored = join(dir, 'restored.db');
    await drill(db, restored, async () => {
      const sqlite = new Database(restored, { readonly: true });
      try {
        return {
          rows: sqlite.prepare('SELECT id, body FROM readings').all() as StoredRow[],
          integrity: String(sqlite.pragma('integrity_check', { simple: true })),
        };
      } finally {
        sqlite.close();
      }
    });
  });

  it('PostgreSQL: pg_dump while readings arrive, pg_restore into a new database, every confirmed reading there', async () => {
    const source: TestDatabase = await createTestDatabase();
    const target: TestDatabase = await createTestDatabase();
    cleanups.push(
      () => source.drop(),
      () => target.drop(),
    );
    await drill(source.url, target.url, async () => {
      // PostgreSQL has no integrity_check; amcheck (in the server package) walks every index of
      // the readings table's monthly partitions and throws on a damaged page or an entry out of
      // order (a partitioned table's own index is only a template: its partitions hold the entries).
      await queryDatabase(target.url, 'CREATE EXTENSION IF NOT EXISTS amcheck');
      const checked = await queryDatabase<{ index: string }>(
        target.url,
        `SELECT c.relname AS index, bt_index_check(c.oid, true)
           FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
          WHERE i.indrelid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'readings'::regclass
                               UNION SELECT 'readings'::regclass)
            AND c.relkind = 'i' AND c.relam = (SELECT oid FROM pg_am WHERE amname = 'btree')`,
      );
      return {
        rows: await queryDatabase<StoredRow>(target.url, 'SELECT id, body FROM readings'),
        integrity: checked.length > 0 ? 'ok' : 'no btree index on readings was checked',
      };
    });
  });
});
