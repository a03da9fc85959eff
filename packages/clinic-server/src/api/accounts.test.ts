import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiError, Clinic, Patient, Puskesmas, Screening, SignInResponse } from '@klinik-desa/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SqlClinicStore } from '../store/sql-store.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { buildTestApi, callApi, expectApiError, signedInClient } from '../testing/api-sign-in.js';
import { bpReading, nik, URGENT_BP } from '../testing/fixtures.js';
import type { ApiApp, ApiOptions } from './app.js';

// Clinics and the puskesmas as records, scopes that reach a puskesmas's clinics, and people's
// accounts with their sessions, over the API as a caller meets it.

// Every sign-in costs a real scrypt hash (about 0.1 s, several times that on a busy machine).
vi.setConfig({ testTimeout: 30_000 });

let store: SqlClinicStore;
let app: ApiApp;
let clock: number;

async function build(overrides: Partial<ApiOptions> = {}) {
  app = await buildTestApi(store, { now: () => new Date(clock), ...overrides });
  return app;
}

beforeEach(async () => {
  clock = Date.parse('2026-12-07T02:00:00Z');
  store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'kd-accounts-')), 'clinic.db'));
  await build();
});

afterEach(async () => {
  await app.close();
  await store.close();
});

const call = (
  bearer: string | undefined,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) => callApi(app, bearer, method, url, payload, headers);
const expectError = expectApiError;

const everyClinicAdmin = () => signedInClient(app, store, 'admin', 'admin.root', '*');

/** Two puskesmas: Cibadak supervises clinic-1 and clinic-2, Sukamaju clinic-3; clinic-4 has none. */
async function twoPuskesmas(admin: string) {
  for (const id of ['clinic-1', 'clinic-2', 'clinic-3', 'clinic-4']) {
    expect(
      (await call(admin, 'POST', '/clinics', { id, name: `Klinik ${id}`, village: 'Desa' })).statusCode,
    ).toBe(201);
  }
  const a = await call(admin, 'POST', '/puskesmas', {
    id: 'pkm-cibadak',
    name: 'Puskesmas Cibadak',
    clinicIds: ['clinic-1'],
  });
  expect(a.statusCode, a.body).toBe(201);
  const b = await call(admin, 'POST', '/puskesmas', {
    id: 'pkm-sukamaju',
    name: 'Puskesmas Sukamaju',
    clinicIds: ['clinic-3'],
  });
  expect(b.statusCode, b.body).toBe(201);
}

async function patientAt(admin: string, clinicId: string, n: number) {
  const r = await call(admin, 'POST', '/patients', {
    nik: nik(n),
    name: `Pasien ${n}`,
    birthDate: '1970-01-01',
    sex: 'female',
    clinicId,
  });
  expect(r.statusCode, r.body).toBe(201);
  return Patient.parse(r.json());
}

async function account(
  admin: string,
  username: string,
  role: string,
  clinics: unknown,
  password = `${username}-sandi-rahasia`,
) {
  const r = await call(admin, 'POST', '/accounts', {
    username,
    displayName: username,
    role,
    clinics,
    password,
  });
  expect(r.statusCode, r.body).toBe(201);
  return password;
}

async function signIn(username: string, password: string, remoteAddress = '10.0.0.9') {
  return app.inject({ method: 'POST', url: '/sign-in', payload: { username, password }, remoteAddress });
}

