// The SDK's kiosk status and events against a real clinic server: a registered kiosk publishes its
// status and events on the embedded broker with its own credentials, the server's ingest keeps
// them, and the SDK reads them back, each answer checked against the protocol's schemas.
import { type KioskEvent, type KioskStatus, newUuidV7, topics } from '@klinik-desa/protocol';
import { ClinicClient, NotFoundError } from '@klinik-desa/sdk';
import { waitFor } from '@klinik-desa/testkit';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestClinic, type TestClinic } from '../../src/index.js';

const CLINIC = 'kdmp-3201-001';

let clinic: TestClinic;
let admin: ClinicClient;

beforeAll(async () => {
  clinic = await startTestClinic();
  admin = new ClinicClient({ baseUrl: clinic.url, ...clinic.admin });
});
afterAll(async () => {
  await clinic?.close();
});

describe('kiosk status and events through the SDK', () => {
  it("reads what a kiosk reported over MQTT, page by page, and nothing of a kiosk not the caller's", async () => {
    const credentials = await admin.kiosks.create({ clinicId: CLINIC, kioskId: 'kiosk-ev' });
    const kiosk = await mqtt.connectAsync(clinic.server.brokerUrl, {
      protocolVersion: 4,
      clientId: credentials.mqttUsername,
      username: credentials.mqttUsername,
      password: credentials.mqttPassword,
      reconnectPeriod: 0,
    });
    const at = (s: number) => new Date(Date.UTC(2026, 10, 23, 2, 0, s)).toISOString();
    const event = (type: KioskEvent['type'], s: number): KioskEvent => ({
      id: newUuidV7(Date.UTC(2026, 10, 23, 2, 0, s)),
      clinicId: CLINIC,
      kioskId: 'kiosk-ev',
      at: at(s),
      type,
      ...(type === 'device-lost' || type === 'device-attached' ? { deviceId: 'scale-1' } : {}),
    });
    const sent = [event('started', 1), event('device-attached', 2), event('device-lost', 3)];
    const status: KioskStatus = {
      state: 'online',
      clinicId: CLINIC,
      kioskId: 'kiosk-ev',
      at: at(4),
      startedAt: at(0),
      devices: [{ id: 'scale-1', protocol: 'ad-scale', state: 'disconnected', errors: {} }],
    };
    try {
      for (const e of sent)
        await kiosk.publishAsync(topics.events(CLINIC, 'kiosk-ev'), JSON.stringify(e), { qos: 1 });
      await kiosk.publishAsync(topics.status(CLINIC, 'kiosk-ev'), JSON.stringify(status), {
        qos: 1,
        retain: true,
      });

      const all = await waitFor(
        async () => {
          const list = await admin.kiosks.events(CLINIC, 'kiosk-ev', { limit: 2 }).toArray();
          return list.length === 3 ? list : undefined;
        },
        { timeoutMs: 10_000, what: 'three kiosk events served' },
      );
      // Newest first, walked over two pages of two.
      expect(all.map((e) => e.type)).toEqual(['device-lost', 'device-attached', 'started']);
      expect(all[0]).toEqual({ ...sent[2], receivedAt: expect.any(String) });
      const lost = await admin.kiosks.events(CLINIC, 'kiosk-ev', { type: 'device-lost' }).toArray();
      expect(lost.map((e) => e.id)).toEqual([sent[2]!.id]);
      const recent = await admin.kiosks.events(CLINIC, 'kiosk-ev', { since: at(2) }).toArray();
      expect(recent.map((e) => e.type)).toEqual(['device-lost', 'device-attached']);

      const presence = await waitFor(
        async () => {
          const p = await admin.kiosks.status(CLINIC, 'kiosk-ev');
          return p.state === 'online' ? p : undefined;
        },
        { timeoutMs: 10_000, what: 'the kiosk online' },
      );
      expect(presence.status).toEqual(status);
      expect(presence.lastSeenAt).not.toBeNull();
    } finally {
      await kiosk.endAsync();
    }

    // An administrator of another clinic: as if the kiosk did not exist.
    const other = await admin.clients.create({
      name: 'other clinic',
      role: 'admin',
      clinics: ['kdmp-9999-001'],
    });
    const outsider = new ClinicClient({
      baseUrl: clinic.url,
      clientId: other.clientId,
      clientSecret: other.clientSecret,
    });
    await expect(outsider.kiosks.status(CLINIC, 'kiosk-ev')).rejects.toBeInstanceOf(NotFoundError);
    await expect(outsider.kiosks.events(CLINIC, 'kiosk-ev').toArray()).rejects.toMatchObject({
      code: 'NOT_FOUND',
      status: 404,
    });
  });
});
