import { type KioskEvent, type KioskStatus, newUuidV7, topics } from '@klinik-desa/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startEmbeddedBroker } from '../broker.js';
import { EVERY_CLINIC } from '../domain/access.js';
import { hashSecret } from '../domain/secrets.js';
import { Metrics } from '../metrics.js';
import type { SqlClinicStore } from '../store/sql-store.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { Ingest } from './ingest.js';
import { KIOSK_REPORT_BYTES_MAX, KioskReports } from './kiosk-reports.js';

const RECEIVED = '2026-11-23T03:00:00.000Z';
const EVENTS = topics.events('clinic-1', 'kiosk-1');
const STATUS = topics.status('clinic-1', 'kiosk-1');

const lost = (overrides: Partial<KioskEvent> = {}): KioskEvent => ({
  id: newUuidV7(),
  clinicId: 'clinic-1',
  kioskId: 'kiosk-1',
  at: '2026-11-23T02:59:59.000Z',
  type: 'device-lost',
  deviceId: 'scale-1',
  ...overrides,
});

async function registered(...kiosks: [string, string][]): Promise<SqlClinicStore> {
  const store = openSqliteStore(':memory:');
  for (const [clinicId, kioskId] of kiosks) {
    await store.registerKiosk(
      { clinicId, kioskId, name: null },
      `kiosk.${clinicId}.${kioskId}`,
      hashSecret('s'),
      RECEIVED,
    );
  }
  return store;
}

/** Reports over a client that only records what it is asked to publish. */
function reportsOver(store: SqlClinicStore) {
  const published: { topic: string; payload: Buffer; retain: boolean | undefined }[] = [];
  const client = {
    publish(topic: string, payload: Buffer, options: { retain?: boolean }, done?: (e?: Error) => void) {
      published.push({ topic, payload, retain: options.retain });
      done?.();
    },
  } as unknown as MqttClient;
  const metrics = new Metrics();
  const reports = new KioskReports({
    client,
    store,
    log: pino({ level: 'silent' }),
    metrics,
    now: () => new Date(RECEIVED),
  });
  return { reports, published, metrics };
}

const events = (store: SqlClinicStore, clinicId = 'clinic-1', kioskId = 'kiosk-1') =>
  store.listKioskEvents(clinicId, kioskId, {}, { limit: 50 }, EVERY_CLINIC).then((p) => p.data);

