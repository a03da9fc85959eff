// A clinic server process (embedded broker on a free port, SQLite in a temporary folder) with an
// administrator of every clinic signed in, as the tests that attack or read it from outside need.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KioskCredentials, type Reading, topics } from '@klinik-desa/protocol';
import {
  ApiTestClient,
  type ClinicServerProcess,
  createAdminClient,
  startClinicServerProcess,
  waitFor,
} from '@klinik-desa/testkit';
import mqtt from 'mqtt';

export interface ClinicProcess {
  server: ClinicServerProcess;
  brokerUrl: string;
  /** The administrator of every clinic, signed in. */
  root: ApiTestClient;
  /** A request by `root` that must succeed: its body, or an error naming the answer. */
  made<T>(method: string, path: string, body?: unknown): Promise<T>;
}

export async function startClinicProcess(folderPrefix: string): Promise<ClinicProcess> {
  const db = join(mkdtempSync(join(tmpdir(), folderPrefix)), 'clinic.db');
  const national = createAdminClient(db);
  const server = await startClinicServerProcess('clinic-server', ['--db', db, '--broker-port', '0']);
  const [, brokerUrl] = await server.process.waitForLine(/listening on (mqtt:\/\/127\.0\.0\.1:\d+)/);
  const root = await new ApiTestClient(server.httpUrl, national.clientId, national.clientSecret).signIn();
  return {
    server,
    brokerUrl: brokerUrl!,
    root,
    async made<T>(method: string, path: string, body?: unknown): Promise<T> {
      const r = await root.request<T>(method, path, body);
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
  };
}

/**
 * Publishes `readings` as the kiosk of `credentials` does (its own MQTT login, QoS 1) and waits for
 * the clinic's receipt of each.
 */
export async function publishAsKiosk(
  brokerUrl: string,
  credentials: KioskCredentials,
  readings: readonly Reading[],
): Promise<void> {
  const { clinicId, kioskId } = credentials;
  const mq = await mqtt.connectAsync(brokerUrl, {
    protocolVersion: 4,
    clientId: credentials.mqttUsername,
    username: credentials.mqttUsername,
    password: credentials.mqttPassword,
    reconnectPeriod: 0,
  });
  try {
    const receipts: string[] = [];
    mq.on('message', (_t, p) => receipts.push(p.toString()));
    await mq.subscribeAsync(topics.receipts(clinicId, kioskId), { qos: 1 });
    for (const r of readings)
      await mq.publishAsync(topics.readings(clinicId, kioskId), JSON.stringify(r), { qos: 1 });
    await waitFor(() => readings.every((r) => receipts.some((x) => x.includes(r.id))), {
      what: `receipts of ${clinicId}/${kioskId}'s readings`,
    });
  } finally {
    await mq.endAsync();
  }
}