describe('clinics and the puskesmas', () => {
  it('registers, lists, gets and changes them', async () => {
    const admin = await everyClinicAdmin();
    const made = await call(admin, 'POST', '/clinics', {
      id: 'clinic-1',
      name: 'Klinik Desa Cibadak',
      village: 'Cibadak',
      organizationId: '100012345',
      location: { id: 'ef011065-38c9-46f8-9c35-d1fe68966a3e', display: 'Ruang Cek Kesehatan' },
    });
    expect(made.statusCode, made.body).toBe(201);
    expect(Clinic.parse(made.json())).toMatchObject({
      id: 'clinic-1',
      puskesmasId: null,
      organizationId: '100012345',
    });
    expectError(await call(admin, 'POST', '/clinics', { id: 'clinic-1', name: 'again' }), 409, 'CONFLICT');

    const pkm = await call(admin, 'POST', '/puskesmas', {
      id: 'pkm-1',
      name: 'Puskesmas Cibadak',
      clinicIds: ['clinic-1'],
    });
    expect(Puskesmas.parse(pkm.json()).clinicIds).toEqual(['clinic-1']);
    expect((await call(admin, 'GET', '/clinics/clinic-1')).json()).toMatchObject({ puskesmasId: 'pkm-1' });

    const changed = await call(admin, 'PATCH', '/clinics/clinic-1', {
      location: null,
      village: 'Cibadak Hilir',
    });
    expect(changed.json()).toMatchObject({
      location: null,
      village: 'Cibadak Hilir',
      organizationId: '100012345',
    });
    expect((await call(admin, 'GET', '/clinics?puskesmasId=pkm-1')).json()).toMatchObject({
      data: [{ id: 'clinic-1' }],
    });
    expect((await call(admin, 'PATCH', '/puskesmas/pkm-1', { clinicIds: [] })).json()).toMatchObject({
      clinicIds: [],
    });
    expect((await call(admin, 'GET', '/puskesmas')).json()).toMatchObject({
      data: [{ id: 'pkm-1', clinicIds: [] }],
    });
  });

  it('names what is wrong: an unregistered clinic, an unknown puskesmas, a half location', async () => {
    const admin = await everyClinicAdmin();
    const unknownClinic = expectError(
      await call(admin, 'POST', '/puskesmas', { id: 'pkm-1', name: 'P', clinicIds: ['clinic-9'] }),
      400,
      'VALIDATION',
    );
    expect(unknownClinic.message).toContain('no clinic clinic-9: register it first with POST /clinics');
    // Nothing of the refused puskesmas was kept.
    expectError(await call(admin, 'GET', '/puskesmas/pkm-1'), 404, 'NOT_FOUND');
    const unknownPkm = expectError(
      await call(admin, 'POST', '/clinics', { id: 'clinic-1', name: 'K', puskesmasId: 'pkm-9' }),
      400,
      'VALIDATION',
    );
    expect(unknownPkm.message).toContain('no puskesmas pkm-9');
    const half = expectError(
      await call(admin, 'POST', '/clinics', { id: 'clinic-1', name: 'K', location: { id: 'x' } }),
      400,
      'VALIDATION',
    );
    expect(half.message).toContain('body.location.display');
  });

  it('lets an administrator of some clinics register only those, and no puskesmas', async () => {
    const root = await everyClinicAdmin();
    await twoPuskesmas(root);
    const local = await signedInClient(app, store, 'admin', 'admin.local', ['clinic-5']);
    expect((await call(local, 'POST', '/clinics', { id: 'clinic-5', name: 'Klinik 5' })).statusCode).toBe(
      201,
    );
    expectError(await call(local, 'POST', '/clinics', { id: 'clinic-6', name: 'K' }), 403, 'FORBIDDEN');
    expectError(await call(local, 'POST', '/puskesmas', { id: 'pkm-x', name: 'P' }), 403, 'FORBIDDEN');
    // Putting its clinic under a puskesmas would widen what that puskesmas's people reach.
    expectError(
      await call(local, 'PATCH', '/clinics/clinic-5', { puskesmasId: 'pkm-cibadak' }),
      403,
      'FORBIDDEN',
    );
    expectError(await call(local, 'PATCH', '/clinics/clinic-1', { name: 'mine now' }), 404, 'NOT_FOUND');
    expectError(
      await call(local, 'POST', '/clients', {
        name: 'p',
        role: 'partner',
        clinics: { puskesmasId: 'pkm-cibadak' },
      }),
      403,
      'FORBIDDEN',
    );
  });
});

