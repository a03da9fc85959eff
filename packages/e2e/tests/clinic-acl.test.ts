import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KioskCredentials, topics } from '@klinik-desa/protocol';
import {
  ApiTestClient,
  type ClinicOnMosquitto,
  createAdminClient,
  startClinicOnMosquitto,
  startClinicServerProcess,
  waitFor,
  writeMosquittoConfig,
} from '@klinik-desa/testkit';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerKiosksInRecord } from '../src/clinic-kiosk.js';
import { storedReadingIds } from '../src/stored-readings.js';
import { grantedQos } from '../src/suback.js';
import { weightReading } from '../src/weight-reading.js';

const dir = mkdtempSync(join(tmpdir(), 'kd-clinic-acl-'));
const db = join(dir, 'clinic.db');
const INGEST_PASSWORD = 'ingest-password-for-tests';
const PASSWORDS = { ingest: INGEST_PASSWORD, admin: 'admin-password-for-tests' };
let kioskA: KioskCredentials;
let kioskB: KioskCredentials;
let onMosquitto: ClinicOnMosquitto | undefined;

beforeAll(async () => {
  [kioskA, kioskB] = (await registerKiosksInRecord(db, 'clinic-1', ['kiosk-a', 'kiosk-b'])) as [
    KioskCredentials,
    KioskCredentials,
  ];
});

afterAll(async () => {
  await onMosquitto?.stop();
});

