// The national tier under load: a RabbitMQ node of the bench's own (MQTT plugin, quorum queue), a
// fresh PostgreSQL database and clinic-server ingest workers as real processes
// (`--transport rabbitmq`), played against by K kiosks (mqtt.js, MQTT 3.1.1, persistent sessions,
// QoS 1) in screening bursts of 8 readings, a fifth of them offline first and catching up with a
// backlog three times as long. Prints readings/s committed with 1 and 2 workers beside a bare AMQP
// consumer that only acknowledges the same number of messages (same run); p50/p99 from publish to
// receipt at a fixed offered rate; the exactly-once check; broker memory per idle kiosk
// connection; and clinic-server start-up with 5,000 retained statuses on Mosquitto.
// Options (after `--`): --kiosks K (200), --checks C per kiosk (5), --rate R readings/s (1400),
// --seconds S at that rate (8), --idle N connections (5000), --statuses N (5000).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type ClinicServerProcess,
  createTestDatabase,
  queryDatabase,
  type RabbitNode,
  startClinicServerProcess,
  startRabbit,
  startTsProcess,
  type TestDatabase,
} from '@klinik-desa/testkit';
import { ingestPermissionCommands } from '../src/transport/index.js';
import { DEFAULT_TOPOLOGY } from '../src/transport/topology.js';
import { idleConnectionBytes, KIOSK_LISTENER_CONFIG, startupWithRetained } from './national-brokers.js';
import { check, importUsers, NationalFleet } from './national-kiosks.js';
import { fmt, HERE, ratio, until } from './support.js';

const { values: opts } = parseArgs({
  strict: true,
  options: {
    kiosks: { type: 'string', default: '200' },
    checks: { type: 'string', default: '5' },
    rate: { type: 'string', default: '1400' },
    seconds: { type: 'string', default: '8' },
    idle: { type: 'string', default: '5000' },
    statuses: { type: 'string', default: '5000' },
  },
});
function positive(name: keyof typeof opts): number {
  const n = Number(opts[name]);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`bench national: --${name} must be a whole number above 0, got "${opts[name]}"`);
  return n;
}
const K = positive('kiosks');
const CHECKS = positive('checks');
const RATE = positive('rate');
const SECONDS = positive('seconds');
const PREFETCH = 500;
const INGEST = { name: 'klinik-desa-ingest', password: 'ingest-bench' };
// Every fifth kiosk was offline and comes back with three times the checks in its outbox.
const offline = (k: number) => k % 5 === 0;

async function startWorker(rabbit: RabbitNode, db: TestDatabase, name: string): Promise<ClinicServerProcess> {
  const config = join(rabbit.dir, `${name}.yaml`);
  writeFileSync(config, `broker:\n  transport: rabbitmq\n  amqpPrefetch: ${PREFETCH}\n`);
  return startClinicServerProcess(
    name,
    ['--db', db.url, '--config', config, '--amqp-url', `amqp://${INGEST.name}@127.0.0.1:${rabbit.amqpPort}`],
    { AMQP_PASSWORD: INGEST.password },
  );
}

/**
 * Online kiosks send their checks as bursts at once; the offline ones reconnect (their sessions
 * kept on the broker) a moment later and send their backlog. Resolves with readings/s until `done`.
 */
/** Readings one burst run sends: online kiosks' checks and the offline ones' backlogs, 8 each. */
const runSize = () =>
  Array.from({ length: K }, (_, k) => (offline(k) ? CHECKS * 3 : CHECKS) * 8).reduce((a, b) => a + b, 0);

async function burstRun(fleet: NationalFleet, done: (n: number) => Promise<void>): Promise<number> {
  const all = Array.from({ length: fleet.size }, (_, k) => k);
  await fleet.disconnect(all.filter(offline));
  const outbox = all.map((k) =>
    Array.from({ length: offline(k) ? CHECKS * 3 : CHECKS }, () => check(`kiosk-${k}`)),
  );
  const n = outbox.flat(2).length;
  fleet.phaseIds = outbox.flat(2).map((r) => r.id);
  const started = performance.now();
  const online = all
    .filter((k) => !offline(k))
    .map(async (k) => {
      for (const burst of outbox[k]!) await fleet.publish(k, burst);
    });
  await new Promise((r) => setTimeout(r, 200));
  const back = all.filter(offline);
  await fleet.connect(back);
  await Promise.all([
    ...online,
    ...back.map(async (k) => {
      for (const burst of outbox[k]!) await fleet.publish(k, burst);
    }),
  ]);
  await done(n);
  return n / ((performance.now() - started) / 1000);
}

