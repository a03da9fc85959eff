import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Account, SignInResponse } from '@klinik-desa/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SqlClinicStore } from '../store/sql-store.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { buildTestApi, callApi, expectApiError, signedInClient } from '../testing/api-sign-in.js';
import type { ApiApp } from './app.js';

// Accounts disabled and re-passworded by an operator, a password changed by its owner: as a caller
// meets it, with the cookie and token a browser or a script would hold.

// Every sign-in and password costs a real scrypt hash.
vi.setConfig({ testTimeout: 30_000 });

let store: SqlClinicStore;
let app: ApiApp;

beforeEach(async () => {
  store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'kd-account-changes-')), 'clinic.db'));
  app = await buildTestApi(store, {});
});

afterEach(async () => {
  await app.close();
  await store.close();
});

type Method = 'GET' | 'POST' | 'PUT';
const call = (bearer: string | undefined, method: Method, url: string, payload?: unknown, headers = {}) =>
  callApi(app, bearer, method, url, payload, headers);

async function setUp() {
  const root = await signedInClient(app, store, 'admin', 'admin.root', '*');
  for (const id of ['clinic-1', 'clinic-2']) {
    expect((await call(root, 'POST', '/clinics', { id, name: `Klinik ${id}` })).statusCode).toBe(201);
  }
  for (const [id, clinic] of [
    ['pkm-a', 'clinic-1'],
    ['pkm-b', 'clinic-2'],
  ] as const) {
    const r = await call(root, 'POST', '/puskesmas', { id, name: `Puskesmas ${id}`, clinicIds: [clinic] });
    expect(r.statusCode, r.body).toBe(201);
  }
  const make = async (username: string, role: string, clinics: unknown) => {
    const password = `${username}-sandi-rahasia`;
    const r = await call(root, 'POST', '/accounts', {
      username,
      displayName: username,
      role,
      clinics,
      password,
    });
    expect(r.statusCode, r.body).toBe(201);
    return password;
  };
  return {
    root,
    passwords: {
      op: await make('op', 'operator', '*'),
      opA: await make('op-a', 'operator', { puskesmasId: 'pkm-a' }),
      staffA: await make('staff-a', 'puskesmas-staff', { puskesmasId: 'pkm-a' }),
      staffB: await make('staff-b', 'puskesmas-staff', { puskesmasId: 'pkm-b' }),
    },
  };
}

async function signIn(username: string, password: string) {
  return app.inject({ method: 'POST', url: '/sign-in', payload: { username, password } });
}

async function session(username: string, password: string) {
  const r = await signIn(username, password);
  expect(r.statusCode, r.body).toBe(200);
  return SignInResponse.parse(r.json()).sessionToken;
}

const byCookie = (token: string) =>
  call(undefined, 'GET', '/clinics', undefined, { cookie: `kd_session=${token}` });

