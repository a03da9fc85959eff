// Kiosk events reach the clinic, with real processes: a socat pty for the scale, real Mosquitto,
// the kiosk agent and the clinic server. The scale is unplugged and the clinic API serves the
// device-lost event and the device's state; the agent dies and its last will makes it offline;
// and a kiosk that tries to write another kiosk's events is refused by the broker or the server.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type KioskCredentials,
  type KioskEvent,
  type KioskEventRecord,
  type KioskPresence,
  newUuidV7,
  type Page,
  topics,
} from '@klinik-desa/protocol';
import {
  ApiTestClient,
  createAdminClient,
  startClinicOnMosquitto,
  startClinicServerProcess,
  waitFor,
} from '@klinik-desa/testkit';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { Stack, stackPerTest } from '../src/stack.js';

async function register(api: ApiTestClient, clinicId: string, kioskId: string): Promise<KioskCredentials> {
  const r = await api.request<KioskCredentials>('POST', '/kiosks', { clinicId, kioskId });
  if (r.status !== 201) throw new Error(`register ${clinicId}/${kioskId}: ${r.status}`);
  return r.body;
}

const eventsOf = (api: ApiTestClient, clinicId: string, kioskId: string, query = '') =>
  api.request<Page<KioskEventRecord>>('GET', `/kiosks/${clinicId}/${kioskId}/events${query}`);

describe('kiosk events reach the clinic', () => {
  const track = stackPerTest();

  it('serves a device-lost event when the scale is unplugged, the device state, and offline by the last will', async () => {
    let api: ApiTestClient | undefined;
    let otherClinic: ApiTestClient | undefined;
    const stack = track(
      new Stack({
        mqttVersion: 5,
        async beforeAgent(s) {
          const admin = createAdminClient(s.clinicDb, ['clinic-1']);
          api = await new ApiTestClient(s.clinicApiUrl, admin.clientId, admin.clientSecret).signIn();
          await register(api, 'clinic-1', 'kiosk-1');
          const other = createAdminClient(s.clinicDb, ['clinic-2']);
          otherClinic = await new ApiTestClient(s.clinicApiUrl, other.clientId, other.clientSecret).signIn();
        },
      }),
    );
    await stack.start();
    const clinic = api!;

    // Pull the scale's cable.
    await stack.pty.close();
    await stack.agent.waitForLine(/device scale-1 lost|the port has disappeared/);

    const lost = await waitFor(
      async () => {
        const r = await eventsOf(clinic, 'clinic-1', 'kiosk-1', '?type=device-lost');
        return r.status === 200 && r.body.data.length > 0 ? r.body.data : undefined;
      },
      { timeoutMs: 20_000, what: 'a device-lost event served by the clinic API' },
    );
    expect(lost[0]).toMatchObject({
      clinicId: 'clinic-1',
      kioskId: 'kiosk-1',
      type: 'device-lost',
      deviceId: 'scale-1',
    });

    const status = await waitFor(
      async () => {
        const r = await clinic.request<KioskPresence>('GET', '/kiosks/clinic-1/kiosk-1/status');
        const scale = r.body.status?.devices?.find((d) => d.id === 'scale-1');
        return r.body.state === 'online' && scale?.state !== 'connected' ? r.body : undefined;
      },
      { timeoutMs: 20_000, what: 'the kiosk status showing the scale not connected' },
    );
    expect(status.lastSeenAt).not.toBeNull();

    // Another clinic's administrator: no such kiosk.
    for (const path of ['events', 'status']) {
      const r = await otherClinic!.request<{ code: string }>('GET', `/kiosks/clinic-1/kiosk-1/${path}`);
      expect([r.status, r.body.code]).toEqual([404, 'NOT_FOUND']);
    }

    // The agent dies without a goodbye: the broker publishes its last will, and the clinic knows.
    await stack.agent.kill9();
    const offline = await waitFor(
      async () => {
        const r = await clinic.request<KioskPresence>('GET', '/kiosks/clinic-1/kiosk-1/status');
        return r.body.state === 'offline' ? r.body : undefined;
      },
      { timeoutMs: 20_000, what: 'the kiosk offline after its last will' },
    );
    expect(Date.parse(offline.since!)).toBeGreaterThanOrEqual(Date.parse(status.since!));
  });

  it("refuses a kiosk writing another kiosk's events: the broker on the topic, the server on the payload", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-kiosk-events-'));
    const db = join(dir, 'clinic.db');
    const admin = createAdminClient(db);
    // Kiosks are registered on the embedded broker, then Mosquitto's file is written for them.
    const first = await startClinicServerProcess('clinic-server', ['--db', db, '--broker-port', '0']);
    let a: KioskCredentials;
    try {
      const api = await new ApiTestClient(first.httpUrl, admin.clientId, admin.clientSecret).signIn();
      a = await register(api, 'clinic-1', 'kiosk-a');
      await register(api, 'clinic-2', 'kiosk-b');
    } finally {
      await first.stop();
    }
    const clinic = await startClinicOnMosquitto(db, { ingest: 'ingest-password', admin: 'admin-password' });
    const attacker = await mqtt.connectAsync(clinic.broker.url, {
      protocolVersion: 5,
      clientId: a.mqttUsername,
      username: a.mqttUsername,
      password: a.mqttPassword,
      reconnectPeriod: 0,
    });
    try {
      const api = await new ApiTestClient(clinic.server.httpUrl, admin.clientId, admin.clientSecret).signIn();
      const forged = (clinicId: string, kioskId: string, type: KioskEvent['type']): KioskEvent => ({
        id: newUuidV7(),
        clinicId,
        kioskId,
        at: new Date().toISOString(),
        type,
        message: 'forged',
      });
      // On kiosk b's own topic: the broker's ACL refuses the publish (PUBACK "not authorized").
      const intoB = await attacker
        .publishAsync(
          topics.events('clinic-2', 'kiosk-b'),
          JSON.stringify(forged('clinic-2', 'kiosk-b', 'outbox-pruned')),
          {
            qos: 1,
          },
        )
        .then(
          () => 'accepted',
          (error: Error & { code?: number }) => error.code,
        );
      expect(intoB).toBe(135);
      // On its own topic, naming kiosk b: the server refuses it, whatever the broker let through.
      await attacker.publishAsync(
        topics.events('clinic-1', 'kiosk-a'),
        JSON.stringify(forged('clinic-2', 'kiosk-b', 'device-lost')),
        { qos: 1 },
      );
      await clinic.server.process.waitForLine(/refused a kiosk event: names clinic-2\/kiosk-b/, 10_000);
      // Its own event, on its own topic, after the forged ones: kept, and the only one anywhere.
      const own = forged('clinic-1', 'kiosk-a', 'started');
      await attacker.publishAsync(topics.events('clinic-1', 'kiosk-a'), JSON.stringify(own), { qos: 1 });
      await waitFor(
        async () => ((await eventsOf(api, 'clinic-1', 'kiosk-a')).body.data.length > 0 ? true : undefined),
        { timeoutMs: 10_000, what: "kiosk a's own event kept" },
      );
      expect((await eventsOf(api, 'clinic-1', 'kiosk-a')).body.data.map((e) => e.id)).toEqual([own.id]);
      expect((await eventsOf(api, 'clinic-2', 'kiosk-b')).body.data).toEqual([]);
    } finally {
      await attacker.endAsync(true);
      await clinic.stop();
    }
  });
});