describe('per-kiosk MQTT credentials', () => {
  it('writes a dynamic-security file with each kiosk pinned to its client id, and no secret', () => {
    const text = writeMosquittoConfig(db, dir, PASSWORDS);
    const state = JSON.parse(text) as { clients: { username: string; clientid?: string }[] };
    expect(state.clients.map((c) => [c.username, c.clientid])).toEqual([
      ['klinik-desa-admin', undefined],
      ['klinik-desa-ingest', undefined],
      [kioskA.mqttUsername, kioskA.mqttUsername],
      [kioskB.mqttUsername, kioskB.mqttUsername],
    ]);
    expect(text).not.toContain(kioskA.mqttPassword);
    expect(text).not.toContain(INGEST_PASSWORD);
    expect(readFileSync(join(dir, 'mosquitto.conf'), 'utf8')).toContain('allow_anonymous false');
  });

  it('lets Mosquitto hold each kiosk to its own topics', async () => {
    const clinic = await startClinicOnMosquitto(db, PASSWORDS);
    onMosquitto = clinic;
    const { broker } = clinic;
    const a = await mqtt.connectAsync(broker.url, {
      protocolVersion: 5,
      clientId: kioskA.mqttUsername,
      username: kioskA.mqttUsername,
      password: kioskA.mqttPassword,
    });
    try {
      const receipts: string[] = [];
      a.on('message', (_t, p) => receipts.push(p.toString()));
      expect(await grantedQos(a, topics.receipts('clinic-1', 'kiosk-a'))).toBe(1);
      // Mosquitto 2 may grant the filter; its read rule still keeps B's receipts from A.
      await grantedQos(a, topics.receipts('clinic-1', 'kiosk-b'));

      const mine = weightReading('clinic-1', 'kiosk-a');
      const forged = weightReading('clinic-1', 'kiosk-b');
      await a.publishAsync(topics.readings('clinic-1', 'kiosk-a'), JSON.stringify(mine), { qos: 1 });
      const refused = await a
        .publishAsync(topics.readings('clinic-1', 'kiosk-b'), JSON.stringify(forged), { qos: 1 })
        .then(
          () => undefined,
          (e: Error & { code?: number }) => e,
        );
      expect(refused?.code).toBe(135); // 0x87 Not authorized
      await waitFor(() => storedReadingIds(db).includes(mine.id), {
        what: "kiosk A's own reading in the record",
      });

      // B's own reading is stored and answered to B; A, listening on B's receipts, hears nothing.
      const b = await mqtt.connectAsync(broker.url, {
        protocolVersion: 5,
        clientId: kioskB.mqttUsername,
        username: kioskB.mqttUsername,
        password: kioskB.mqttPassword,
      });
      try {
        const bReceipts: string[] = [];
        b.on('message', (_t, p) => bReceipts.push(p.toString()));
        expect(await grantedQos(b, topics.receipts('clinic-1', 'kiosk-b'))).toBe(1);
        const bs = weightReading('clinic-1', 'kiosk-b');
        await b.publishAsync(topics.readings('clinic-1', 'kiosk-b'), JSON.stringify(bs), { qos: 1 });
        await waitFor(() => bReceipts.length >= 1, { what: "kiosk B's receipt" });
        // A second reading of A's own, answered after B's: anything for A has arrived by then.
        await a.publishAsync(
          topics.readings('clinic-1', 'kiosk-a'),
          JSON.stringify(weightReading('clinic-1', 'kiosk-a')),
          {
            qos: 1,
          },
        );
        await waitFor(() => receipts.length >= 2, { what: 'two receipts for kiosk A' });
        expect(receipts.some((r) => r.includes(bs.id))).toBe(false);
        expect(storedReadingIds(db)).toContain(bs.id);
        expect(storedReadingIds(db)).not.toContain(forged.id);
      } finally {
        await b.endAsync();
      }

      const wrong = await mqtt
        .connectAsync(broker.url, {
          protocolVersion: 5,
          clientId: kioskB.mqttUsername,
          username: kioskB.mqttUsername,
          password: kioskA.mqttPassword,
          reconnectPeriod: 0,
        })
        .then(
          (c) => c,
          (e: Error) => e,
        );
      expect(wrong).toBeInstanceOf(Error);
    } finally {
      await a.endAsync();
      onMosquitto = undefined;
      await clinic.stop();
    }
  });

  it('makes the embedded broker enforce the same rules once kiosks are registered', async () => {
    const server = await startClinicServerProcess('clinic-server', ['--db', db, '--broker-port', '0']);
    const [, url] = await server.process.waitForLine(/listening on (mqtt:\/\/127\.0\.0\.1:\d+)/);
    try {
      const anonymous = await mqtt
        .connectAsync(url!, { protocolVersion: 4, clientId: 'anon', reconnectPeriod: 0 })
        .then(
          (c) => c,
          (e: Error) => e,
        );
      expect(anonymous).toBeInstanceOf(Error);

      const a = await mqtt.connectAsync(url!, {
        protocolVersion: 4,
        clientId: kioskA.mqttUsername,
        username: kioskA.mqttUsername,
        password: kioskA.mqttPassword,
      });
      const receipts: string[] = [];
      a.on('message', (_t, p) => receipts.push(p.toString()));
      expect(await grantedQos(a, topics.receipts('clinic-1', 'kiosk-b'))).toBe(128); // MQTT 3.1.1: failure
      await a.subscribeAsync(topics.receipts('clinic-1', 'kiosk-a'), { qos: 1 });
      const mine = weightReading('clinic-1', 'kiosk-a');
      await a.publishAsync(topics.readings('clinic-1', 'kiosk-a'), JSON.stringify(mine), { qos: 1 });
      await waitFor(() => receipts.length >= 1, { what: "kiosk A's receipt" });
      // aedes answers a refused publish by closing the connection: MQTT 3.1.1 has no negative PUBACK.
      const forged = weightReading('clinic-1', 'kiosk-b');
      const closed = new Promise<void>((resolve) => a.once('close', () => resolve()));
      a.publish(topics.readings('clinic-1', 'kiosk-b'), JSON.stringify(forged), { qos: 1 });
      await closed;
      await a.endAsync(true);
      expect(storedReadingIds(db)).toContain(mine.id);
      expect(storedReadingIds(db)).not.toContain(forged.id);
    } finally {
      await server.stop();
    }
  });

  it('refuses a revoked kiosk on the embedded broker, and leaves it out of the dynamic-security file', async () => {
    const admin = createAdminClient(db);
    const server = await startClinicServerProcess('clinic-server', ['--db', db, '--broker-port', '0']);
    const [, url] = await server.process.waitForLine(/listening on (mqtt:\/\/127\.0\.0\.1:\d+)/);
    try {
      const api = await new ApiTestClient(server.httpUrl, admin.clientId, admin.clientSecret).signIn();
      const revoked = await api.request('POST', `/clients/${kioskB.clientId}/revoke`);
      expect(revoked.status).toBe(200);
      const connect = (who: KioskCredentials) =>
        mqtt
          .connectAsync(url!, {
            protocolVersion: 4,
            clientId: who.mqttUsername,
            username: who.mqttUsername,
            password: who.mqttPassword,
            reconnectPeriod: 0,
          })
          .then(
            (c) => c,
            (e: Error) => e,
          );
      const b = await connect(kioskB);
      expect(b).toBeInstanceOf(Error);
      const a = await connect(kioskA);
      expect(a).not.toBeInstanceOf(Error);
      await (a as MqttClient).endAsync();
    } finally {
      await server.stop();
    }
    const state = JSON.parse(writeMosquittoConfig(db, dir, PASSWORDS)) as {
      clients: { username: string }[];
    };
    expect(state.clients.map((c) => c.username)).toEqual([
      'klinik-desa-admin',
      'klinik-desa-ingest',
      kioskA.mqttUsername,
    ]);
  });
});