describe('accounts an operator disables and re-passwords', () => {
  it("ends a disabled account's sessions at once, with a 401 that says so, until it is enabled", async () => {
    const { root, passwords } = await setUp();
    const cookie = await session('staff-a', passwords.staffA);
    expect((await byCookie(cookie)).statusCode).toBe(200);

    const r = await call(root, 'POST', '/accounts/staff-a/disable');
    expect(r.statusCode, r.body).toBe(200);
    expect(Account.parse(r.json()).disabledAt).not.toBeNull();
    // The attacker holding the cookie (or the token) is refused on the very next request.
    const refused = expectApiError(await byCookie(cookie), 401, 'UNAUTHENTICATED');
    expect(refused.message).toContain('account staff-a is disabled');
    expectApiError(await call(cookie, 'GET', '/fleet'), 401, 'UNAUTHENTICATED');
    // Signing in again: the right password is told the account is disabled, a wrong one learns nothing.
    expect((await signIn('staff-a', passwords.staffA)).json()).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringContaining('is disabled'),
    });
    expect((await signIn('staff-a', 'not-the-password')).json()).toMatchObject({
      message: 'wrong username or password',
    });
    const listed = await call(root, 'GET', '/accounts');
    expect(listed.json().data.find((a: Account) => a.username === 'staff-a').disabledAt).not.toBeNull();

    expect((await call(root, 'POST', '/accounts/staff-a/enable')).json()).toMatchObject({ disabledAt: null });
    expect((await byCookie(await session('staff-a', passwords.staffA))).statusCode).toBe(200);
  });

  it("refuses puskesmas staff, and an operator of one puskesmas for another's staff or a national operator", async () => {
    const { passwords } = await setUp();
    const staffA = await session('staff-a', passwords.staffA);
    for (const url of ['/accounts/op/disable', '/accounts/staff-b/disable', '/accounts/staff-a/disable']) {
      expectApiError(await call(staffA, 'POST', url), 403, 'FORBIDDEN');
    }
    expectApiError(
      await call(staffA, 'PUT', '/accounts/op/password', { password: 'x'.repeat(20) }),
      403,
      'FORBIDDEN',
    );
    const opA = await session('op-a', passwords.opA);
    for (const url of ['/accounts/op/disable', '/accounts/staff-b/disable']) {
      const r = expectApiError(await call(opA, 'POST', url), 403, 'FORBIDDEN');
      expect(r.message).toContain('acts for clinics outside yours');
    }
    expectApiError(
      await call(opA, 'PUT', '/accounts/staff-b/password', { password: 'x'.repeat(20) }),
      403,
      'FORBIDDEN',
    );
    expectApiError(await call(opA, 'POST', '/accounts/nobody/disable'), 404, 'NOT_FOUND');
    // Nothing changed: both still sign in.
    await session('op', passwords.op);
    await session('staff-b', passwords.staffB);
    // Its own puskesmas's staff it may disable.
    expect((await call(opA, 'POST', '/accounts/staff-a/disable')).statusCode).toBe(200);
    expectApiError(await byCookie(staffA), 401, 'UNAUTHENTICATED');
  });

  it('sets a forgotten password, ending every session; a person changes their own with the old one', async () => {
    const { root, passwords } = await setUp();
    const before = await session('staff-b', passwords.staffB);
    const set = await call(root, 'PUT', '/accounts/staff-b/password', {
      password: 'sandi-baru-yang-panjang',
    });
    expect(set.statusCode, set.body).toBe(204);
    expectApiError(await byCookie(before), 401, 'UNAUTHENTICATED');
    expectApiError(await signIn('staff-b', passwords.staffB), 401, 'UNAUTHENTICATED');
    const mine = await session('staff-b', 'sandi-baru-yang-panjang');
    const other = await session('staff-b', 'sandi-baru-yang-panjang');

    const wrong = await call(mine, 'POST', '/account/password', {
      oldPassword: 'not-it-at-all',
      newPassword: 'sandi-ketiga-panjang',
    });
    expect(expectApiError(wrong, 403, 'FORBIDDEN').message).toContain('old password is wrong');
    expectApiError(
      await call(mine, 'POST', '/account/password', {
        oldPassword: 'sandi-baru-yang-panjang',
        newPassword: 'short',
      }),
      400,
      'VALIDATION',
    );
    const changed = await call(mine, 'POST', '/account/password', {
      oldPassword: 'sandi-baru-yang-panjang',
      newPassword: 'sandi-ketiga-panjang',
    });
    expect(changed.statusCode, changed.body).toBe(204);
    // This session goes on; the other one ended; the new password signs in, the old one does not.
    expect((await byCookie(mine)).statusCode).toBe(200);
    expectApiError(await byCookie(other), 401, 'UNAUTHENTICATED');
    await session('staff-b', 'sandi-ketiga-panjang');
    expectApiError(await signIn('staff-b', 'sandi-baru-yang-panjang'), 401, 'UNAUTHENTICATED');
    // An API client has no password here.
    expectApiError(
      await call(root, 'POST', '/account/password', { oldPassword: 'x', newPassword: 'y'.repeat(12) }),
      403,
      'FORBIDDEN',
    );
  });
});