/** Messages in the ingest queue (ready and unacknowledged). */
async function queueDepth(rabbit: RabbitNode): Promise<number> {
  const out = await rabbit.ctl(['list_queues', 'name', 'messages', '--no-table-headers', '--quiet']);
  const line = out.split('\n').find((l) => l.startsWith(`${DEFAULT_TOPOLOGY.queue}\t`));
  return Number(line?.split('\t')[1] ?? 0);
}

const left: number[] = [];

/**
 * Stops the workers once every reading has its receipt. Whatever is then still in the queue
 * (deliveries answered but, it seems, not yet acknowledged when the worker stopped) is counted into
 * `left` and purged, so that the next run, the bare consumer's above all, takes only its own.
 */
async function stopWorkers(rabbit: RabbitNode, workers: ClinicServerProcess[]): Promise<void> {
  await Promise.all(workers.map((w) => w.stop()));
  const depth = await queueDepth(rabbit);
  left.push(depth);
  if (depth > 0) await rabbit.ctl(['purge_queue', DEFAULT_TOPOLOGY.queue]);
}

async function committedRate(
  rabbit: RabbitNode,
  fleet: NationalFleet,
  workers: ClinicServerProcess[],
): Promise<number> {
  fleet.resetTimings();
  const rate = await burstRun(fleet, (n) => until(() => fleet.answered >= n, 300_000, `${n} receipts`));
  await stopWorkers(rabbit, workers);
  return rate;
}

/** The same run against a consumer already waiting on the queue, that only acknowledges. */
async function bareRate(rabbit: RabbitNode, fleet: NationalFleet): Promise<number> {
  fleet.resetTimings();
  const consumer = startTsProcess('bare-amqp', `${HERE}bare-amqp-consumer.ts`, [
    `amqp://${INGEST.name}:${INGEST.password}@127.0.0.1:${rabbit.amqpPort}`,
    String(runSize()),
    String(PREFETCH),
  ]);
  await consumer.waitForLine(/consuming/, 60_000);
  const rate = await burstRun(fleet, async () => {
    await consumer.waitForLine(/received \d+/, 300_000);
  });
  await consumer.exited;
  return rate;
}

