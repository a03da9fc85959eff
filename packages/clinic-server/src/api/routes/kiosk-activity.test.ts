import { ApiError, KioskCredentials, type KioskEvent, KioskPresence, newUuidV7 } from '@klinik-desa/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlClinicStore } from '../../store/sql-store.js';
import { openSqliteStore } from '../../store/sqlite-store.js';
import { buildTestApi, signedInClient, signIn } from '../../testing/api-sign-in.js';
import type { ApiApp } from '../app.js';
import { KioskEventPage } from './kiosk-activity.js';

let store: SqlClinicStore;
let app: ApiApp;

beforeEach(async () => {
  store = openSqliteStore(':memory:');
  app = await buildTestApi(store, { validateResponses: true });
});

afterEach(async () => {
  await app.close();
  await store.close();
});

const token = (clientId: string, secret: string, scope?: string) => signIn(app, clientId, secret, scope);
const client = (role: 'admin' | 'partner', id: string, clinics: string[] | '*') =>
  signedInClient(app, store, role, id, clinics);

const get = (bearer: string, url: string) =>
  app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${bearer}` } });

function expectError(r: { statusCode: number; json(): unknown }, status: number, code: string) {
  expect(r.statusCode, JSON.stringify(r.json())).toBe(status);
  expect(ApiError.parse(r.json()).code).toBe(code);
}

async function registerKiosk(admin: string, clinicId: string, kioskId: string) {
  const r = await app.inject({
    method: 'POST',
    url: '/kiosks',
    headers: { authorization: `Bearer ${admin}` },
    payload: { clinicId, kioskId },
  });
  return KioskCredentials.parse(r.json());
}

const event = (kioskId: string, type: KioskEvent['type'], at: string): KioskEvent => ({
  id: newUuidV7(),
  clinicId: 'clinic-1',
  kioskId,
  at,
  type,
  ...(type === 'device-lost' ? { deviceId: 'scale-1' } : {}),
});

describe('kiosk status and events', () => {
  it('serves a kiosk its presence and its events, page by page and by type and time', async () => {
    const admin = await client('admin', 'admin.t', '*');
    await registerKiosk(admin, 'clinic-1', 'kiosk-1');
    expect(KioskPresence.parse((await get(admin, '/kiosks/clinic-1/kiosk-1/status')).json())).toEqual({
      clinicId: 'clinic-1',
      kioskId: 'kiosk-1',
      state: 'unknown',
      since: null,
      lastSeenAt: null,
      status: null,
    });
    const started = event('kiosk-1', 'started', '2026-11-23T01:00:00.000Z');
    const lost = event('kiosk-1', 'device-lost', '2026-11-23T02:00:00.000Z');
    const attached = event('kiosk-1', 'device-attached', '2026-11-23T03:00:00.000Z');
    for (const e of [started, lost, attached]) await store.recordKioskEvent(e, '2026-11-23T03:00:01.000Z');
    await store.recordKioskStatus(
      {
        state: 'online',
        clinicId: 'clinic-1',
        kioskId: 'kiosk-1',
        at: '2026-11-23T03:00:00.000Z',
        devices: [{ id: 'scale-1', protocol: 'ad-scale', state: 'connected', errors: {} }],
      },
      '2026-11-23T03:00:02.000Z',
    );

    const first = KioskEventPage.parse((await get(admin, '/kiosks/clinic-1/kiosk-1/events?limit=2')).json());
    expect(first.data.map((e) => e.type)).toEqual(['device-attached', 'device-lost']);
    const rest = KioskEventPage.parse(
      (await get(admin, `/kiosks/clinic-1/kiosk-1/events?limit=2&cursor=${first.nextCursor}`)).json(),
    );
    expect(rest).toEqual({
      data: [{ ...started, receivedAt: '2026-11-23T03:00:01.000Z' }],
      nextCursor: null,
    });
    const byType = KioskEventPage.parse(
      (await get(admin, '/kiosks/clinic-1/kiosk-1/events?type=device-lost')).json(),
    );
    expect(byType.data.map((e) => e.id)).toEqual([lost.id]);
    const since = KioskEventPage.parse(
      (await get(admin, '/kiosks/clinic-1/kiosk-1/events?since=2026-11-23T09:00:00%2B07:00')).json(),
    );
    expect(since.data.map((e) => e.id)).toEqual([attached.id, lost.id]);
    expectError(await get(admin, '/kiosks/clinic-1/kiosk-1/events?type=reboot'), 400, 'VALIDATION');
    expectError(await get(admin, '/kiosks/clinic-1/kiosk-1/events?since=yesterday'), 400, 'VALIDATION');

    const presence = KioskPresence.parse((await get(admin, '/kiosks/clinic-1/kiosk-1/status')).json());
    expect(presence).toMatchObject({ state: 'online', since: '2026-11-23T03:00:02.000Z' });
    expect(presence.status?.devices?.[0]?.state).toBe('connected');
  });

  it("answers 404 for another clinic's kiosk, another kiosk of one's own clinic, and an unknown kiosk", async () => {
    const admin = await client('admin', 'admin.t', '*');
    const own = await registerKiosk(admin, 'clinic-1', 'kiosk-1');
    await registerKiosk(admin, 'clinic-1', 'kiosk-2');
    await registerKiosk(admin, 'clinic-2', 'kiosk-9');
    await store.recordKioskEvent(
      event('kiosk-1', 'started', '2026-11-23T01:00:00.000Z'),
      '2026-11-23T01:00:01.000Z',
    );
    // Partners have no kiosk.read; an administrator of clinic 2 is the one who could look.
    const admin2 = await client('admin', 'admin.two', ['clinic-2']);
    for (const path of ['status', 'events']) {
      expectError(await get(admin2, `/kiosks/clinic-1/kiosk-1/${path}`), 404, 'NOT_FOUND');
      expectError(await get(admin, `/kiosks/clinic-1/kiosk-nobody/${path}`), 404, 'NOT_FOUND');
    }
    // A kiosk's own credentials read its own kiosk, and no other, even of its clinic.
    const kiosk = await token(own.clientId, own.clientSecret);
    expect((await get(kiosk, '/kiosks/clinic-1/kiosk-1/events')).statusCode).toBe(200);
    expectError(await get(kiosk, '/kiosks/clinic-1/kiosk-2/events'), 404, 'NOT_FOUND');
    expectError(await get(kiosk, '/kiosks/clinic-1/kiosk-2/status'), 404, 'NOT_FOUND');
    // Without kiosk.read, nothing.
    const narrow = await token('admin.t', 'admin.t-secret', 'patient.read');
    expectError(await get(narrow, '/kiosks/clinic-1/kiosk-1/events'), 403, 'FORBIDDEN');
    const partner = await client('partner', 'partner.one', ['clinic-1']);
    expectError(await get(partner, '/kiosks/clinic-1/kiosk-1/status'), 403, 'FORBIDDEN');
  });
});