describe('kiosk reports', () => {
  it("keeps a registered kiosk's event once, with when the clinic received it", async () => {
    const store = await registered(['clinic-1', 'kiosk-1']);
    const { reports, metrics } = reportsOver(store);
    const event = lost();
    reports.onEvent(EVENTS, Buffer.from(JSON.stringify(event)));
    reports.onEvent(EVENTS, Buffer.from(JSON.stringify(event)));
    await reports.drain();
    expect(await events(store)).toEqual([{ ...event, receivedAt: RECEIVED }]);
    expect(reports.stats.events).toEqual({ stored: 1, duplicate: 1 });
    expect(await metrics.registry.getSingleMetricAsString('kd_ingest_kiosk_reports_total')).toContain(
      'kind="event",outcome="stored"} 1',
    );
    await store.close();
  });

  it('refuses, counts and survives whatever a kiosk sends on its events topic', async () => {
    const store = await registered(['clinic-1', 'kiosk-1'], ['clinic-2', 'kiosk-2']);
    const { reports } = reportsOver(store);
    const send = (payload: string | Buffer) =>
      reports.onEvent(EVENTS, typeof payload === 'string' ? Buffer.from(payload) : payload);
    // Kiosk 1, on its own topic, names a kiosk of another clinic: the topic is who sent it.
    send(JSON.stringify(lost({ clinicId: 'clinic-2', kioskId: 'kiosk-2' })));
    send(JSON.stringify(lost({ kioskId: 'kiosk-2' })));
    send('{"id": ');
    send(Buffer.from([0xff, 0xfe, 0x00]));
    send(JSON.stringify({ ...lost(), type: 'reboot' }));
    send(JSON.stringify({ ...lost(), patientNik: '3201234567890123' }));
    send(JSON.stringify(lost({ message: 'x'.repeat(1001) })));
    send(`${JSON.stringify(lost())}${' '.repeat(KIOSK_REPORT_BYTES_MAX)}`);
    // Published on a topic that is not a kiosk's (a misconfigured broker forwarding it).
    reports.onEvent('klinik-desa/v1/+/+/events', Buffer.from(JSON.stringify(lost())));
    await reports.drain();
    expect(reports.stats.events).toEqual({ WRONG_TOPIC: 3, INVALID_JSON: 2, SCHEMA: 3, TOO_LARGE: 1 });
    expect(await events(store)).toEqual([]);
    expect(await events(store, 'clinic-2', 'kiosk-2')).toEqual([]);
    await store.close();
  });

  it('does not keep events of unregistered kiosks, and survives a record that fails', async () => {
    const store = await registered(['clinic-1', 'kiosk-other']);
    const { reports } = reportsOver(store);
    reports.onEvent(EVENTS, Buffer.from(JSON.stringify(lost())));
    await reports.drain();
    expect(reports.stats.events).toEqual({ UNKNOWN_KIOSK: 1 });
    await store.close();
    // The record is gone (closed): the write fails, is logged, and nothing throws.
    reports.onEvent(EVENTS, Buffer.from(JSON.stringify(lost())));
    await reports.drain();
    expect(reports.stats.events).toEqual({ UNKNOWN_KIOSK: 1 });
  });

  it('keeps a valid status and clears a malformed or misaddressed one from the broker', async () => {
    const store = await registered(['clinic-1', 'kiosk-1']);
    const { reports, published } = reportsOver(store);
    const status: KioskStatus = { state: 'online', clinicId: 'clinic-1', kioskId: 'kiosk-1', at: RECEIVED };
    reports.onStatus(STATUS, Buffer.from(JSON.stringify(status)));
    reports.onStatus(STATUS, Buffer.from(JSON.stringify({ ...status, kioskId: 'kiosk-2' })));
    reports.onStatus(STATUS, Buffer.from('not json'));
    // The empty retained message that clears one comes back, and is nothing.
    reports.onStatus(STATUS, Buffer.alloc(0));
    await reports.drain();
    expect(reports.stats.statuses).toEqual({ kept: 1, WRONG_TOPIC: 1, INVALID_JSON: 1 });
    expect(published.map((p) => [p.topic, p.payload.length, p.retain])).toEqual([
      [STATUS, 0, true],
      [STATUS, 0, true],
    ]);
    expect(await store.getKioskPresence('clinic-1', 'kiosk-1', EVERY_CLINIC)).toMatchObject({
      state: 'online',
      since: RECEIVED,
      status,
    });
    await store.close();
  });
});

describe('ingest of kiosk events over MQTT', () => {
  let broker: EmbeddedBroker | undefined;
  const clients: MqttClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync()));
    await broker?.close();
  });

  it("subscribes to every kiosk's events and keeps them", async () => {
    const store = await registered(['clinic-1', 'kiosk-1']);
    broker = await startEmbeddedBroker({ port: 0 });
    const server = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: 'ingest' });
    const kiosk = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: 'kiosk' });
    clients.push(server, kiosk);
    const ingest = new Ingest({ client: server, store, log: pino({ level: 'silent' }) });
    await ingest.start();
    const event = lost();
    await kiosk.publishAsync(EVENTS, JSON.stringify(event), { qos: 1 });
    for (let i = 0; (await events(store)).length === 0 && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await ingest.stop();
    expect((await events(store)).map((e) => e.id)).toEqual([event.id]);
    expect(ingest.reports.stats.events).toEqual({ stored: 1 });
    await store.close();
  });
});
