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

/** The node's memory after a garbage collection of every Erlang process, in bytes. */
async function nodeMemory(rabbit: RabbitNode): Promise<number> {
  const out = await rabbit.ctl([
    'eval',
    '[erlang:garbage_collect(P) || P <- erlang:processes()], erlang:memory(total).',
  ]);
  return Number(out.trim());
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
    await inBatches(ids, 100, async (id) => {
      clients.push(await connectKiosk(rabbit, 'clinic-idle', id));
    });
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
  console.log(
    `  node memory ${(before / 2 ** 20).toFixed(0)} MiB before, ${(after / 2 ** 20).toFixed(0)} MiB after: ${fmt((after - before) / Math.max(1, reached))} bytes a connection (erlang:memory(total) after a full GC)`,
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
