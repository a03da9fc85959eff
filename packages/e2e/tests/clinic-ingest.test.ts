import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newUuidV7, type Reading, type Receipt, ReceiptMessage, topics } from '@klinik-desa/protocol';
import {
  ApiTestClient,
  type ClinicServerProcess,
  createAdminClient,
  type MosquittoBroker,
  type SatusehatFake,
  startClinicServerProcess,
  startMosquitto,
  startSatusehatFake,
  waitFor,
} from '@klinik-desa/testkit';
import Database from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bloodPressureReading } from '../src/weight-reading.js';

const ORG = '10000004';
let broker: MosquittoBroker;
let fake: SatusehatFake;
let server: ClinicServerProcess;
let admin: ApiTestClient;
const dir = mkdtempSync(join(tmpdir(), 'kd-clinic-ingest-'));
const db = join(dir, 'clinic.db');

function reading(clinicId: string, kioskId: string, extra: Partial<Reading> = {}): Reading {
  return bloodPressureReading(clinicId, kioskId, {
    flags: [{ code: 'bp.grade-3', severity: 'urgent', value: 'systolic' }],
    ...extra,
  });
}

/** A kiosk as the broker sees it: publishes readings, collects its receipts. */
async function kiosk(
  clinicId: string,
  kioskId: string,
): Promise<{ client: MqttClient; receipts: Receipt[] }> {
  const client = await mqtt.connectAsync(broker.url, {
    protocolVersion: 5,
    clientId: `test-${clinicId}-${kioskId}-${newUuidV7().slice(-6)}`,
  });
  const receipts: Receipt[] = [];
  client.on('message', (_topic, payload) => {
    receipts.push(...ReceiptMessage.parse(JSON.parse(payload.toString('utf8'))).receipts);
  });
  await client.subscribeAsync(topics.receipts(clinicId, kioskId), { qos: 1 });
  return { client, receipts };
}

function storedIds(): string[] {
  const sqlite = new Database(db, { readonly: true });
  const ids = (sqlite.prepare('SELECT id FROM readings ORDER BY id').all() as { id: string }[]).map(
    (r) => r.id,
  );
  sqlite.close();
  return ids;
}

beforeAll(async () => {
  broker = await startMosquitto();
  fake = await startSatusehatFake({ clients: { 'kd-client': { secret: 'kd-secret', organizationId: ORG } } });
  const config = join(dir, 'clinic.yaml');
  writeFileSync(
    config,
    [
      'satusehat:',
      `  authBaseUrl: ${fake.authBaseUrl}`,
      `  fhirBaseUrl: ${fake.fhirBaseUrl}`,
      '  clientId: kd-client',
      `  organizationId: "${ORG}"`,
      '  location: { id: b017aa54-f1df-4ec2-9d84-8823815d7228, display: Ruang Skrining }',
      '  defaultPractitioner: { ihsNumber: "10009880728", name: Bidan Sari }',
      '  pollMs: 100',
      '',
    ].join('\n'),
  );
  const creds = createAdminClient(db);
  server = await startClinicServerProcess(
    'clinic-server',
    ['--db', db, '--config', config, '--broker', broker.url, '--client-id', `ingest-${broker.port}`],
    { SATUSEHAT_CLIENT_SECRET: 'kd-secret' },
  );
  admin = await new ApiTestClient(server.httpUrl, creds.clientId, creds.clientSecret).signIn();
});

afterAll(async () => {
  await server?.stop();
  await fake?.close();
  await broker?.stop();
});

