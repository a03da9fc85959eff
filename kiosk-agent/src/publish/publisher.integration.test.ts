import { newUuidV7, type ReceiptMessage, topics } from '@klinik-desa/protocol';
import { type MosquittoBroker, startMosquitto, waitFor } from '@klinik-desa/testkit';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { MemoryOutbox } from '../outbox/memory-outbox.js';
import { Publisher, READINGS_IN_FLIGHT_MAX } from './publisher.js';

const TOPIC = topics.readings('clinic-1', 'kiosk-1');
let broker: MosquittoBroker | undefined;
const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  await broker?.stop();
  broker = undefined;
});

/** A reading payload as the outbox keeps it; `pad` makes it that many characters longer. */
function entry(n: number, pad = 0) {
  const id = newUuidV7();
  return { id, topic: TOPIC, payload: JSON.stringify({ id, n, pad: 'x'.repeat(pad) }) };
}

/**
 * A clinic that records every message on the readings topic and answers each reading in it with a
 * receipt, as the clinic server does.
 */
async function startClinic(url: string, answers = true) {
  const client = await mqtt.connectAsync(url, { protocolVersion: 5, clientId: `clinic-${answers}` });
  stops.push(() => client.endAsync());
  const messages: unknown[] = [];
  client.on('message', (_topic, payload) => {
    const value = JSON.parse(payload.toString()) as { id: string } | { id: string }[];
    messages.push(value);
    if (!answers) return;
    const receipts = (Array.isArray(value) ? value : [value]).map((r) => ({
      readingId: r.id,
      status: 'stored' as const,
    }));
    const answer: ReceiptMessage = { receipts, at: new Date().toISOString() };
    client.publish(topics.receipts('clinic-1', 'kiosk-1'), JSON.stringify(answer), { qos: 1 });
  });
  await client.subscribeAsync(TOPIC, { qos: 1 });
  return Object.assign(messages, { close: () => client.endAsync() });
}

function startPublisher(url: string, outbox: MemoryOutbox, maxBatch: number, maxInFlight = 2) {
  const publisher = new Publisher({
    url,
    protocolVersion: 5,
    clinicId: 'clinic-1',
    kioskId: 'kiosk-1',
    outbox,
    log: createLogger('silent'),
    maxInFlight,
    maxBatch,
    receiptTimeoutMs: 30_000,
    reconnectMinMs: 50,
    reconnectMaxMs: 500,
    status: () => ({
      state: 'online',
      clinicId: 'clinic-1',
      kioskId: 'kiosk-1',
      at: new Date().toISOString(),
    }),
  });
  publisher.start();
  stops.push(() => publisher.stop());
  return publisher;
}

const shape = (messages: unknown[]) =>
  messages.map((m) => (Array.isArray(m) ? m.map((r: { n: number }) => r.n) : (m as { n: number }).n));

describe('Publisher', () => {
  it('sends waiting readings in batches, in order, and a lone reading alone', async () => {
    broker = await startMosquitto();
    const messages = await startClinic(broker.url);
    const outbox = new MemoryOutbox();
    // 120 readings kept while the broker was out of reach.
    outbox.addMany(Array.from({ length: 120 }, (_, i) => entry(i)));
    const publisher = startPublisher(broker.url, outbox, 50);
    await waitFor(() => outbox.stats().pending === 0, { what: 'receipts for all 120' });
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
    expect(shape(messages)).toEqual([range(0, 50), range(50, 100), range(100, 120)]);

    outbox.add(entry(120));
    publisher.kick();
    await waitFor(() => outbox.stats().pending === 0, { what: 'the receipt for the lone reading' });
    // Not a batch of one: a single reading is the plain Reading object, as before batches.
    expect(shape(messages).at(-1)).toBe(120);
  });

  it('keeps every reading alone with maxBatch 1, and a batch under the size cap', async () => {
    broker = await startMosquitto();
    const messages = await startClinic(broker.url);
    const outbox = new MemoryOutbox();
    outbox.addMany([entry(0), entry(1), entry(2)]);
    const single = startPublisher(broker.url, outbox, 1);
    await waitFor(() => outbox.stats().pending === 0, { what: 'receipts for 3 single readings' });
    expect(shape(messages)).toEqual([0, 1, 2]);
    await single.stop(); // the same kiosk, so the same MQTT client id

    // 100,000 characters each: two fit under the cap (a quarter of the clinic's 1 MiB), three do not.
    messages.length = 0;
    const big = new MemoryOutbox();
    big.addMany([entry(10, 100_000), entry(11, 100_000), entry(12, 100_000)]);
    startPublisher(broker.url, big, 50);
    await waitFor(() => big.stats().pending === 0, { what: 'receipts for the large readings' });
    expect(shape(messages)).toEqual([[10, 11], 12]);
  });

  it('writes the published state only for readings still without their receipt a moment later', async () => {
    broker = await startMosquitto();
    const outbox = new MemoryOutbox();
    const quick = entry(0);
    outbox.add(quick);
    const messages = await startClinic(broker.url);
    const publisher = startPublisher(broker.url, outbox, 50);
    await waitFor(() => outbox.stats().pending === 0, { what: 'the receipt' });
    await new Promise((r) => setTimeout(r, 400));
    // Queued, then received: one state change, not two.
    expect(outbox.get(quick.id)).toMatchObject({ state: 'received', attempts: 0 });
    await publisher.stop();
    await messages.close();

    const silent = await startClinic(broker.url, false);
    const slow = entry(1);
    outbox.add(slow);
    startPublisher(broker.url, outbox, 50);
    await waitFor(() => silent.length > 0, { what: 'the reading at the clinic' });
    expect(outbox.get(slow.id)?.state).toBe('queued');
    await waitFor(() => outbox.get(slow.id)?.state === 'published', { what: 'the published state' });
    expect(outbox.get(slow.id)?.attempts).toBe(1);
  });

  it('holds at most 2000 readings in flight, whatever the window and the batch size', async () => {
    broker = await startMosquitto({ extraConfig: ['max_inflight_messages 1000'] });
    const messages = await startClinic(broker.url);
    const outbox = new MemoryOutbox();
    outbox.addMany(Array.from({ length: 5000 }, (_, i) => entry(i)));
    const asked: number[] = [];
    const nextToPublish = outbox.nextToPublish.bind(outbox);
    outbox.nextToPublish = (limit, afterSeq) => {
      asked.push(limit);
      return nextToPublish(limit, afterSeq);
    };
    // A window of 200 batches of 50 would be 10,000 readings at once.
    startPublisher(broker.url, outbox, 50, 200);
    await waitFor(() => outbox.stats().pending === 0, { what: 'receipts for all 5000', timeoutMs: 30_000 });
    expect(asked[0]).toBe(READINGS_IN_FLIGHT_MAX);
    expect(Math.max(...asked)).toBeLessThanOrEqual(READINGS_IN_FLIGHT_MAX);
    expect(messages.flat()).toHaveLength(5000);
  });
});
