import { type Reading, type Receipt, ReceiptMessage, topics } from '@klinik-desa/protocol';
import {
  type ClinicServerProcess,
  createTestDatabase,
  type MosquittoBroker,
  queryDatabase,
  startClinicServerProcess,
  startMosquitto,
  type TestDatabase,
  waitFor,
} from '@klinik-desa/testkit';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weightReading } from '../src/weight-reading.js';

const KIOSKS = 8;
const PER_KIOSK = 250;
let broker: MosquittoBroker;
let database: TestDatabase;
const servers: ClinicServerProcess[] = [];

async function storedCount(server: ClinicServerProcess): Promise<number> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const m = /^kd_ingest_messages_total\{outcome="stored"\} (\d+)$/m.exec(text);
  return m ? Number(m[1]) : 0;
}

beforeAll(async () => {
  broker = await startMosquitto();
  database = await createTestDatabase();
  for (const name of ['a', 'b']) {
    servers.push(
      await startClinicServerProcess(`clinic-server-${name}`, [
        '--db',
        database.url,
        '--broker',
        broker.url,
        '--shared-group',
        'ingest',
        '--client-id',
        `ingest-${name}-${broker.port}`,
      ]),
    );
  }
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await database?.drop();
  await broker?.stop();
});

describe('two server processes on one shared subscription over PostgreSQL', () => {
  it('store every reading exactly once, split between them, and answer replays as duplicates', async () => {
    const kiosks: { client: MqttClient; receipts: Receipt[]; readings: Reading[] }[] = [];
    for (let i = 0; i < KIOSKS; i++) {
      const kioskId = `kiosk-${i}`;
      const client = await mqtt.connectAsync(broker.url, {
        protocolVersion: 5,
        clientId: `k-${i}-${broker.port}`,
      });
      const receipts: Receipt[] = [];
      client.on('message', (_t, payload) =>
        receipts.push(...ReceiptMessage.parse(JSON.parse(payload.toString('utf8'))).receipts),
      );
      await client.subscribeAsync(topics.receipts('clinic-1', kioskId), { qos: 1 });
      kiosks.push({
        client,
        receipts,
        readings: Array.from({ length: PER_KIOSK }, () => weightReading('clinic-1', kioskId)),
      });
    }
    try {
      await Promise.all(
        kiosks.map(({ client, readings }) =>
          Promise.all(
            readings.map((r) =>
              client.publishAsync(topics.readings('clinic-1', r.kioskId), JSON.stringify(r), { qos: 1 }),
            ),
          ),
        ),
      );
      const total = KIOSKS * PER_KIOSK;
      await waitFor(() => kiosks.every((k) => k.receipts.length >= PER_KIOSK), {
        what: `${total} receipts`,
        timeoutMs: 60_000,
      });
      for (const k of kiosks) {
        expect(new Set(k.receipts.map((r) => r.readingId))).toEqual(new Set(k.readings.map((r) => r.id)));
        expect(k.receipts.every((r) => r.status === 'stored')).toBe(true);
      }
      const [row] = await queryDatabase<{ n: number; distinct_ids: number }>(
        database.url,
        'SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct_ids FROM readings',
      );
      expect(row).toEqual({ n: total, distinct_ids: total });
      const [a, b] = await Promise.all(servers.map(storedCount));
      expect(a! + b!).toBe(total);
      expect(a).toBeGreaterThan(0);
      expect(b).toBeGreaterThan(0);

      // The same readings again (a kiosk whose receipts were lost): duplicates, nothing new stored.
      const replay = kiosks[0]!;
      const again = replay.readings.slice(0, 50);
      await Promise.all(
        again.map((r) =>
          replay.client.publishAsync(topics.readings('clinic-1', r.kioskId), JSON.stringify(r), { qos: 1 }),
        ),
      );
      await waitFor(() => replay.receipts.length >= PER_KIOSK + again.length, {
        what: 'the replay receipts',
      });
      expect(replay.receipts.slice(PER_KIOSK).every((r) => r.status === 'duplicate')).toBe(true);
      const [after] = await queryDatabase<{ n: number }>(
        database.url,
        'SELECT count(*)::int AS n FROM readings',
      );
      expect(after?.n).toBe(total);
    } finally {
      await Promise.all(kiosks.map((k) => k.client.endAsync()));
    }
  });
});
