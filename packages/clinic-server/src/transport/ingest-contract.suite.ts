import { type Receipt, ReceiptMessage, topics } from '@klinik-desa/protocol';
import type { MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ingest } from '../ingest/ingest.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { bpReading } from '../testing/fixtures.js';
import type { IngestTransport } from './transport.js';

/** A broker as the contract sees it: the ingest's transport on it, and kiosks that speak MQTT to it. */
export interface ContractBroker {
  transport(): Promise<IngestTransport>;
  /** A connected MQTT client allowed to publish this kiosk's topics and read its receipts. */
  kiosk(clinicId: string, kioskId: string): Promise<MqttClient>;
  close(): Promise<void>;
}

/**
 * What the ingest answers whatever carries the messages: the embedded broker, Mosquitto (shared
 * subscription) and RabbitMQ (quorum queue over AMQP). Each run has a broker and a record of its own.
 */
export function describeIngestContract(name: string, open: () => Promise<ContractBroker>): void {
  describe(`ingest contract over ${name}`, () => {
    let broker: ContractBroker;
    let ingest: Ingest;
    let client: MqttClient;
    const receipts: Receipt[] = [];
    const topic = topics.readings('clinic-1', 'kiosk-1');

    beforeAll(async () => {
      broker = await open();
      ingest = new Ingest({
        transport: await broker.transport(),
        store: openSqliteStore(':memory:'),
        log: pino({ level: 'silent' }),
      });
      await ingest.start();
      client = await broker.kiosk('clinic-1', 'kiosk-1');
      client.on('message', (_t, p) =>
        receipts.push(...ReceiptMessage.parse(JSON.parse(p.toString())).receipts),
      );
      await client.subscribeAsync(topics.receipts('clinic-1', 'kiosk-1'), { qos: 1 });
    }, 180_000);

    afterAll(async () => {
      await client?.endAsync();
      await ingest?.stop();
      await ingest?.transport.close();
      await broker?.close();
    }, 60_000);

    /** Publishes and returns the receipts the payload brought. */
    const send = async (payload: string, count: number): Promise<Receipt[]> => {
      const before = receipts.length;
      await client.publishAsync(topic, payload, { qos: 1 });
      for (let i = 0; receipts.length < before + count && i < 500; i++)
        await new Promise((r) => setTimeout(r, 20));
      return receipts.slice(before);
    };

    it('stores a reading once and answers a resend as a duplicate', async () => {
      const reading = bpReading();
      expect(await send(JSON.stringify(reading), 1)).toEqual([{ readingId: reading.id, status: 'stored' }]);
      expect(await send(JSON.stringify(reading), 1)).toEqual([
        { readingId: reading.id, status: 'duplicate' },
      ]);
      expect(ingest.stats.stored).toBe(1);
    });

    it('stores each reading of a batch message and answers each', async () => {
      const batch = [bpReading(), bpReading(), bpReading()];
      const answered = await send(JSON.stringify(batch), 3);
      expect(answered.map((r) => [r.readingId, r.status])).toEqual(batch.map((r) => [r.id, 'stored']));
    });

    it('answers garbage and a reading of another kiosk with why, stores neither, and goes on', async () => {
      const stored = ingest.stats.stored;
      const [garbage] = await send('{"not": json', 1);
      expect(garbage).toMatchObject({ readingId: null, status: 'rejected', code: 'INVALID_JSON' });
      const foreign = bpReading({ kioskId: 'kiosk-2' });
      const [wrong] = await send(JSON.stringify(foreign), 1);
      expect(wrong).toMatchObject({ readingId: foreign.id, status: 'rejected', code: 'WRONG_TOPIC' });
      const next = bpReading();
      expect(await send(JSON.stringify(next), 1)).toEqual([{ readingId: next.id, status: 'stored' }]);
      expect(ingest.stats.stored).toBe(stored + 1);
    });

    it('counts an unreadable kiosk status by its code and goes on', async () => {
      await client.publishAsync(topics.status('clinic-1', 'kiosk-1'), 'not a status', { qos: 1 });
      for (let i = 0; !ingest.reports.stats.statuses['INVALID_JSON'] && i < 500; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(ingest.reports.stats.statuses).toMatchObject({ INVALID_JSON: 1 });
      const next = bpReading();
      expect(await send(JSON.stringify(next), 1)).toEqual([{ readingId: next.id, status: 'stored' }]);
    });
  });
}