describe('MQTT ingest over real Mosquitto into SQLite, with the API and the forwarder in one process', () => {
  it('answers every kind of bad input with its receipt, and still stores the good readings of the same burst', async () => {
    const k = await kiosk('clinic-1', 'kiosk-1');
    const topic = topics.readings('clinic-1', 'kiosk-1');
    const good1 = reading('clinic-1', 'kiosk-1');
    const good2 = reading('clinic-1', 'kiosk-1');
    const invalid = { ...reading('clinic-1', 'kiosk-1'), values: [] };
    const oversized = { ...reading('clinic-1', 'kiosk-1'), annunciations: ['x'.repeat(70_000)] };
    const elsewhere = reading('clinic-1', 'kiosk-2');
    try {
      await Promise.all([
        k.client.publishAsync(topic, JSON.stringify(good1), { qos: 1 }),
        k.client.publishAsync(topic, '{"id": "broken', { qos: 1 }),
        k.client.publishAsync(topic, JSON.stringify(invalid), { qos: 1 }),
        k.client.publishAsync(topic, JSON.stringify(oversized), { qos: 1 }),
        k.client.publishAsync(topic, JSON.stringify(elsewhere), { qos: 1 }),
        k.client.publishAsync(topic, JSON.stringify(good2), { qos: 1 }),
      ]);
      await waitFor(() => k.receipts.length >= 6, { what: 'six receipts' });
      await k.client.publishAsync(topic, JSON.stringify(good1), { qos: 1 });
      await waitFor(() => k.receipts.length >= 7, { what: 'the receipt of the replay' });

      const byId = (id: string | null) => k.receipts.filter((r) => r.readingId === id);
      expect(byId(good1.id).map((r) => r.status)).toEqual(['stored', 'duplicate']);
      expect(byId(good2.id).map((r) => r.status)).toEqual(['stored']);
      expect(byId(invalid.id)).toMatchObject([{ status: 'rejected', code: 'SCHEMA' }]);
      expect(byId(elsewhere.id)).toMatchObject([{ status: 'rejected', code: 'WRONG_TOPIC' }]);
      const anonymous = byId(null)
        .map((r) => r.code)
        .sort();
      expect(anonymous).toEqual(['INVALID_JSON', 'TOO_LARGE']);
      expect(storedIds()).toEqual(expect.arrayContaining([good1.id, good2.id]));
      expect(storedIds()).not.toContain(elsewhere.id);
      expect(server.process.child.exitCode).toBeNull();
    } finally {
      await k.client.endAsync();
    }
  });

  it('refuses readings of unregistered kiosks once kiosks are registered (UNKNOWN_KIOSK)', async () => {
    const registered = await admin.request('POST', '/kiosks', { clinicId: 'clinic-2', kioskId: 'kiosk-1' });
    expect(registered.status).toBe(201);
    const known = await kiosk('clinic-2', 'kiosk-1');
    const stranger = await kiosk('clinic-2', 'kiosk-9');
    try {
      const a = reading('clinic-2', 'kiosk-1');
      const b = reading('clinic-2', 'kiosk-9');
      await known.client.publishAsync(topics.readings('clinic-2', 'kiosk-1'), JSON.stringify(a), { qos: 1 });
      await stranger.client.publishAsync(topics.readings('clinic-2', 'kiosk-9'), JSON.stringify(b), {
        qos: 1,
      });
      await waitFor(() => known.receipts.length >= 1 && stranger.receipts.length >= 1, {
        what: 'both receipts',
      });
      expect(known.receipts).toEqual([{ readingId: a.id, status: 'stored' }]);
      expect(stranger.receipts).toMatchObject([
        { readingId: b.id, status: 'rejected', code: 'UNKNOWN_KIOSK' },
      ]);
      const kioskRow = await admin.request<{ lastReadingAt: string | null }>(
        'GET',
        '/kiosks/clinic-2/kiosk-1',
      );
      expect(kioskRow.body.lastReadingAt).not.toBeNull();
    } finally {
      await known.client.endAsync();
      await stranger.client.endAsync();
    }
  });

  it('walks a screening end to end: patient, readings over MQTT, referral, finish, SATUSEHAT', async () => {
    const patient = await admin.request<{ id: string }>('POST', '/patients', {
      nik: '3201014509800007',
      name: 'Sri Wahyuni',
      birthDate: '1980-09-05',
      sex: 'female',
      ihsNumber: 'P02478375538',
      clinicId: 'clinic-2',
    });
    expect(patient.status).toBe(201);
    const opened = await admin.request<{ id: string }>('POST', '/screenings', {
      patientId: patient.body.id,
      clinicId: 'clinic-2',
      kioskId: 'kiosk-1',
    });
    const screeningId = opened.body.id;
    const k = await kiosk('clinic-2', 'kiosk-1');
    try {
      const r = reading('clinic-2', 'kiosk-1', { sessionId: screeningId });
      await k.client.publishAsync(topics.readings('clinic-2', 'kiosk-1'), JSON.stringify(r), { qos: 1 });
      await waitFor(() => k.receipts.some((x) => x.readingId === r.id), { what: 'the receipt' });

      const detail = await admin.request<{
        observations: { name: string; patientId: string }[];
        severity: string;
      }>('GET', `/screenings/${screeningId}`);
      expect(detail.body.severity).toBe('urgent');
      expect(detail.body.observations.map((o) => [o.name, o.patientId])).toEqual([
        ['systolic', patient.body.id],
        ['diastolic', patient.body.id],
      ]);
      const referrals = await admin.request<{ data: { readingId: string }[] }>(
        'GET',
        `/referrals?screeningId=${screeningId}`,
      );
      expect(referrals.body.data.map((x) => x.readingId)).toEqual([r.id]);

      const bundle = await admin.request<{ resourceType: string; entry: unknown[] }>(
        'GET',
        `/screenings/${screeningId}/fhir`,
      );
      expect(bundle.body.resourceType).toBe('Bundle');

      expect((await admin.request('POST', `/screenings/${screeningId}/finish`, {})).status).toBe(200);
      const sent = await waitFor(
        async () => {
          const s = await admin.request<{ forwarding: { status: string } }>(
            'GET',
            `/screenings/${screeningId}`,
          );
          return s.body.forwarding.status === 'sent' ? s.body : undefined;
        },
        { what: 'the screening sent to SATUSEHAT' },
      );
      expect(sent.forwarding).toMatchObject({ status: 'sent', attempts: 1 });
      expect(
        fake.countByIdentifier(`http://sys-ids.kemkes.go.id/observation/${ORG}`, `${r.id}.systolic`),
      ).toBe(1);
      expect(fake.countByIdentifier(`http://sys-ids.kemkes.go.id/encounter/${ORG}`, screeningId)).toBe(1);
    } finally {
      await k.client.endAsync();
    }
  });
});
