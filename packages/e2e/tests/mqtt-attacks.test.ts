// Issue #24, findings 5, 6, 7 and the retained status: attacks on both brokers with real
// processes. The embedded broker (aedes inside the clinic server) and a real Mosquitto loaded with
// the dynamic-security file `clinic-server mosquitto-config` writes, the server as its admin.
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KioskCredentials, newUuidV7, topics } from '@klinik-desa/protocol';
import {
  ApiTestClient,
  type ClinicServerProcess,
  createAdminClient,
  startClinicOnMosquitto,
  startClinicServerProcess,
  waitFor,
} from '@klinik-desa/testkit';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedReadingIds } from '../src/stored-readings.js';
import { grantedQos } from '../src/suback.js';
import { weightReading } from '../src/weight-reading.js';

const INGEST_PASSWORD = 'ingest-password-for-tests';
const ADMIN_PASSWORD = 'dynsec-admin-password-for-tests';
const CLINIC = 'clinic-1';

/** Connects, or returns the refusal. */
function tryConnect(url: string, options: IClientOptions): Promise<MqttClient | Error> {
  return mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options }).then(
    (c) => c,
    (e: Error) => e,
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Setup {
  db: string;
  brokerUrl: string;
  version: 4 | 5;
  server: ClinicServerProcess;
  api: ApiTestClient;
  kiosks: Record<'a' | 'b' | 'c', KioskCredentials>;
  /** The ingest's MQTT client id, which no kiosk may take. */
  ingestClientId: string;
  /** Refusals seen before any kiosk was registered (embedded) or at all (Mosquitto). */
  anonymousBeforeKiosks: MqttClient | Error;
  stop(): Promise<void>;
}

async function register(api: ApiTestClient, kioskId: string): Promise<KioskCredentials> {
  const r = await api.request<KioskCredentials>('POST', '/kiosks', { clinicId: CLINIC, kioskId });
  if (r.status !== 201 && r.status !== 200) throw new Error(`register ${kioskId}: ${r.status}`);
  return r.body;
}

async function embeddedSetup(): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'kd-mqtt-attacks-'));
  const db = join(dir, 'clinic.db');
  const admin = createAdminClient(db);
  const server = await startClinicServerProcess('clinic-server', ['--db', db, '--broker-port', '0']);
  const [, url] = await server.process.waitForLine(/listening on (mqtt:\/\/127\.0\.0\.1:\d+)/);
  // The window of finding 5: before the first kiosk is registered.
  const anonymous = await tryConnect(url!, { protocolVersion: 4, clientId: 'anonymous-early' });
  const api = await new ApiTestClient(server.httpUrl, admin.clientId, admin.clientSecret).signIn();
  const kiosks = {
    a: await register(api, 'kiosk-a'),
    b: await register(api, 'kiosk-b'),
    c: await register(api, 'kiosk-c'),
  };
  return {
    db,
    brokerUrl: url!,
    version: 4,
    server,
    api,
    kiosks,
    // The server's default, predictable client id (finding 6).
    ingestClientId: `klinik-desa-ingest-${hostname()}`,
    anonymousBeforeKiosks: anonymous,
    async stop() {
      if (!(anonymous instanceof Error)) await anonymous.endAsync(true);
      await server.stop();
    },
  };
}

async function mosquittoSetup(): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'kd-mqtt-attacks-'));
  const db = join(dir, 'clinic.db');
  const admin = createAdminClient(db);
  // Kiosks are registered first (on the embedded broker), then the broker's file is written.
  const first = await startClinicServerProcess('clinic-server', ['--db', db, '--broker-port', '0']);
  let kiosks: Setup['kiosks'];
  try {
    const api = await new ApiTestClient(first.httpUrl, admin.clientId, admin.clientSecret).signIn();
    kiosks = {
      a: await register(api, 'kiosk-a'),
      b: await register(api, 'kiosk-b'),
      c: await register(api, 'kiosk-c'),
    };
  } finally {
    await first.stop();
  }
  const clinic = await startClinicOnMosquitto(db, { ingest: INGEST_PASSWORD, admin: ADMIN_PASSWORD });
  const anonymous = await tryConnect(clinic.broker.url, { protocolVersion: 5, clientId: 'anonymous' });
  const api = await new ApiTestClient(clinic.server.httpUrl, admin.clientId, admin.clientSecret).signIn();
  return {
    db,
    brokerUrl: clinic.broker.url,
    version: 5,
    server: clinic.server,
    api,
    kiosks,
    ingestClientId: clinic.ingestClientId,
    anonymousBeforeKiosks: anonymous,
    async stop() {
      if (!(anonymous instanceof Error)) await anonymous.endAsync(true);
      await clinic.stop();
    },
  };
}

