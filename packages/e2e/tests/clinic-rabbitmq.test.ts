import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TOPOLOGY, ingestPermissionCommands, REASON_HEADER } from '@klinik-desa/clinic-server';
import { type Reading, topics } from '@klinik-desa/protocol';
import {
  type ClinicServerProcess,
  createTestDatabase,
  queryDatabase,
  type RabbitNode,
  startClinicServerProcess,
  startRabbit,
  type TestDatabase,
  waitFor,
} from '@klinik-desa/testkit';
import amqp from 'amqplib';
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectRabbitKiosk, type RabbitKiosk } from '../src/rabbit-kiosk.js';
import { weightReading } from '../src/weight-reading.js';

// One RabbitMQ node for the file (a node takes seconds to start); each test has kiosks of its own.
const INGEST = { username: 'klinik-desa-ingest', password: 'ingest-secret' };
let rabbit: RabbitNode;
let database: TestDatabase;
const workers: ClinicServerProcess[] = [];
const kiosks: TestKiosk[] = [];

beforeAll(async () => {
  rabbit = await startRabbit();
  await rabbit.ctl(['add_user', INGEST.username, INGEST.password]);
  for (const command of ingestPermissionCommands(INGEST.username)) await rabbit.ctl(command);
  database = await createTestDatabase();
}, 180_000);

afterEach(async () => {
  await Promise.all(kiosks.splice(0).map((k) => k.client.endAsync(true)));
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});

afterAll(async () => {
  await database?.drop();
  await rabbit?.remove();
}, 60_000);

/** A clinic-server process consuming the quorum queue; a small prefetch keeps each batch short. */
async function startWorker(name: string, prefetch = 2000): Promise<ClinicServerProcess> {
  const config = join(rabbit.dir, `${name}.yaml`);
  writeFileSync(config, `broker:\n  transport: rabbitmq\n  amqpPrefetch: ${prefetch}\n`);
  const worker = await startClinicServerProcess(
    name,
    [
      '--db',
      database.url,
      '--config',
      config,
      '--amqp-url',
      `amqp://${INGEST.username}@127.0.0.1:${rabbit.amqpPort}`,
    ],
    { AMQP_PASSWORD: INGEST.password },
  );
  workers.push(worker);
  return worker;
}

type TestKiosk = RabbitKiosk;

async function kiosk(kioskId: string, count = 0): Promise<TestKiosk> {
  const k = await connectRabbitKiosk(rabbit, kioskId, count);
  kiosks.push(k);
  return k;
}

/** Waits until every reading of every kiosk has a receipt, sending the unanswered again as a kiosk does. */
async function allAnswered(list: TestKiosk[], timeoutMs = 90_000): Promise<void> {
  let last = Date.now();
  await waitFor(
    async () => {
      const missing = list.map((k) => {
        const answered = new Set(k.receipts.map((r) => r.readingId));
        return { k, unanswered: k.readings.filter((r) => !answered.has(r.id)) };
      });
      if (missing.every((m) => m.unanswered.length === 0)) return true;
      // A receipt published while the broker was away is lost; the kiosk agent resends after a while.
      if (Date.now() - last > 5000) {
        last = Date.now();
        await Promise.all(missing.map((m) => m.k.publish(m.unanswered)));
      }
      return false;
    },
    { what: 'a receipt for every reading', timeoutMs, intervalMs: 200 },
  );
}

async function rowsOf(list: TestKiosk[]): Promise<{ n: number; ids: number }> {
  const [row] = await queryDatabase<{ n: number; ids: number }>(
    database.url,
    'SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM readings WHERE kiosk_id = ANY($1)',
    [list.map((k) => k.kioskId)],
  );
  return row ?? { n: 0, ids: 0 };
}

async function storedBy(worker: ClinicServerProcess): Promise<number> {
  const text = await (await fetch(`${worker.httpUrl}/metrics`)).text();
  const m = /^kd_ingest_messages_total\{outcome="stored"\} (\d+)$/m.exec(text);
  return m ? Number(m[1]) : 0;
}

