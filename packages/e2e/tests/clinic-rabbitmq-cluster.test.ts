import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TOPOLOGY, ingestPermissionCommands } from '@klinik-desa/clinic-server';
import type { Reading } from '@klinik-desa/protocol';
import {
  type ClinicServerProcess,
  createTestDatabase,
  queryDatabase,
  type RabbitCluster,
  type RabbitNode,
  startClinicServerProcess,
  startRabbitCluster,
  type TestDatabase,
  waitFor,
} from '@klinik-desa/testkit';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRabbitKiosk, type RabbitKiosk } from '../src/rabbit-kiosk.js';

// Three RabbitMQ nodes on this machine, one cluster; the ingest quorum queue has a member on each.
const INGEST = { username: 'klinik-desa-ingest', password: 'ingest-secret' };
let cluster: RabbitCluster;
let database: TestDatabase;
let worker: ClinicServerProcess | undefined;
const clients: MqttClient[] = [];

beforeAll(async () => {
  cluster = await startRabbitCluster(3);
  const [first] = cluster.nodes as [RabbitNode];
  await first.ctl(['add_user', INGEST.username, INGEST.password]);
  for (const command of ingestPermissionCommands(INGEST.username)) await first.ctl(command);
  database = await createTestDatabase();
}, 300_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await worker?.stop();
  await database?.drop();
  await cluster?.remove();
}, 120_000);

type Kiosk = RabbitKiosk;

async function kiosk(kioskId: string, node: RabbitNode, count: number): Promise<Kiosk> {
  const k = await connectRabbitKiosk(node, kioskId, count);
  clients.push(k.client);
  return k;
}

function unanswered(k: Kiosk): Reading[] {
  const answered = new Set(k.receipts.map((r) => r.readingId));
  return k.readings.filter((r) => !answered.has(r.id));
}

describe('the national tier on a three-node RabbitMQ cluster', () => {
  it('loses nothing and stores nothing twice when the node leading the quorum queue stops while kiosks publish', async () => {
    const [first] = cluster.nodes as [RabbitNode];
    // The first worker declares the queue; its members are then on all three nodes.
    const config = join(first.dir, 'worker.yaml');
    writeFileSync(config, 'broker:\n  transport: rabbitmq\n  amqpPrefetch: 200\n');
    const startWorker = (node: RabbitNode) =>
      startClinicServerProcess(
        'cluster-worker',
        [
          '--db',
          database.url,
          '--config',
          config,
          '--amqp-url',
          `amqp://${INGEST.username}@127.0.0.1:${node.amqpPort}`,
        ],
        { AMQP_PASSWORD: INGEST.password },
      );
    worker = await startWorker(first);
    const members = await cluster.membersOf(DEFAULT_TOPOLOGY.queue);
    expect(members.map(([n]) => n).sort()).toEqual(cluster.nodes.map((n) => n.node).sort());
    const leader = await cluster.leaderOf(DEFAULT_TOPOLOGY.queue);
    const staying = cluster.nodes.filter((n) => n !== leader) as [RabbitNode, RabbitNode];
    // Kiosks and the worker on the nodes that stay: what is tested is the queue's replication.
    if (leader === first) {
      await worker.stop();
      worker = await startWorker(staying[0]);
    }
    const list = await Promise.all(
      [0, 1, 2, 3].map((i) => kiosk(`cl-${i}`, staying[i % 2] as RabbitNode, 300)),
    );
    const total = 1200;
    const publishing = Promise.all(
      list.map(async (k) => {
        for (let i = 0; i < k.readings.length; i += 20) {
          await k.publish(k.readings.slice(i, i + 20));
          await new Promise((r) => setTimeout(r, 50));
        }
      }),
    );
    await waitFor(() => list.some((k) => k.receipts.length > 50), {
      what: 'the first receipts',
      timeoutMs: 60_000,
    });
    const stopped = Date.now();
    await leader.stop();
    const newLeader = await waitFor(
      () => cluster.leaderOf(DEFAULT_TOPOLOGY.queue, staying[0]).catch(() => undefined),
      { what: 'a new leader of the quorum queue', timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(staying).toContain(newLeader);
    console.log(
      `cluster: ${leader.node} (the queue's leader) stopped; ${newLeader.node} led after ${Date.now() - stopped} ms`,
    );
    await publishing;
    let last = Date.now();
    await waitFor(
      async () => {
        if (list.every((k) => unanswered(k).length === 0)) return true;
        // A receipt published as the node went away may be lost; the kiosk sends again, as its agent does.
        if (Date.now() - last > 5000) {
          last = Date.now();
          await Promise.all(list.map((k) => k.publish(unanswered(k))));
        }
        return false;
      },
      { what: 'a receipt for every reading', timeoutMs: 150_000, intervalMs: 200 },
    );
    for (const k of list)
      expect(k.receipts.every((r) => r.status === 'stored' || r.status === 'duplicate')).toBe(true);
    const [row] = await queryDatabase<{ n: number; ids: number }>(
      database.url,
      'SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM readings WHERE kiosk_id = ANY($1)',
      [list.map((k) => k.kioskId)],
    );
    expect(row).toEqual({ n: total, ids: total });
  }, 400_000);
});