describe.each([
  ['embedded broker', embeddedSetup],
  ['Mosquitto with dynamic security', mosquittoSetup],
] as const)('MQTT attacks on the %s', (_name, setup) => {
  let s: Setup;
  const open: MqttClient[] = [];
  const kiosk = async (who: KioskCredentials, clientId = who.mqttUsername): Promise<MqttClient> => {
    const c = await mqtt.connectAsync(s.brokerUrl, {
      protocolVersion: s.version,
      clientId,
      username: who.mqttUsername,
      password: who.mqttPassword,
      reconnectPeriod: 0,
    });
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    s = await setup();
  }, 120_000);
  afterAll(async () => {
    for (const c of open) await c.endAsync(true).catch(() => undefined);
    await s?.stop();
  });

  it('refuses an anonymous client at connect, even before any kiosk is registered', async () => {
    expect(s.anonymousBeforeKiosks).toBeInstanceOf(Error);
    expect(
      await tryConnect(s.brokerUrl, { protocolVersion: s.version, clientId: 'anonymous-late' }),
    ).toBeInstanceOf(Error);
  });

  it("keeps a kiosk out of another kiosk's readings and receipts, and from forging receipts or readings", async () => {
    const a = await kiosk(s.kiosks.a);
    const b = await kiosk(s.kiosks.b);
    const heardByA: string[] = [];
    a.on('message', (topic) => heardByA.push(topic));
    const heardByB: string[] = [];
    b.on('message', (_t, p) => heardByB.push(p.toString()));
    await b.subscribeAsync(topics.receipts(CLINIC, 'kiosk-b'), { qos: 1 });
    // Mosquitto 5 answers 0x87, aedes 0x80: either way nothing of B's reaches A.
    expect(await grantedQos(a, topics.readings(CLINIC, 'kiosk-b'))).toBeGreaterThanOrEqual(128);
    expect(await grantedQos(a, topics.receipts(CLINIC, 'kiosk-b'))).toBeGreaterThanOrEqual(128);
    expect(await grantedQos(a, `klinik-desa/v1/+/+/readings`)).toBeGreaterThanOrEqual(128);

    // A forged `stored` receipt for B's reading would make B delete an unsent reading.
    const forgedReceipt = JSON.stringify({
      receipts: [{ readingId: newUuidV7(), status: 'stored' }],
      at: new Date().toISOString(),
    });
    a.publish(topics.receipts(CLINIC, 'kiosk-b'), forgedReceipt, { qos: 0 });
    // A forged reading on B's topic (QoS 0: aedes closes the connection on a refused QoS 1 publish).
    const forgedReading = weightReading(CLINIC, 'kiosk-b');
    a.publish(topics.readings(CLINIC, 'kiosk-b'), JSON.stringify(forgedReading), { qos: 0 });

    // B's own reading is answered to B alone; by then anything of A's has passed.
    const own = weightReading(CLINIC, 'kiosk-b');
    await b.publishAsync(topics.readings(CLINIC, 'kiosk-b'), JSON.stringify(own), { qos: 1 });
    await waitFor(() => heardByB.some((r) => r.includes(own.id)), { what: "kiosk B's receipt" });
    await sleep(500);
    expect(heardByB.some((r) => r === forgedReceipt)).toBe(false);
    expect(heardByA).toEqual([]);
    expect(storedReadingIds(s.db)).toContain(own.id);
    expect(storedReadingIds(s.db)).not.toContain(forgedReading.id);
  });

  it("refuses a kiosk taking the ingest's client id or another kiosk's, and keeps the rightful client connected", async () => {
    const b = await kiosk(s.kiosks.b);
    const receipts: string[] = [];
    b.on('message', (_t, p) => receipts.push(p.toString()));
    await b.subscribeAsync(topics.receipts(CLINIC, 'kiosk-b'), { qos: 1 });
    const creds = { username: s.kiosks.a.mqttUsername, password: s.kiosks.a.mqttPassword };
    const asIngest = await tryConnect(s.brokerUrl, {
      protocolVersion: s.version,
      clientId: s.ingestClientId,
      ...creds,
    });
    const asB = await tryConnect(s.brokerUrl, {
      protocolVersion: s.version,
      clientId: s.kiosks.b.mqttUsername,
      ...creds,
    });
    expect(asIngest).toBeInstanceOf(Error);
    expect(asB).toBeInstanceOf(Error);
    await sleep(300);
    expect(b.connected).toBe(true);
    // The ingest is still there: B's reading is stored and answered.
    const own = weightReading(CLINIC, 'kiosk-b');
    await b.publishAsync(topics.readings(CLINIC, 'kiosk-b'), JSON.stringify(own), { qos: 1 });
    await waitFor(() => receipts.some((r) => r.includes(own.id)), {
      what: "kiosk B's receipt after the attempts",
    });
  });

  it("closes a revoked kiosk's live connection within seconds and stores nothing it sends afterwards", async () => {
    const c = await kiosk(s.kiosks.c);
    const closed = new Promise<number>((resolve) => c.once('close', () => resolve(Date.now())));
    const revoked = await s.api.request('POST', `/clients/${s.kiosks.c.clientId}/revoke`);
    expect(revoked.status).toBe(200);
    const at = Date.now();
    const late = weightReading(CLINIC, 'kiosk-c');
    c.publish(topics.readings(CLINIC, 'kiosk-c'), JSON.stringify(late), { qos: 0 });
    const closedAt = await Promise.race([closed, sleep(5000).then(() => undefined)]);
    expect(closedAt, 'the revoked kiosk is still connected 5 s later').toBeDefined();
    expect((closedAt as number) - at).toBeLessThan(5000);
    const again = await tryConnect(s.brokerUrl, {
      protocolVersion: s.version,
      clientId: s.kiosks.c.mqttUsername,
      username: s.kiosks.c.mqttUsername,
      password: s.kiosks.c.mqttPassword,
    });
    expect(again).toBeInstanceOf(Error);
    await sleep(500);
    expect(storedReadingIds(s.db)).not.toContain(late.id);
  });

  it("refuses a reading naming another clinic's screening or patient, with a receipt that says why", async () => {
    // Clinic 2's kiosk, registered while the broker runs: Mosquitto gets it through the server's admin login.
    const other = await s.api.request<KioskCredentials>('POST', '/kiosks', {
      clinicId: 'clinic-2',
      kioskId: 'kiosk-x',
    });
    expect(other.status).toBe(201);
    const x = await kiosk(other.body);
    const patient = await s.api.request<{ id: string }>('POST', '/patients', {
      name: 'Ni Luh Putu',
      birthDate: '1990-01-02',
      sex: 'female',
      clinicId: 'clinic-2',
    });
    const screening = await s.api.request<{ id: string }>('POST', '/screenings', {
      patientId: patient.body.id,
      clinicId: 'clinic-2',
      kioskId: 'kiosk-x',
    });
    expect(screening.status).toBe(201);

    const a = await kiosk(s.kiosks.a);
    const receipts: { readingId: string; status: string; code?: string; message?: string }[] = [];
    a.on('message', (_t, p) =>
      receipts.push(...(JSON.parse(p.toString()) as { receipts: typeof receipts }).receipts),
    );
    await a.subscribeAsync(topics.receipts(CLINIC, 'kiosk-a'), { qos: 1 });
    const intoScreening = { ...weightReading(CLINIC, 'kiosk-a'), sessionId: screening.body.id };
    const intoPatient = { ...weightReading(CLINIC, 'kiosk-a'), patientId: patient.body.id };
    for (const r of [intoScreening, intoPatient])
      await a.publishAsync(topics.readings(CLINIC, 'kiosk-a'), JSON.stringify(r), { qos: 1 });
    await waitFor(() => receipts.length >= 2, { what: "kiosk A's receipts" });
    expect(receipts.find((r) => r.readingId === intoScreening.id)).toMatchObject({
      status: 'rejected',
      code: 'FOREIGN_SCREENING',
      message: expect.stringContaining('not a screening of clinic clinic-1'),
    });
    expect(receipts.find((r) => r.readingId === intoPatient.id)).toMatchObject({
      status: 'rejected',
      code: 'FOREIGN_PATIENT',
    });
    expect(storedReadingIds(s.db)).not.toContain(intoScreening.id);
    expect(storedReadingIds(s.db)).not.toContain(intoPatient.id);
    const audit = await s.api.request<{ data: { action: string; resourceId: string }[] }>(
      'GET',
      '/audit-events?resourceType=reading&limit=200',
    );
    expect(audit.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'refuse-foreign_screening', resourceId: intoScreening.id }),
        expect.objectContaining({ action: 'refuse-foreign_patient', resourceId: intoPatient.id }),
      ]),
    );
    // Clinic 2's own kiosk is answered as ever: what it sends is stored in its screening.
    const own = { ...weightReading('clinic-2', 'kiosk-x'), sessionId: screening.body.id };
    const heardByX: string[] = [];
    x.on('message', (_t, p) => heardByX.push(p.toString()));
    await x.subscribeAsync(topics.receipts('clinic-2', 'kiosk-x'), { qos: 1 });
    await x.publishAsync(topics.readings('clinic-2', 'kiosk-x'), JSON.stringify(own), { qos: 1 });
    await waitFor(() => heardByX.some((r) => r.includes(own.id) && r.includes('stored')), {
      what: "kiosk X's receipt",
    });
  });

  it('clears a retained malformed status: a new subscriber gets no retained message', async () => {
    const b = await kiosk(s.kiosks.b);
    await b.publishAsync(topics.status(CLINIC, 'kiosk-b'), '{"state":"garbage"', { qos: 1, retain: true });
    await s.server.process.waitForLine(/cleared a malformed kiosk status/, 10_000);
    await sleep(300);
    const watcher = await kiosk(s.kiosks.b, s.kiosks.b.mqttUsername);
    const retained: Buffer[] = [];
    watcher.on('message', (_t, p) => retained.push(p));
    expect(await grantedQos(watcher, topics.status(CLINIC, 'kiosk-b'))).toBeLessThan(128);
    await sleep(500);
    expect(retained.filter((p) => p.length > 0)).toEqual([]);
  });
});
