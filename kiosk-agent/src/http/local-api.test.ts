import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Reading } from '@klinik-desa/protocol';
import { TEST_PAGE_PIN, TEST_PAGE_PIN_HASH } from '@klinik-desa/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import type { PatientCard } from '../screening/clinic-patients.js';
import { type OpenScreening, ScreeningState } from '../screening/screening-state.js';
import type { AgentEvents } from './agent-view.js';
import { type AgentView, type LocalApiOptions, startLocalApi } from './local-api.js';

const PATIENT: PatientCard = {
  id: 'pat-1',
  name: 'Siti Aminah',
  birthDate: '1979-04-12',
  sex: 'female',
  ageYears: 46,
  hasNik: true,
};
const READING_ID = '0190a6f4-1b2c-7d3e-8f40-123456789abc';

/** The agent as the local API sees it; every call that reaches it is noted. */
function fakeAgent(): AgentView & { calls: string[] } {
  const calls: string[] = [];
  const screening = new ScreeningState(undefined);
  screening.open({
    sessionId: 'scr-1',
    patientId: PATIENT.id,
    sex: 'female',
    ageYears: 46,
    openedAt: '2026-05-01T08:00:00+07:00',
  });
  const note = <T>(name: string, value: T) => {
    calls.push(name);
    return value;
  };
  return {
    calls,
    patients: {
      search: async () => note('search', [PATIENT]),
      register: async () => note('register', PATIENT),
      get: async () => note('get', PATIENT),
    },
    practitioners: { list: async () => note('practitioners', { practitioners: [], stale: false }) },
    status: () => ({
      state: 'online',
      clinicId: 'clinic-1',
      kioskId: 'kiosk-1',
      at: '2026-05-01T08:00:00+07:00',
      session: screening.current() ?? null,
      devices: [],
      broker: { connected: false, maxInFlight: 1, maxBatch: 1 },
      outboxDetail: { pending: 0, rejected: 0, total: 0, capacity: 100, nearlyFull: false },
      damagedFiles: [],
      clock: { trusted: true, offsetMs: 0 },
      warnings: [],
    }),
    screening,
    openScreening: async () => note('open', screening.current() as OpenScreening),
    closeScreening: async () => note('close', { ...(screening.current() as OpenScreening), finished: false }),
    assignToScreening: async () => note('assign', screening.current() as OpenScreening),
    recent: () => note('recent', []),
    // Only that the call arrives matters here: the page shows whatever comes back.
    addManual: () => note('manual', {} as Reading),
    resendRejected: (codes) => note(`resend ${codes.join(',')}`, { readings: 2, requests: 0 }),
    metrics: () => [],
    events: new EventEmitter<AgentEvents>(),
  };
}

