import { type Receipt, ReceiptMessage, topics } from '@klinik-desa/protocol';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startEmbeddedBroker } from './broker.js';
import { Ingest } from './ingest.js';
import { openSqliteStore } from './store/sqlite-store.js';
import type { ClinicStore } from './store/store.js';
import { bpReading } from './testing/fixtures.js';

let broker: EmbeddedBroker | undefined;
const clients: mqtt.MqttClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync()));
  await broker?.close();
});

describe('ingest', () => {
  it('stores the rest of a batch and rejects only the reading the record refuses', async () => {
    broker = await startEmbeddedBroker({ port: 0 });
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
    const server = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: 'ingest' });
    const kiosk = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: 'kiosk' });
    clients.push(server, kiosk);
    const ingest = new Ingest({ client: server, store, log: pino({ level: 'silent' }) });
    await ingest.start();
    const receipts: Receipt[] = [];
    kiosk.on('message', (_t, p) => receipts.push(...ReceiptMessage.parse(JSON.parse(p.toString())).receipts));
    await kiosk.subscribeAsync(topics.receipts('clinic-1', 'kiosk-1'), { qos: 1 });

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