describe('a scope that reaches a puskesmas', () => {
  it("reaches its clinics' patients, never another puskesmas's, and a clinic added later", async () => {
    const root = await everyClinicAdmin();
    await twoPuskesmas(root);
    const mine = await patientAt(root, 'clinic-1', 1);
    const later = await patientAt(root, 'clinic-2', 2);
    const theirs = await patientAt(root, 'clinic-3', 3);
    const made = await call(root, 'POST', '/clients', {
      name: 'Dashboard Puskesmas Cibadak',
      role: 'partner',
      clinics: { puskesmasId: 'pkm-cibadak' },
    });
    expect(made.statusCode, made.body).toBe(201);
    const { clientId, clientSecret } = made.json() as { clientId: string; clientSecret: string };
    const { signIn: tokenOf } = await import('../testing/api-sign-in.js');
    const partner = await tokenOf(app, clientId, clientSecret);

    // The patients of the three clinics this token reaches (GET /patients/{id} answers 404 for the rest).
    const ids = async () => {
      const reached: string[] = [];
      for (const p of [mine, later, theirs]) {
        const r = await call(partner, 'GET', `/patients/${p.id}`);
        if (r.statusCode === 200) reached.push(p.id);
        else expectError(r, 404, 'NOT_FOUND');
      }
      return reached;
    };
    expect(await ids()).toEqual([mine.id]);
    expectError(await call(partner, 'GET', `/patients/${theirs.id}`), 404, 'NOT_FOUND');
    expectError(await call(partner, 'GET', '/screenings?clinicId=clinic-3'), 403, 'FORBIDDEN');
    expectError(
      await call(partner, 'POST', '/patients', {
        nik: nik(4),
        name: 'X',
        birthDate: '1970-01-01',
        sex: 'male',
        clinicId: 'clinic-3',
      }),
      403,
      'FORBIDDEN',
    );

    // The same token, once clinic-2 is put under the puskesmas: resolved at each request.
    await call(root, 'PATCH', '/puskesmas/pkm-cibadak', { clinicIds: ['clinic-1', 'clinic-2'] });
    expect(await ids()).toEqual([mine.id, later.id]);
    // And taken away again.
    await call(root, 'PATCH', '/clinics/clinic-1', { puskesmasId: 'pkm-sukamaju' });
    expect(await ids()).toEqual([later.id]);
  });

  it("shows a clinic's referrals to its puskesmas's staff, and not to another's", async () => {
    const root = await everyClinicAdmin();
    await twoPuskesmas(root);
    const urgentAt = async (clinicId: string, n: number) => {
      const patient = await patientAt(root, clinicId, n);
      const opened = await call(root, 'POST', '/screenings', {
        patientId: patient.id,
        clinicId,
        kioskId: 'kiosk-1',
      });
      const screening = Screening.parse(opened.json());
      await store.ingestReadings([bpReading({ sessionId: screening.id, clinicId }, [URGENT_BP])]);
      return patient;
    };
    const ours = await urgentAt('clinic-1', 5);
    await urgentAt('clinic-3', 6);
    const password = await account(root, 'bidan.cibadak', 'puskesmas-staff', { puskesmasId: 'pkm-cibadak' });
    const session = SignInResponse.parse((await signIn('bidan.cibadak', password)).json()).sessionToken;
    const referrals = (await call(session, 'GET', '/referrals')).json() as {
      data: { patientId: string; clinicId: string }[];
    };
    expect(referrals.data.map((r) => [r.clinicId, r.patientId])).toEqual([['clinic-1', ours.id]]);
    expectError(await call(session, 'GET', '/referrals?clinicId=clinic-3'), 403, 'FORBIDDEN');
  });
});

