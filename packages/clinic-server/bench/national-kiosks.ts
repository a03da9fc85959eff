// The national bench's kiosks: RabbitMQ users made in one definitions import (a rabbitmqctl call
// per user takes a second each), and kiosks on the MQTT plugin with persistent sessions that
// time each reading from publish to its receipt.
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Reading, ReceiptMessage, topics } from '@klinik-desa/protocol';
import type { RabbitNode } from '@klinik-desa/testkit';
import mqtt, { type MqttClient } from 'mqtt';
import { kioskUsername } from '../src/domain/acl.js';
import { kioskPermissionCommands } from '../src/transport/index.js';
import { makeReadings } from './support.js';

export const CLINIC = 'clinic-bench';

export interface BrokerUser {
  name: string;
  password: string;
  /** `rabbitmqctl` argument lists (set_permissions / set_topic_permissions) for the user. */
  commands: string[][];
}

/** RabbitMQ's rabbit_password_hashing_sha256: base64(salt ++ sha256(salt ++ password)), 4-byte salt. */
function passwordHash(password: string): string {
  const salt = randomBytes(4);
  const digest = createHash('sha256')
    .update(Buffer.concat([salt, Buffer.from(password, 'utf8')]))
    .digest();
  return Buffer.concat([salt, digest]).toString('base64');
}

/** Creates the users with their permissions in one `rabbitmqctl import_definitions`. */
export async function importUsers(rabbit: RabbitNode, users: readonly BrokerUser[]): Promise<void> {
  const permissions: object[] = [];
  const topicPermissions: object[] = [];
  for (const user of users) {
    for (const [command, , vhost, name, a, b, c] of user.commands) {
      if (command === 'set_permissions')
        permissions.push({ user: name, vhost, configure: a, write: b, read: c });
      else if (command === 'set_topic_permissions')
        topicPermissions.push({ user: name, vhost, exchange: a, write: b, read: c });
      else throw new Error(`bench: no definitions entry for rabbitmqctl ${command}`);
    }
  }
  const file = join(rabbit.dir, `users-${Date.now()}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      users: users.map((u) => ({
        name: u.name,
        password_hash: passwordHash(u.password),
        hashing_algorithm: 'rabbit_password_hashing_sha256',
        tags: '',
      })),
      permissions,
      topic_permissions: topicPermissions,
    }),
  );
  await rabbit.ctl(['import_definitions', file]);
}

export const kioskUser = (clinicId: string, kioskId: string): BrokerUser => ({
  name: kioskUsername(clinicId, kioskId),
  password: `secret-${kioskId}`,
  commands: kioskPermissionCommands(clinicId, kioskId),
});

/** One kiosk's MQTT 3.1.1 session: persistent (clean: false), subscribed to its receipts at QoS 1. */
export async function connectKiosk(
  rabbit: RabbitNode,
  clinicId: string,
  kioskId: string,
  onReceipt?: (readingId: string) => void,
): Promise<MqttClient> {
  const user = kioskUser(clinicId, kioskId);
  const client = await mqtt.connectAsync(rabbit.mqttUrl, {
    protocolVersion: 4,
    clientId: user.name,
    username: user.name,
    password: user.password,
    clean: false,
    reconnectPeriod: 1000,
  });
  if (onReceipt)
    client.on('message', (_t, payload) => {
      for (const r of ReceiptMessage.parse(JSON.parse(payload.toString('utf8'))).receipts) {
        if (r.status === 'rejected') throw new Error(`bench: reading ${r.readingId} rejected: ${r.code}`);
        if (r.readingId) onReceipt(r.readingId);
      }
    });
  await client.subscribeAsync(topics.receipts(clinicId, kioskId), { qos: 1 });
  return client;
}

/** Runs `fn` over the items, `width` at a time. */
export async function inBatches<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn));
}

/** One screening check: 8 readings of one kiosk (ids new each time, so nothing is a duplicate). */
export function check(kioskId: string): Reading[] {
  return makeReadings(1, 8).map((r) => ({ ...r, kioskId, sessionId: `session-${r.id}` }));
}

/** K kiosks of clinic-bench; each reading is timed from its publish to the receipt that answers it. */
export class NationalFleet {
  readonly clients = new Map<number, MqttClient>();
  private readonly pending = new Map<string, number>();
  readonly latencies: number[] = [];
  answered = 0;
  sent = 0;
  /** The reading ids of the last burst run. */
  phaseIds: string[] = [];

  constructor(
    private readonly rabbit: RabbitNode,
    readonly size: number,
  ) {}

  static kioskId = (k: number) => `kiosk-${k}`;

  users(): BrokerUser[] {
    return Array.from({ length: this.size }, (_, k) => kioskUser(CLINIC, NationalFleet.kioskId(k)));
  }

  async connect(indices: readonly number[]): Promise<void> {
    await inBatches(indices, 50, async (k) => {
      const client = await connectKiosk(this.rabbit, CLINIC, NationalFleet.kioskId(k), (id) =>
        this.answer(id),
      );
      this.clients.set(k, client);
    });
  }

  /** Goes offline: the connection ends, the broker keeps the session and queues its receipts. */
  async disconnect(indices: readonly number[]): Promise<void> {
    await Promise.all(
      indices.map(async (k) => {
        await this.clients.get(k)?.endAsync();
        this.clients.delete(k);
      }),
    );
  }

  private answer(readingId: string): void {
    const at = this.pending.get(readingId);
    if (at === undefined) return;
    this.pending.delete(readingId);
    this.latencies.push(performance.now() - at);
    this.answered++;
  }

  /** Publishes at QoS 1 from the kiosk's connection; resolves when the broker has acknowledged. */
  publish(k: number, readings: readonly Reading[]): Promise<unknown> {
    const client = this.clients.get(k);
    if (!client) throw new Error(`bench: kiosk ${k} is not connected`);
    return Promise.all(
      readings.map((r) => {
        this.pending.set(r.id, performance.now());
        this.sent++;
        return client.publishAsync(topics.readings(r.clinicId, r.kioskId), JSON.stringify(r), { qos: 1 });
      }),
    );
  }

  /** Forgets the timings so far (a phase whose readings nobody answers, e.g. the bare consumer's). */
  resetTimings(): void {
    this.pending.clear();
    this.latencies.length = 0;
    this.answered = 0;
  }

  async close(): Promise<void> {
    await this.disconnect([...this.clients.keys()]);
  }
}