/** A message still in the ingest queue: the reading it holds and whether it was handed out before. */
interface Waiting {
  readingId: string;
  redelivered: boolean;
  deliveryCount: number;
}

/**
 * Reads every message in the ingest queue without acknowledging it (closing the connection hands
 * them all back), so a test sees what a stopped worker left behind: `expected` messages, or what
 * came until none came for 5 s.
 */
async function waitingInQueue(expected: number): Promise<Waiting[]> {
  const conn = await amqp.connect(rabbit.amqpUrl);
  try {
    const ch = await conn.createChannel();
    // Without a prefetch a quorum queue hands a consumer 2,000 at most.
    await ch.prefetch(Math.max(1, expected));
    const seen: Waiting[] = [];
    let last = Date.now();
    await ch.consume(DEFAULT_TOPOLOGY.queue, (message) => {
      if (!message) return;
      last = Date.now();
      const reading = JSON.parse(message.content.toString('utf8')) as Reading;
      seen.push({
        readingId: reading.id,
        redelivered: message.fields.redelivered,
        deliveryCount: Number(message.properties.headers?.['x-delivery-count'] ?? 0),
      });
    });
    await waitFor(() => seen.length >= expected || Date.now() - last > 5000, {
      what: `${expected} messages in the ingest queue`,
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    return seen;
  } finally {
    await conn.close();
  }
}

async function committedIds(list: TestKiosk[]): Promise<Set<string>> {
  const rows = await queryDatabase<{ id: string }>(
    database.url,
    'SELECT id::text AS id FROM readings WHERE kiosk_id = ANY($1)',
    [list.map((k) => k.kioskId)],
  );
  return new Set(rows.map((r) => r.id));
}

function expectEveryReadingAnswered(list: TestKiosk[]): void {
  for (const k of list) {
    const answered = new Set(k.receipts.map((r) => r.readingId));
    expect(k.readings.filter((r) => !answered.has(r.id))).toEqual([]);
    expect(k.receipts.every((r) => r.status === 'stored' || r.status === 'duplicate')).toBe(true);
  }
}

describe('the RabbitMQ transport (quorum queue, AMQP ingest workers, MQTT kiosks)', () => {
  it('dead-letters garbage, oversized and wrong-topic messages with the reason, answers each, and goes on', async () => {
    await startWorker('bad-input');
    const k = await kiosk('bad-1');
    const topic = topics.readings('clinic-1', 'bad-1');
    await k.client.publishAsync(topic, 'not json at all', { qos: 1 });
    await k.client.publishAsync(
      topic,
      JSON.stringify({ ...weightReading('clinic-1', 'bad-1'), pad: 'x'.repeat(70_000) }),
      { qos: 1 },
    );
    const foreign = weightReading('clinic-1', 'someone-else');
    await k.client.publishAsync(topic, JSON.stringify(foreign), { qos: 1 });
    const good = weightReading('clinic-1', 'bad-1');
    k.readings.push(good);
    await k.publish([good]);
    await waitFor(() => k.receipts.length >= 4, { what: 'four receipts', timeoutMs: 30_000 });
    const codes = k.receipts.filter((r) => r.status === 'rejected').map((r) => r.code);
    expect(codes.sort()).toEqual(['INVALID_JSON', 'TOO_LARGE', 'WRONG_TOPIC']);
    expect(k.receipts.find((r) => r.readingId === good.id)?.status).toBe('stored');

    const conn = await amqp.connect(rabbit.amqpUrl);
    try {
      const ch = await conn.createChannel();
      const reasons: string[] = [];
      for (;;) {
        const message = await ch.get(DEFAULT_TOPOLOGY.deadLetterQueue, { noAck: true });
        if (!message) break;
        expect(message.fields.routingKey).toBe('klinik-desa.v1.clinic-1.bad-1.readings');
        reasons.push(String(message.properties.headers?.[REASON_HEADER]));
      }
      expect(reasons.map((r) => r.split(':')[0]).sort()).toEqual([
        'INVALID_JSON',
        'TOO_LARGE',
        'WRONG_TOPIC',
      ]);
      expect(reasons.find((r) => r.startsWith('WRONG_TOPIC'))).toContain('someone-else');
      const queue = await ch.checkQueue(DEFAULT_TOPOLOGY.queue);
      expect(queue.messageCount).toBe(0);
    } finally {
      await conn.close();
    }
    expect((await rowsOf([k])).n).toBe(1);
  }, 120_000);

  it('refuses a kiosk publishing as another, and its receipts to anyone else', async () => {
    await startWorker('acl');
    const mine = await kiosk('acl-1');
    await kiosk('acl-2');
    const bad = await mqtt
      .connectAsync(rabbit.mqttUrl, {
        protocolVersion: 4,
        clientId: 'kiosk.clinic-1.acl-1x',
        username: 'kiosk.clinic-1.acl-1',
        password: 'wrong',
        reconnectPeriod: 0,
      })
      .catch((error: Error) => error);
    expect(bad).toBeInstanceOf(Error);

    const forged = weightReading('clinic-1', 'acl-2');
    const closed = new Promise<void>((resolve) => mine.client.once('close', () => resolve()));
    mine.client.options.reconnectPeriod = 0;
    mine.client.publish(topics.readings('clinic-1', 'acl-2'), JSON.stringify(forged), { qos: 1 });
    await closed;
    // Another kiosk's receipts: RabbitMQ 3.10 closes the connection (later versions answer 0x80).
    const again = await mqtt.connectAsync(rabbit.mqttUrl, {
      protocolVersion: 4,
      clientId: 'kiosk.clinic-1.acl-1',
      username: 'kiosk.clinic-1.acl-1',
      password: 'secret-acl-1',
      reconnectPeriod: 0,
    });
    const refused = await again.subscribeAsync(topics.receipts('clinic-1', 'acl-2'), { qos: 1 }).then(
      (granted) => granted[0]?.qos,
      () => 'connection closed',
    );
    expect([128, 'connection closed']).toContain(refused);
    await again.endAsync(true);
    // A reading of its own afterwards, by the other kiosk, proves the worker was listening.
    const other = kiosks[1] as TestKiosk;
    other.readings.push(weightReading('clinic-1', 'acl-2'));
    await other.publish(other.readings);
    await allAnswered([other]);
    const [row] = await queryDatabase<{ n: number }>(
      database.url,
      'SELECT count(*)::int AS n FROM readings WHERE id = $1',
      [forged.id],
    );
    expect(row?.n).toBe(0);
  }, 120_000);

  it('shares the queue between two workers: both commit some, each reading stored once', async () => {
    const [a, b] = [await startWorker('share-a', 50), await startWorker('share-b', 50)];
    const list = await Promise.all([0, 1, 2, 3].map((i) => kiosk(`share-${i}`, 300)));
    await Promise.all(list.map((k) => k.publish(k.readings)));
    await allAnswered(list);
    expectEveryReadingAnswered(list);
    expect(await rowsOf(list)).toEqual({ n: 1200, ids: 1200 });
    const [byA, byB] = [await storedBy(a), await storedBy(b)];
    expect(byA).toBeGreaterThan(0);
    expect(byB).toBeGreaterThan(0);
    expect(byA + byB).toBe(1200);
  }, 180_000);

  it('loses nothing and stores nothing twice when a worker is killed with SIGKILL mid-batch', async () => {
    const first = await startWorker('kill-first', 20);
    const list = await Promise.all([0, 1, 2, 3].map((i) => kiosk(`kill-${i}`, 750)));
    const total = 3000;
    await Promise.all(list.map((k) => k.publish(k.readings)));
    await waitFor(async () => (await storedBy(first)) > 0, { what: 'the first commits', timeoutMs: 60_000 });
    await first.process.kill9();
    const atKill = (await rowsOf(list)).n;
    // The kill came mid-run: part is committed, the rest (and what it held unacknowledged) waits.
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(total);
    await startWorker('kill-second', 20);
    await allAnswered(list, 120_000);
    expectEveryReadingAnswered(list);
    expect(await rowsOf(list)).toEqual({ n: total, ids: total });
  }, 240_000);

  it('settles its acknowledgements when stopped with SIGTERM mid-stream: nothing committed comes again', async () => {
    // The earlier tests' kiosks sent some readings twice (a resend before its receipt): gone, so
    // that the stopping worker's account below is of this test's readings alone.
    await rabbit.ctl(['purge_queue', DEFAULT_TOPOLOGY.queue]).catch((error: Error) => {
      if (!/not_found/.test(error.message)) throw error; // This test alone: no queue yet.
    });
    const first = await startWorker('term-first', 50);
    const list = await Promise.all([0, 1, 2, 3].map((i) => kiosk(`term-${i}`, 400)));
    const total = 1600;
    // Paced as kiosks send (a check's readings, then the next), so the stop comes while they publish.
    const publishing = Promise.all(
      list.map(async (k) => {
        for (let i = 0; i < k.readings.length; i += 25) {
          await k.publish(k.readings.slice(i, i + 25));
          await new Promise((r) => setTimeout(r, 40));
        }
      }),
    );
    await waitFor(async () => (await storedBy(first)) >= 200, {
      what: 'the first worker commits',
      timeoutMs: 60_000,
    });
    // Exits by itself (0), not by the SIGKILL that follows a grace of 30 s.
    expect(await first.process.stop(30_000)).toBe(0);
    await publishing;
    const committed = await committedIds(list);
    expect(committed.size).toBeGreaterThan(0);
    expect(committed.size).toBeLessThan(total);
    // Every reading is either committed or waiting in the queue, never both, never neither.
    const waiting = await waitingInQueue(total - committed.size);
    const complaints = first.process
      .output()
      .split('\n')
      .filter((l) => /"level":(40|50|60)|stopped/.test(l))
      .join('\n');
    expect(
      waiting.filter((w) => committed.has(w.readingId)),
      complaints,
    ).toEqual([]);
    expect(new Set(waiting.map((w) => w.readingId)).size).toBe(waiting.length);
    expect(waiting.length + committed.size).toBe(total);
    // What it held but had not committed it handed back: delivered again, uncommitted.
    const again = waiting.filter((w) => w.redelivered);
    // Its own account agrees: each committed delivery acknowledged, none of the others.
    const [, acknowledged, handedBack] =
      /AMQP ingest stopped: (\d+) deliveries acknowledged after their commit, (\d+) handed back/.exec(
        first.process.output(),
      ) ?? [];
    expect(Number(acknowledged)).toBe(committed.size);
    // A delivery still on its way when the consumer was cancelled comes back with the channel's
    // close, uncommitted, beside those the worker handed back itself.
    expect(Number(handedBack)).toBeLessThanOrEqual(again.length);
    console.log(
      `SIGTERM mid-stream: ${committed.size} committed and acknowledged, ${waiting.length} waiting, of which ${again.length} handed back (delivery counts ${[...new Set(again.map((w) => w.deliveryCount))].join(', ') || 'none'})`,
    );
    await startWorker('term-second', 500);
    await allAnswered(list, 120_000);
    expectEveryReadingAnswered(list);
    expect(await rowsOf(list)).toEqual({ n: total, ids: total });
  }, 240_000);

  it('loses nothing when the broker restarts while kiosks publish', async () => {
    await startWorker('restart');
    const list = await Promise.all([0, 1, 2].map((i) => kiosk(`restart-${i}`, 400)));
    const halves = list.map((k) => [k.readings.slice(0, 200), k.readings.slice(200)] as const);
    await Promise.all(list.map((k, i) => k.publish(halves[i]?.[0] ?? [])));
    await rabbit.stop();
    // Published while the broker is down: mqtt.js keeps QoS 1 messages and sends them on reconnect.
    const late = Promise.all(list.map((k, i) => k.publish(halves[i]?.[1] ?? [])));
    await rabbit.start();
    await late;
    await allAnswered(list, 150_000);
    expectEveryReadingAnswered(list);
    expect(await rowsOf(list)).toEqual({ n: 1200, ids: 1200 });
  }, 240_000);
});
