// The national bench's broker figures: RabbitMQ memory per idle kiosk connection, and clinic-server
// start-up with thousands of kiosks' retained statuses waiting on Mosquitto.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KioskStatus, topics } from '@klinik-desa/protocol';
import { type RabbitNode, SERVER_CLI, startMosquitto, startTsProcess } from '@klinik-desa/testkit';
import mqtt, { type MqttClient } from 'mqtt';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { connectKiosk, importUsers, inBatches, kioskUser } from './national-kiosks.js';
import { fmt } from './support.js';

/**
 * The node's MQTT listener with small socket buffers. An idle kiosk sends a few hundred bytes a
 * minute, and with the listener's defaults RabbitMQ 3.10 kept about 3.9 MB of buffer binaries per
 * connection (4.0 MB a connection in all); with these it keeps about 34 KB (0.13 MB in all).
 */
export const KIOSK_LISTENER_CONFIG = [
  'mqtt.tcp_listen_options.sndbuf = 16384',
  'mqtt.tcp_listen_options.recbuf = 16384',
  'mqtt.tcp_listen_options.buffer = 16384',
];

const MEMORY = ['total', 'processes', 'binary', 'ets'] as const;
const MEMORY_CAP = 4 * 2 ** 30;
type Memory = Record<(typeof MEMORY)[number] | 'erlangProcesses', number>;

/** The node's memory (erlang:memory) after a garbage collection of every Erlang process, in bytes. */
async function nodeMemory(rabbit: RabbitNode): Promise<Memory> {
  const kinds = MEMORY.map((k) => `erlang:memory(${k})`).join(', ');
  const out = await rabbit.ctl([
    'eval',
    `[erlang:garbage_collect(P) || P <- erlang:processes()], [${kinds}, erlang:system_info(process_count)].`,
  ]);
  const numbers = (out.match(/\d+/g) ?? []).map(Number);
  if (numbers.length !== MEMORY.length + 1) throw new Error(`bench: unexpected erlang:memory answer: ${out}`);
  const [total, processes, binary, ets, erlangProcesses] = numbers as [
    number,
    number,
    number,
    number,
    number,
  ];
  return { total, processes, binary, ets, erlangProcesses };
}

/**
 * Opens up to `n` idle kiosk connections as a kiosk holds them (own user, persistent session,
 * receipts subscription at QoS 1) and prints the node's memory growth per connection.
 */
export async function idleConnectionBytes(rabbit: RabbitNode, n: number): Promise<void> {
  const ids = Array.from({ length: n }, (_, i) => `idle-${i}`);
  await importUsers(
    rabbit,
    ids.map((id) => kioskUser('clinic-idle', id)),
  );
  const before = await nodeMemory(rabbit);
  const clients: MqttClient[] = [];
  let failure = '';
  const started = performance.now();
  try {
    for (let i = 0; i < ids.length && !failure; i += 1000) {
      await inBatches(ids.slice(i, i + 1000), 100, async (id) => {
        clients.push(await connectKiosk(rabbit, 'clinic-idle', id));
      });
      // The machine is shared: the bench stops before the node takes more than it may.
      const { total } = await nodeMemory(rabbit);
      if (total > MEMORY_CAP && clients.length < ids.length)
        failure = `the node's memory passed ${MEMORY_CAP / 2 ** 30} GiB, the bench's cap on a shared machine`;
    }
  } catch (error) {
    failure = (error as Error).message;
  }
  const seconds = (performance.now() - started) / 1000;
  // Let the sessions' processes settle before reading.
  await new Promise((r) => setTimeout(r, 2000));
  const after = await nodeMemory(rabbit);
  const reached = clients.length;
  console.log(
    `RabbitMQ memory per idle kiosk connection (MQTT 3.1.1, persistent session, receipts subscription QoS 1): ${fmt(reached)} of ${fmt(n)} connected in ${seconds.toFixed(0)} s${failure ? `; stopped: ${failure}` : ''}`,
  );
  const each = (k: keyof Memory) => fmt((after[k] - before[k]) / Math.max(1, reached));
  console.log(
    `  node memory ${(before.total / 2 ** 20).toFixed(0)} MiB before, ${(after.total / 2 ** 20).toFixed(0)} MiB after: ${each('total')} bytes a connection (erlang:memory(total) after a full GC)`,
  );
  console.log(
    `  of which a connection: processes ${each('processes')} B, binaries ${each('binary')} B, ETS ${each('ets')} B; ${each('erlangProcesses')} Erlang processes`,
  );
  await inBatches(clients, 200, (c) => c.endAsync(true));
}

function status(kioskId: string): KioskStatus {
  const at = new Date().toISOString();
  return {
    state: 'online',
    clinicId: 'clinic-startup',
    kioskId,
    at,
    version: '1.4.0',
    startedAt: at,
    devices: [{ id: 'bp-1', protocol: 'gatt-2a35', state: 'connected', errors: {} }],
    outbox: { depth: 0, capacity: 100_000, nearlyFull: false },
  };
}

/** ms from spawning `clinic-server start` to "clinic API listening", and to "clinic server ready". */
async function timeStart(url: string, dir: string, name: string): Promise<[number, number]> {
  const db = join(dir, `${name}.db`);
  await openSqliteStore(db).close();
  const started = performance.now();
  const proc = startTsProcess(name, SERVER_CLI, ['start', '--port', '0', '--db', db, '--broker', url]);
  try {
    await proc.waitForLine(/clinic API listening/, 120_000);
    const listening = performance.now() - started;
    await proc.waitForLine(/clinic server ready/, 120_000);
    return [listening, performance.now() - started];
  } finally {
    await proc.stop();
  }
}

/** Clinic-server start-up on Mosquitto with `n` kiosks' retained statuses, beside none. */
export async function startupWithRetained(n: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kd-bench-startup-'));
  const broker = await startMosquitto();
  try {
    const none = await timeStart(broker.url, dir, 'start-empty');
    const client = await mqtt.connectAsync(broker.url, { clientId: `bench-status-${process.pid}` });
    const kiosks = Array.from({ length: n }, (_, i) => `kiosk-${i}`);
    await inBatches(kiosks, 500, async (k) => {
      await client.publishAsync(topics.status('clinic-startup', k), JSON.stringify(status(k)), {
        qos: 1,
        retain: true,
      });
    });
    await client.endAsync();
    const full = await timeStart(broker.url, dir, 'start-retained');
    console.log(
      `Clinic server start-up on Mosquitto (SQLite store, fresh file), spawn to "clinic API listening" / "clinic server ready":`,
    );
    console.log(
      `  no retained statuses (baseline)   ${none[0].toFixed(0).padStart(6)} ms / ${none[1].toFixed(0).padStart(6)} ms`,
    );
    console.log(
      `  ${fmt(n)} retained statuses${' '.repeat(Math.max(1, 16 - fmt(n).length))}${full[0].toFixed(0).padStart(6)} ms / ${full[1].toFixed(0).padStart(6)} ms   ${(full[1] / none[1]).toFixed(2)}× the baseline`,
    );
  } finally {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