/** Checks started at RATE/8 a second on kiosks in turn, their 8 readings 300 ms apart (2.1 s a check). */
async function latencyAtRate(fleet: NationalFleet): Promise<{ lag: number; p50: number; p99: number }> {
  fleet.resetTimings();
  const checks = Math.round((RATE / 8) * SECONDS);
  const events: { at: number; k: number; reading: ReturnType<typeof check>[number] }[] = [];
  for (let c = 0; c < checks; c++) {
    const k = c % fleet.size;
    for (const [i, reading] of check(`kiosk-${k}`).entries())
      events.push({ at: (c * 8000) / RATE + i * 300, k, reading });
  }
  events.sort((a, b) => a.at - b.at);
  const started = performance.now();
  let next = 0;
  let lag = 0;
  const acks: Promise<unknown>[] = [];
  while (next < events.length) {
    const now = performance.now() - started;
    while (next < events.length && events[next]!.at <= now) {
      const e = events[next++]!;
      lag = Math.max(lag, now - e.at);
      acks.push(fleet.publish(e.k, [e.reading]));
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(acks);
  await until(() => fleet.answered >= events.length, 120_000, `${events.length} receipts`);
  const sorted = [...fleet.latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  // The generator held the rate when its largest lag behind the schedule stays small.
  return { lag, p50: at(0.5), p99: at(0.99) };
}

const rabbit = await startRabbit({ config: KIOSK_LISTENER_CONFIG });
const db = await createTestDatabase();
const fleet = new NationalFleet(rabbit, K);
try {
  await importUsers(rabbit, [
    ...fleet.users(),
    { name: INGEST.name, password: INGEST.password, commands: ingestPermissionCommands(INGEST.name) },
  ]);
  await fleet.connect(Array.from({ length: K }, (_, k) => k));
  const one = await committedRate(rabbit, fleet, [await startWorker(rabbit, db, 'worker-1')]);
  const perRun = fleet.sent;
  const bare = await bareRate(rabbit, fleet);
  const afterBare = fleet.sent;
  const bareIds = fleet.phaseIds;
  const two = await committedRate(rabbit, fleet, [
    await startWorker(rabbit, db, 'worker-2a'),
    await startWorker(rabbit, db, 'worker-2b'),
  ]);
  const sentToWorkers = perRun + (fleet.sent - afterBare);
  const workers = [await startWorker(rabbit, db, 'worker-la'), await startWorker(rabbit, db, 'worker-lb')];
  const sentBefore = fleet.sent;
  const latency = await latencyAtRate(fleet);
  await stopWorkers(rabbit, workers);
  const [rows] = await queryDatabase<{ n: number; ids: number }>(
    db.url,
    'SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM readings',
  );
  const [leak] = await queryDatabase<{ n: number }>(
    db.url,
    'SELECT count(*)::int AS n FROM readings WHERE id = ANY($1)',
    [bareIds],
  );
  const expected = sentToWorkers + (fleet.sent - sentBefore);

  console.log(
    `National tier on RabbitMQ ${(await rabbit.ctl(['eval', 'rabbit_misc:version().'])).trim()} (one node, quorum queue) and PostgreSQL; ${K} kiosks over MQTT 3.1.1, persistent sessions, QoS 1`,
  );
  console.log(
    `  each run: ${fmt(perRun)} readings in bursts of 8 (a check), ${CHECKS} checks a kiosk, every fifth kiosk offline first then sending ${CHECKS * 3}; prefetch ${PREFETCH}`,
  );
  console.log(`  baseline: a bare AMQP consumer that only acknowledges the same number of messages`);
  console.log(`  bare AMQP consumer     ${fmt(bare).padStart(7)} readings/s`);
  console.log(
    `  1 worker, committed    ${fmt(one).padStart(7)} readings/s   ${ratio(one, bare)} bare   ${one >= 2000 ? 'meets' : 'BELOW'} the 2,000/s aim`,
  );
  console.log(
    `  2 workers, committed   ${fmt(two).padStart(7)} readings/s   ${ratio(two, bare)} bare   ${ratio(two, one)} one worker   ${two >= 2000 ? 'meets' : 'BELOW'} the 2,000/s aim`,
  );
  console.log(
    `  publish → receipt, 2 workers, offered ${fmt(RATE)}/s for ${SECONDS} s (publishes at most ${latency.lag.toFixed(0)} ms behind schedule): p50 ${latency.p50.toFixed(0)} ms  p99 ${latency.p99.toFixed(0)} ms   ${latency.p99 < 250 ? 'within' : 'OVER'} the 250 ms aim`,
  );
  const once = rows?.n === expected && rows.ids === expected;
  console.log(
    `  exactly once: ${fmt(rows?.n ?? 0)} rows, ${fmt(rows?.ids ?? 0)} distinct ids, ${fmt(expected)} readings sent to workers: ${once ? 'equal' : 'NOT EQUAL'}; rows of the bare consumer's readings: ${leak?.n ?? 0}`,
  );
  console.log(
    `  left in the queue when the workers stopped though every reading had its receipt (purged): ${left.map(fmt).join(', ')} after the 1-worker, 2-worker and latency runs`,
  );
  await fleet.close();
  if (!once) process.exitCode = 1;
  await idleConnectionBytes(rabbit, positive('idle'));
} finally {
  await fleet.close().catch(() => undefined);
  await db.drop();
  await rabbit.remove();
}
await startupWithRetained(positive('statuses'));
