import {
  READINGS_MESSAGE_BYTES_MAX,
  READINGS_PER_MESSAGE_MAX,
  type Receipt,
  ReceiptMessage,
  topics,
} from '@klinik-desa/protocol';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startEmbeddedBroker } from '../broker.js';
import { SqliteExecutor } from '../store/sql.js';
import { SqlClinicStore } from '../store/sql-store.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { ClinicStore } from '../store/store.js';
import { bpReading } from '../testing/fixtures.js';
import { Ingest } from './ingest.js';
import { MAX_READING_BYTES } from './validation.js';

let broker: EmbeddedBroker | undefined;
const clients: mqtt.MqttClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync()));
  await broker?.close();
});

/** An ingest on an embedded broker, and a kiosk that sends a payload and collects the receipts. */
async function setUp(store: ClinicStore = openSqliteStore(':memory:')) {
  broker = await startEmbeddedBroker({ port: 0 });
  const server = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: 'ingest' });
  const kiosk = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: 'kiosk' });
  clients.push(server, kiosk);
  const ingest = new Ingest({ client: server, store, log: pino({ level: 'silent' }) });
  await ingest.start();
  const receipts: Receipt[] = [];
  kiosk.on('message', (_t, p) => receipts.push(...ReceiptMessage.parse(JSON.parse(p.toString())).receipts));
  await kiosk.subscribeAsync(topics.receipts('clinic-1', 'kiosk-1'), { qos: 1 });
  const send = async (payload: string, count: number) => {
    const before = receipts.length;
    await kiosk.publishAsync(topics.readings('clinic-1', 'kiosk-1'), payload, { qos: 1 });
    await ingest.drain();
    for (let i = 0; receipts.length < before + count && i < 100; i++)
      await new Promise((r) => setTimeout(r, 20));
    return receipts.slice(before);
  };
  return { store, ingest, kiosk, receipts, send };
}

describe('ingest', () => {
  it('stores the rest of a batch and rejects only the reading the record refuses', async () => {
    const real = openSqliteStore(':memory:');
    const poison = bpReading();
    // The real record, except that it refuses one reading, as a constraint of a future schema might.
    const store: ClinicStore = Object.create(real, {
      ingestReadings: {
        value: async (...args: Parameters<ClinicStore['ingestReadings']>) => {
          if (args[0].some((r) => r.id === poison.id)) throw new Error('CHECK constraint failed');
          return real.ingestReadings(...args);
        },
      },
    });
    const { ingest, kiosk, receipts } = await setUp(store);
    const good = [bpReading(), bpReading()];
    const topic = topics.readings('clinic-1', 'kiosk-1');
    await Promise.all(
      [good[0]!, poison, good[1]!].map((r) => kiosk.publishAsync(topic, JSON.stringify(r), { qos: 1 })),
    );
    await ingest.drain();
    for (let i = 0; receipts.length < 3 && i < 100; i++) await new Promise((r) => setTimeout(r, 20));

    expect(receipts.find((r) => r.readingId === poison.id)).toMatchObject({
      status: 'rejected',
      code: 'UNSTORABLE',
    });
    expect(
      receipts
        .filter((r) => r.status === 'stored')
        .map((r) => r.readingId)
        .sort(),
    ).toEqual(good.map((r) => r.id).sort());
    expect(await real.countReadings()).toBe(2);
    expect(ingest.stats).toMatchObject({ received: 3, stored: 2, rejected: { UNSTORABLE: 1 } });
    await ingest.stop();
    await real.close();
  });
});

describe('ingest when the record as a whole is in trouble', () => {
  it('answers nothing while the disk is full, so the kiosk keeps its readings, and stores them when they come again', async () => {
    // A real SQLITE_FULL: the record may not grow past the pages it has.
    const db = new Database(':memory:');
    const store = new SqlClinicStore(new SqliteExecutor(db));
    await store.migrate();
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    const { ingest, send, receipts } = await setUp(store);
    const readings = Array.from({ length: 40 }, () => bpReading());

    await send(JSON.stringify(readings), 0);
    for (let i = 0; ingest.stats.deferred < 40 && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 20));
      await ingest.drain();
    }
    // Receipts for the batch would have come with its failure: a moment more finds none.
    await new Promise((r) => setTimeout(r, 100));
    expect(receipts).toEqual([]);
    expect(ingest.stats).toMatchObject({ received: 40, stored: 0, rejected: {}, deferred: 40 });

    db.pragma(`max_page_count = ${pages + 10_000}`);
    const again = await send(JSON.stringify(readings), 40);
    expect(again.map((r) => r.status)).toEqual(readings.map(() => 'stored'));
    expect(await store.countReadings()).toBe(40);
    await ingest.stop();
    await store.close();
  });
});

describe('ingest of batches (several readings in one message)', () => {
  it('answers every reading of a batch by id, in order, and rejects only the bad ones', async () => {
    const { store, ingest, send } = await setUp();
    const [a, b, c] = [bpReading(), bpReading(), bpReading()];
    const noValues = { ...bpReading(), values: [] };
    const otherKiosk = bpReading({ kioskId: 'kiosk-2' });
    const answers = await send(JSON.stringify([a, noValues, b, otherKiosk, a, c]), 6);
    expect(answers).toEqual([
      {
        readingId: noValues.id,
        status: 'rejected',
        code: 'SCHEMA',
        message: expect.stringContaining('/values'),
      },
      {
        readingId: otherKiosk.id,
        status: 'rejected',
        code: 'WRONG_TOPIC',
        message: expect.stringContaining('clinic-1/kiosk-2'),
      },
      { readingId: a!.id, status: 'stored' },
      { readingId: b!.id, status: 'stored' },
      // The same reading twice in one batch is stored once.
      { readingId: a!.id, status: 'duplicate' },
      { readingId: c!.id, status: 'stored' },
    ]);
    expect(await store.countReadings()).toBe(3);
    // A batch sent again (its receipts were lost) is recognised reading by reading.
    expect((await send(JSON.stringify([a, c]), 2)).map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
    expect(ingest.stats).toMatchObject({ received: 8, stored: 3, duplicate: 3 });
    await ingest.stop();
    await store.close();
  });

  it('answers a batch it cannot read with one rejection naming what is wrong', async () => {
    const { store, ingest, send } = await setUp();
    expect(await send('[]', 1)).toEqual([
      {
        readingId: null,
        status: 'rejected',
        code: 'SCHEMA',
        message: expect.stringMatching(/1 to 500.*holds 0/),
      },
    ]);
    const tooMany = JSON.stringify(Array.from({ length: READINGS_PER_MESSAGE_MAX + 1 }, () => bpReading()));
    expect(await send(tooMany, 1)).toEqual([
      { readingId: null, status: 'rejected', code: 'SCHEMA', message: expect.stringContaining('holds 501') },
    ]);
    expect(await send(`[${JSON.stringify(bpReading())},`, 1)).toEqual([
      { readingId: null, status: 'rejected', code: 'INVALID_JSON', message: expect.any(String) },
    ]);
    // A batch may be larger than one reading may be, up to the message limit.
    const padded = JSON.stringify([bpReading()]).padEnd(MAX_READING_BYTES + 10, ' ');
    expect(await send(padded, 1)).toMatchObject([{ status: 'stored' }]);
    const huge = `[${' '.repeat(READINGS_MESSAGE_BYTES_MAX)}]`;
    expect(await send(huge, 1)).toEqual([
      { readingId: null, status: 'rejected', code: 'TOO_LARGE', message: expect.stringContaining('limit') },
    ]);
    expect(await store.countReadings()).toBe(1);
    await ingest.stop();
    await store.close();
  });
});