/** Every route that names a patient or changes a screening, with a body where it takes one. */
const PROTECTED: [method: string, path: string, body?: unknown][] = [
  ['POST', '/patients/search', { nik: '3201014102950003' }],
  ['POST', '/patients', { name: 'Budi', birthDate: '1988-04-25', sex: 'male' }],
  ['GET', '/patients/pat-1'],
  ['GET', '/session'],
  ['PUT', '/session', { patientId: 'pat-1', sessionId: 'scr-2' }],
  ['DELETE', '/session'],
  ['POST', `/readings/${READING_ID}/assign`],
  ['POST', '/readings/manual', { kind: 'height', height: { value: 158, unit: 'cm' } }],
  ['GET', '/readings'],
  ['GET', '/readings/stream'],
  ['GET', '/practitioners'],
  ['POST', '/outbox/resend', { codes: ['UNSTORABLE'] }],
  ['POST', '/page/alive'],
];

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function start(view: AgentView, options: Partial<LocalApiOptions> = {}) {
  let now = Date.parse('2026-05-01T08:00:00Z');
  server = await startLocalApi(view, {
    host: '127.0.0.1',
    port: 0,
    log: createLogger('silent'),
    page: { pinHash: TEST_PAGE_PIN_HASH, lockAfterMinutes: 3 },
    now: () => now,
    ...options,
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = async (method: string, path: string, body?: unknown, cookie?: string) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = res.headers.get('content-type')?.startsWith('application/json');
    const text = json ? await res.text() : '';
    if (!json) await res.body?.cancel();
    return {
      status: res.status,
      headers: res.headers,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  };
  const unlock = async (pin: string) => {
    const res = await call('POST', '/page/unlock', { pin });
    return { ...res, cookie: res.headers.get('set-cookie')?.split(';')[0] };
  };
  return { base, call, unlock, advance: (ms: number) => (now += ms) };
}

// Each PIN tried costs a scrypt (tens of ms, more on a loaded 2-core machine): room for a dozen.
describe('the local API, for programs on the kiosk other than its page', { timeout: 30_000 }, () => {
  it('answers no protected route without an unlocked page session, and reaches nothing behind it', async () => {
    const view = fakeAgent();
    const { call } = await start(view);
    const table: string[] = [];
    for (const [method, path, body] of PROTECTED) {
      const res = await call(method, path, body);
      table.push(`${`${method} ${path}`.padEnd(52)} ${res.status} ${String(res.body['code'])}`);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body).toMatchObject({ code: 'PAGE_LOCKED' });
      expect(String(res.body['message'])).toMatch(/unlock the kiosk page with the health worker's PIN/);
    }
    console.log(`without a page session:\n${table.join('\n')}`);
    expect(view.calls).toEqual([]);
    // Forged or stale cookies are no better.
    expect(
      (await call('GET', '/session', undefined, 'kd_page=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'))
        .status,
    ).toBe(401);
  });

  it('keeps the open routes open, and the status they see names no patient', async () => {
    const { call, base } = await start(fakeAgent());
    const status = await call('GET', '/status');
    expect(status.status).toBe(200);
    expect(status.body['session']).toEqual({ sessionId: 'scr-1', openedAt: '2026-05-01T08:00:00+07:00' });
    expect(JSON.stringify(status.body)).not.toMatch(/pat-1|female|"ageYears"/);
    expect((await call('GET', '/metrics')).status).toBe(200);
    expect((await fetch(`${base}/`)).status).toBe(200);
    expect((await fetch(`${base}/kiosk.js`)).status).toBe(200);
  });

  it('unlocks with the PIN: a session cookie only the page can hold, then every route answers', async () => {
    const view = fakeAgent();
    const { call, unlock } = await start(view);
    const wrong = await unlock('1357');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 'PIN_WRONG' });
    expect(wrong.cookie).toBeUndefined();

    const right = await unlock(TEST_PAGE_PIN);
    expect(right.status).toBe(200);
    expect(right.body).toEqual({ lockAfterSeconds: 180 });
    const setCookie = right.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^kd_page=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    for (const [method, path, body] of PROTECTED) {
      const res = await call(method, path, body, right.cookie);
      expect(res.status, `${method} ${path}`).toBeLessThan(400);
    }
  });

  it('sends rejected entries again by their codes for an unlocked session, refusing a malformed list', async () => {
    const view = fakeAgent();
    const { call, unlock } = await start(view);
    const { cookie } = await unlock(TEST_PAGE_PIN);
    for (const body of [{}, { codes: [] }, { codes: ['unstorable'] }, { codes: ['UNSTORABLE'], more: 1 }]) {
      const res = await call('POST', '/outbox/resend', body, cookie);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ code: 'BAD_RESEND' });
    }
    const res = await call('POST', '/outbox/resend', { codes: ['UNSTORABLE', 'UNAVAILABLE'] }, cookie);
    expect(res).toMatchObject({ status: 200, body: { readings: 2, requests: 0 } });
    expect(view.calls).toEqual(['resend UNSTORABLE,UNAVAILABLE']);
  });

  it('pauses the unlock after 5 wrong PINs in a row, for the kiosk, even for the right PIN, doubling the pause', async () => {
    const { unlock, advance } = await start(fakeAgent());
    for (let i = 1; i <= 5; i++) expect((await unlock(`000${i}`)).status).toBe(401);
    const sixth = await unlock(TEST_PAGE_PIN);
    expect(sixth.status).toBe(429);
    expect(sixth.body).toMatchObject({ code: 'PIN_PAUSED' });
    expect(sixth.headers.get('retry-after')).toBe('30');
    expect(sixth.cookie).toBeUndefined();
    advance(30_000);
    expect((await unlock('0006')).status).toBe(401);
    expect((await unlock(TEST_PAGE_PIN)).headers.get('retry-after')).toBe('60');
    advance(60_000);
    // The right PIN after the pause opens, and the count starts again.
    expect((await unlock(TEST_PAGE_PIN)).status).toBe(200);
    expect((await unlock('0007')).status).toBe(401);
    expect((await unlock(TEST_PAGE_PIN)).status).toBe(200);
  });

  it('counts PINs tried in parallel one by one: a burst gets no more tries', async () => {
    const { unlock } = await start(fakeAgent());
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => unlock(String(1000 + i))));
    expect(answers.map((a) => a.status).sort()).toEqual([...Array(5).fill(401), ...Array(7).fill(429)]);
  });

  it('ends the session after the idle minutes without a request from the page', async () => {
    const { call, unlock, advance } = await start(fakeAgent());
    const { cookie } = await unlock(TEST_PAGE_PIN);
    advance(170_000);
    // A request from the page keeps it open...
    expect((await call('POST', '/page/alive', undefined, cookie)).status).toBe(204);
    advance(170_000);
    expect((await call('GET', '/session', undefined, cookie)).status).toBe(200);
    // ...three minutes without one ends it.
    advance(180_000);
    const late = await call('GET', '/session', undefined, cookie);
    expect(late.status).toBe(401);
    expect(late.body).toMatchObject({ code: 'PAGE_LOCKED' });
  });

  it('ends the session on lock, and closes its event stream', async () => {
    const { base, call, unlock } = await start(fakeAgent());
    const { cookie } = await unlock(TEST_PAGE_PIN);
    const stream = await fetch(`${base}/readings/stream`, { headers: { cookie: cookie as string } });
    expect(stream.status).toBe(200);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('event: status');
    const locked = await call('POST', '/page/lock', undefined, cookie);
    expect(locked.status).toBe(204);
    expect(locked.headers.get('set-cookie')).toContain('Max-Age=0');
    // The stream ends with the session.
    expect((await reader.read()).done).toBe(true);
    expect((await call('GET', '/readings', undefined, cookie)).status).toBe(401);
  });

  it('limits patient look-ups per kiosk: 5 at once, then 20 a minute, with a clear 429', async () => {
    const view = fakeAgent();
    const { call, unlock, advance } = await start(view);
    const { cookie } = await unlock(TEST_PAGE_PIN);
    const search = () => call('POST', '/patients/search', { nik: '3201014102950003' }, cookie);
    for (let i = 0; i < 5; i++) expect((await search()).status).toBe(200);
    const refused = await search();
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'LOOKUP_RATE' });
    expect(String(refused.body['message'])).toMatch(/too many patient look-ups.*wait 3 s/);
    expect(refused.headers.get('retry-after')).toBe('3');
    expect((await call('GET', '/patients/pat-1', undefined, cookie)).status).toBe(429);
    // A second page session is the same kiosk: no fresh allowance.
    const second = await unlock(TEST_PAGE_PIN);
    expect((await call('GET', '/patients/pat-1', undefined, second.cookie)).status).toBe(429);
    advance(3_000);
    expect((await search()).status).toBe(200);
    expect(view.calls.filter((c) => c === 'search')).toHaveLength(6);
  });

  it('without a PIN in kiosk.yaml, names the command that sets one', async () => {
    const { call, unlock } = await start(fakeAgent(), { page: { lockAfterMinutes: 3 } });
    for (const res of [await call('GET', '/session'), await unlock('1234')]) {
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'PAGE_PIN_NOT_SET' });
      expect(String(res.body['message'])).toContain('kiosk-agent set-pin');
    }
    expect((await call('GET', '/status')).status).toBe(200);
  });
});