describe("people's accounts and sessions", () => {
  it('signs in with a cookie and a Bearer token, both accepted by every route, until signed out', async () => {
    const root = await everyClinicAdmin();
    await twoPuskesmas(root);
    const password = await account(root, 'siti', 'clinic-staff', ['clinic-1']);
    const r = await signIn('Siti', password);
    expect(r.statusCode, r.body).toBe(200);
    const answer = SignInResponse.parse(r.json());
    expect(answer.account).toEqual({
      username: 'siti',
      displayName: 'siti',
      role: 'clinic-staff',
      clinics: ['clinic-1'],
      createdAt: new Date(clock).toISOString(),
      disabledAt: null,
    });
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toBe(
      `kd_session=${answer.sessionToken}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200`,
    );
    expect(r.body).not.toContain(password);

    const byCookie = await call(undefined, 'GET', '/clinics', undefined, {
      cookie: `other=1; kd_session=${answer.sessionToken}`,
    });
    expect((byCookie.json() as { data: { id: string }[] }).data.map((c) => c.id)).toEqual(['clinic-1']);
    expect((await call(answer.sessionToken, 'GET', '/screenings')).statusCode).toBe(200);
    // The role bounds what the session may do.
    const denied = expectError(await call(answer.sessionToken, 'GET', '/audit-events'), 403, 'FORBIDDEN');
    expect(denied.message).toBe('a clinic-staff account lacks the scope audit.read');

    const out = await app.inject({
      method: 'POST',
      url: '/sign-out',
      headers: { cookie: `kd_session=${answer.sessionToken}` },
    });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toContain(
      'kd_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0',
    );
    const after = expectError(await call(answer.sessionToken, 'GET', '/screenings'), 401, 'UNAUTHENTICATED');
    expect(after.message).toContain('the session is unknown, signed out or has expired: sign in again');
  });

  it('answers a forged session and an expired one with 401 saying to sign in again', async () => {
    const root = await everyClinicAdmin();
    const forged = expectError(
      await call('kds.bm90LWEtcmVhbC1zZXNzaW9u', 'GET', '/screenings'),
      401,
      'UNAUTHENTICATED',
    );
    expect(forged.message).toContain('sign in again (POST /sign-in, or the page /masuk)');
    const password = await account(root, 'siti', 'operator', '*');

    const idle = SignInResponse.parse((await signIn('siti', password)).json());
    expect(idle.idleSeconds).toBe(1800);
    clock += 1799_000;
    expect((await call(idle.sessionToken, 'GET', '/kiosks')).statusCode).toBe(200);
    // Used just now, so its idle end moved: another 29 minutes are fine, 31 unused are not.
    clock += 1799_000;
    expect((await call(idle.sessionToken, 'GET', '/kiosks')).statusCode).toBe(200);
    clock += 1801_000;
    expectError(await call(idle.sessionToken, 'GET', '/kiosks'), 401, 'UNAUTHENTICATED');

    // Used every 20 minutes, a session still ends 12 hours after sign-in.
    const busy = SignInResponse.parse((await signIn('siti', password)).json());
    const end = Date.parse(busy.expiresAt);
    expect(end - clock).toBe(12 * 3600_000);
    while (clock + 1200_000 < end) {
      clock += 1200_000;
      expect((await call(busy.sessionToken, 'GET', '/kiosks')).statusCode).toBe(200);
    }
    clock = end;
    expectError(await call(busy.sessionToken, 'GET', '/kiosks'), 401, 'UNAUTHENTICATED');
  });

  it('limits a wrong-password storm with 429 and Retry-After, and lets the person in once it lifts', async () => {
    await app.close();
    await build({
      signInLimits: { failures: 3, windowSeconds: 60, addressFailures: 10, accountFailures: 30 },
    });
    const root = await everyClinicAdmin();
    const password = await account(root, 'siti', 'clinic-staff', ['clinic-1']);
    for (let i = 0; i < 3; i++) {
      const wrong = expectError(
        await signIn('siti', `tebakan-${i}-salah`, '203.0.113.7'),
        401,
        'UNAUTHENTICATED',
      );
      expect(wrong.message).toBe('wrong username or password');
    }
    const limited = await signIn('siti', password, '203.0.113.7');
    expectError(limited, 429, 'RATE_LIMITED');
    expect(limited.headers['retry-after']).toBe('20');
    expect((limited.json() as ApiError).message).toMatch(
      /too many wrong passwords for this username from this address: try again in 20 s/,
    );
    // The person, from their own address, is not held by the storm.
    expect((await signIn('siti', password, '10.0.0.9')).statusCode).toBe(200);
    // And from the stormed address once the limit lifts by itself.
    clock += 20_000;
    expect((await signIn('siti', password, '203.0.113.7')).statusCode).toBe(200);
    // An unknown username is answered exactly as a wrong password.
    expect((await signIn('nobody', 'whatever-it-is', '10.0.0.10')).json()).toMatchObject({
      message: 'wrong username or password',
    });
  });

  it('writes an audit line for each sign-in, failure and sign-out, without the password', async () => {
    const root = await everyClinicAdmin();
    const password = await account(root, 'siti', 'operator', '*');
    await signIn('siti', 'not-the-password');
    const { sessionToken } = SignInResponse.parse((await signIn('siti', password)).json());
    await app.inject({
      method: 'POST',
      url: '/sign-out',
      headers: { authorization: `Bearer ${sessionToken}` },
    });
    const lines = (await call(root, 'GET', '/audit-events?resourceType=session')).json() as {
      data: { clientId: string; action: string }[];
    };
    expect(lines.data.map((l) => [l.clientId, l.action])).toEqual([
      ['account.siti', 'sign-in-failed'],
      ['account.siti', 'sign-in'],
      ['account.siti', 'sign-out'],
    ]);
    const everything = JSON.stringify((await call(root, 'GET', '/audit-events?limit=500')).json());
    expect(everything).not.toContain(password);
    expect(everything).not.toContain('not-the-password');
  });

  it('grants accounts only within the caller’s clinics and keeps no password', async () => {
    const root = await everyClinicAdmin();
    await twoPuskesmas(root);
    const local = await signedInClient(app, store, 'admin', 'admin.local', ['clinic-3']);
    expectError(
      await call(local, 'POST', '/accounts', {
        username: 'x1',
        displayName: 'X',
        role: 'operator',
        clinics: '*',
        password: 'a-long-password',
      }),
      403,
      'FORBIDDEN',
    );
    const short = expectError(
      await call(local, 'POST', '/accounts', {
        username: 'x1',
        displayName: 'X',
        role: 'clinic-staff',
        clinics: ['clinic-3'],
        password: 'short',
      }),
      400,
      'VALIDATION',
    );
    expect(short.message).toContain('body.password: use at least 12 characters');
    await account(local, 'ani', 'clinic-staff', ['clinic-3']);
    await account(root, 'budi', 'clinic-staff', ['clinic-1']);
    expectError(
      await call(root, 'POST', '/accounts', {
        username: 'ani',
        displayName: 'A',
        role: 'clinic-staff',
        clinics: ['clinic-1'],
        password: 'a-long-password',
      }),
      409,
      'CONFLICT',
    );
    const listed = (await call(local, 'GET', '/accounts')).json() as { data: { username: string }[] };
    expect(listed.data.map((a) => a.username)).toEqual(['ani']);
    expect(JSON.stringify((await call(root, 'GET', '/accounts')).json())).not.toMatch(/scrypt|sandi-rahasia/);
  });

  it('serves the sign-in page, Bahasa Indonesia first, with nothing from elsewhere', async () => {
    const page = await app.inject({ method: 'GET', url: '/masuk?next=/kiosks' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<html lang="id">');
    expect(page.body).not.toMatch(/https?:\/\//);
    expect(String(page.headers['content-security-policy'])).toMatch(
      /^default-src 'none'; script-src 'sha256-/,
    );
  });
});
