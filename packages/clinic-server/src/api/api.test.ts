import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KioskCredentials,
  Patient,
  PractitionerRecord,
  type ReadingValue,
  Screening,
  ScreeningDetail,
  TokenResponse,
} from '@klinik-desa/protocol';
import { triage } from '@klinik-desa/screening';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlClinicStore } from '../store/sql-store.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { buildTestApi, callApi, expectApiError, signedInClient, signIn } from '../testing/api-sign-in.js';
import { ATTENTION, bpReading, nik, URGENT_BP } from '../testing/fixtures.js';
import type { ApiApp, ApiOptions } from './app.js';
import { openApiYaml } from './openapi.js';

let store: SqlClinicStore;
let app: ApiApp;

async function build(overrides: Partial<ApiOptions> = {}) {
  app = await buildTestApi(store, overrides);
  return app;
}

function client(
  role: 'admin' | 'partner',
  id = `${role}.test`,
  // Administrators of every clinic, partners of clinic-1: what each test needs unless it says.
  clinics: readonly string[] | '*' = role === 'admin' ? '*' : ['clinic-1'],
) {
  return signedInClient(app, store, role, id, clinics);
}

const token = (clientId: string, secret: string, scope?: string) => signIn(app, clientId, secret, scope);

function call(
  bearer: string | undefined,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: unknown,
  headers = {},
) {
  return callApi(app, bearer, method, url, payload, headers);
}

const expectError = expectApiError;

const newPatient = (n: number) => ({
  nik: nik(n),
  name: `Dewi Lestari ${n}`,
  birthDate: '1980-05-12',
  sex: 'female',
  // Administrators act for every clinic, so they say which registers the patient.
  clinicId: 'clinic-1',
});

beforeEach(async () => {
  store = openSqliteStore(':memory:');
  await build();
});
afterEach(async () => {
  await app.close();
  await store.close();
});

describe('OAuth2 client credentials', () => {
  it('issues a bearer token with the role scopes, narrower on request, and refuses bad clients', async () => {
    await client('partner');
    const r = await app.inject({
      method: 'POST',
      url: '/oauth2/token',
      payload: {
        grant_type: 'client_credentials',
        client_id: 'partner.test',
        client_secret: 'partner.test-secret',
      },
    });
    const answer = TokenResponse.parse(r.json());
    expect(answer).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(answer.scope.split(' ')).toContain('observation.write');
    expect(answer.scope.split(' ')).not.toContain('kiosk.admin');
    expect(r.headers['cache-control']).toBe('no-store');

    const narrow = await token('partner.test', 'partner.test-secret', 'patient.read');
    expectError(await call(narrow, 'POST', '/patients', newPatient(1)), 403, 'FORBIDDEN');

    const bad = await app.inject({
      method: 'POST',
      url: '/oauth2/token',
      payload: { grant_type: 'client_credentials', client_id: 'partner.test', client_secret: 'wrong' },
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toMatchObject({ error: 'invalid_client', code: 'INVALID_CLIENT' });
    const grab = await app.inject({
      method: 'POST',
      url: '/oauth2/token',
      payload: {
        grant_type: 'client_credentials',
        client_id: 'partner.test',
        client_secret: 'partner.test-secret',
        scope: 'kiosk.admin',
      },
    });
    expect(grab.statusCode).toBe(400);
    expect(grab.json()).toMatchObject({ error: 'invalid_scope' });
    const grant = await app.inject({
      method: 'POST',
      url: '/oauth2/token',
      payload: { grant_type: 'password' },
    });
    expect(grant.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('refuses requests without a token, with an unknown one, or after it expired', async () => {
    expectError(await call(undefined, 'GET', '/screenings'), 401, 'UNAUTHENTICATED');
    expectError(await call('made-up', 'GET', '/screenings'), 401, 'UNAUTHENTICATED');
    let clock = Date.now();
    await app.close();
    await build({ now: () => new Date(clock), tokenLifetimeSeconds: 60 });
    const t = await client('partner');
    expect((await call(t, 'GET', '/screenings')).statusCode).toBe(200);
    clock += 61_000;
    expectError(await call(t, 'GET', '/screenings'), 401, 'UNAUTHENTICATED');
  });

  it('keeps only hashes of client secrets and tokens', async () => {
    const t = await client('admin');
    const created = await call(t, 'POST', '/clients', {
      name: 'Puskesmas app',
      role: 'partner',
      clinics: ['clinic-1'],
    });
    expect(created.statusCode).toBe(201);
    const { clientId, clientSecret } = created.json() as { clientId: string; clientSecret: string };
    const stored = await store.getClient(clientId);
    expect(stored?.secretHash).toMatch(/^\$7\$\d+\$/);
    expect(stored?.secretHash).not.toContain(clientSecret);
    expect(await store.findToken(t, new Date().toISOString())).toBeUndefined();
    await token(clientId, clientSecret);
  });
});

describe('API clients', () => {
  it('lists clients without secrets, and revokes one: its token ends at once and it signs in no more', async () => {
    const admin = await client('admin');
    const partner = await client('partner', 'partner.leaked');
    expect((await call(partner, 'GET', '/patients/01a20650-802b-7611-80f8-96a42a6e0407')).statusCode).toBe(
      404,
    );
    expectError(await call(partner, 'GET', '/clients'), 403, 'FORBIDDEN');

    const listed = (await call(admin, 'GET', '/clients?role=partner')).json() as {
      data: Record<string, unknown>[];
    };
    expect(listed.data.map((c) => c['clientId'])).toEqual(['partner.leaked']);
    expect(JSON.stringify(listed)).not.toMatch(/secret/i);

    const revoked = await call(admin, 'POST', '/clients/partner.leaked/revoke');
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({
      clientId: 'partner.leaked',
      role: 'partner',
      revokedAt: expect.any(String),
    });
    expectError(
      await call(partner, 'GET', '/patients/01a20650-802b-7611-80f8-96a42a6e0407'),
      401,
      'UNAUTHENTICATED',
    );
    const signIn = await app.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=client_credentials&client_id=partner.leaked&client_secret=partner.leaked-secret',
    });
    expect(signIn.statusCode).toBe(401);
    expect(signIn.json()).toMatchObject({ error: 'invalid_client' });

    expectError(await call(admin, 'POST', '/clients/admin.test/revoke'), 409, 'CONFLICT');
    expectError(await call(admin, 'POST', '/clients/partner.nobody/revoke'), 404, 'NOT_FOUND');
  });
});

describe('patients', () => {
  it('registers a patient once per NIK and finds them by NIK or by name and birth date', async () => {
    const t = await client('partner');
    const created = await call(t, 'POST', '/patients', newPatient(1));
    expect(created.statusCode).toBe(201);
    const patient = Patient.parse(created.json());
    const again = expectError(await call(t, 'POST', '/patients', newPatient(1)), 409, 'PATIENT_EXISTS');
    expect(again.details).toEqual({ patientId: patient.id });

    const byNik = await call(t, 'POST', '/patients/search', { nik: nik(1) });
    expect(byNik.json()).toEqual({ data: [patient], nextCursor: null });
    const byName = await call(t, 'POST', '/patients/search', {
      name: 'dewi lestari',
      birthDate: '1980-05-12',
    });
    expect((byName.json() as { data: Patient[] }).data.map((p) => p.id)).toEqual([patient.id]);
    expect((await call(t, 'GET', `/patients/${patient.id}`)).json()).toEqual(patient);
  });

  it('says which field is wrong, and what a NIK must look like', async () => {
    const t = await client('partner');
    const bad = expectError(
      await call(t, 'POST', '/patients', { ...newPatient(1), nik: '3201011205' }),
      400,
      'VALIDATION',
    );
    expect(bad.message).toBe('body.nik: a NIK is exactly 16 digits');
    const province = expectError(
      await call(t, 'POST', '/patients', { ...newPatient(1), nik: '9901011205800001' }),
      400,
      'VALIDATION',
    );
    expect(province.message).toMatch(/province code/);
    expectError(
      await call(t, 'POST', '/patients', { ...newPatient(1), birthDate: '12-05-1980' }),
      400,
      'VALIDATION',
    );
    expectError(await call(t, 'GET', '/patients/not-an-id'), 400, 'VALIDATION');
    expectError(await call(t, 'GET', '/patients/01a20650-802b-7611-80f8-96a42a6e0407'), 404, 'NOT_FOUND');
  });

  it('changes only the fields a PATCH gives, and says what a PATCH must hold', async () => {
    const t = await client('partner');
    const patient = Patient.parse((await call(t, 'POST', '/patients', newPatient(5))).json());
    const changed = await call(t, 'PATCH', `/patients/${patient.id}`, { ihsNumber: 'P02478375538' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toEqual({ ...patient, ihsNumber: 'P02478375538' });
    const empty = expectError(await call(t, 'PATCH', `/patients/${patient.id}`, {}), 400, 'VALIDATION');
    expect(empty.message).toBe('body: give at least one field to change');
    const unknown = expectError(
      await call(t, 'PATCH', `/patients/${patient.id}`, { createdAt: '2020-01-01T00:00:00Z' }),
      400,
      'VALIDATION',
    );
    expect(unknown.message).toMatch(/createdAt/);
    const other = Patient.parse((await call(t, 'POST', '/patients', newPatient(6))).json());
    const taken = expectError(
      await call(t, 'PATCH', `/patients/${patient.id}`, { nik: other.nik }),
      409,
      'PATIENT_EXISTS',
    );
    expect(taken.details).toEqual({ patientId: other.id });
    expectError(
      await call(t, 'PATCH', '/patients/01a20650-802b-7611-80f8-96a42a6e0407', { name: 'X' }),
      404,
      'NOT_FOUND',
    );
  });

  it("writes who read or changed a patient to the audit log, and an administrator reads the patient's access log", async () => {
    const t = await client('partner');
    const admin = await client('admin');
    const patient = Patient.parse((await call(t, 'POST', '/patients', newPatient(2))).json());
    const other = Patient.parse((await call(t, 'POST', '/patients', newPatient(20))).json());
    await call(t, 'GET', `/patients/${patient.id}`);
    await call(t, 'POST', '/patients/search', { nik: nik(2) });
    await call(t, 'POST', '/patients/search', { nik: nik(99) });
    await call(t, 'PATCH', `/patients/${patient.id}`, { ihsNumber: 'P02478375538' });
    await call(t, 'GET', `/patients/${other.id}`);
    const opened = Screening.parse(
      (
        await call(t, 'POST', '/screenings', {
          patientId: patient.id,
          clinicId: 'clinic-1',
          kioskId: 'kiosk-1',
        })
      ).json(),
    );
    await call(t, 'GET', `/screenings/${opened.id}`);
    await call(t, 'GET', `/observations?patientId=${patient.id}`);
    await call(t, 'GET', '/screenings');

    // A partner app may not read the audit log: it is the clinic administrator's.
    expectError(await call(t, 'GET', `/audit-events?patientId=${patient.id}`), 403, 'FORBIDDEN');

    // No waiting for the quarter-second batch: the route writes what is pending before it reads.
    const log = await call(admin, 'GET', `/audit-events?patientId=${patient.id}`);
    expect(log.statusCode, log.body).toBe(200);
    const page = log.json() as { data: Record<string, unknown>[]; nextCursor: string | null };
    expect(page.data.map((e) => [e['clientId'], e['action'], e['resourceType'], e['resourceId']])).toEqual([
      ['partner.test', 'create', 'patient', patient.id],
      ['partner.test', 'read', 'patient', patient.id],
      ['partner.test', 'search', 'patient', patient.id],
      ['partner.test', 'update', 'patient', patient.id],
      ['partner.test', 'create', 'screening', opened.id],
      ['partner.test', 'read', 'screening', opened.id],
      ['partner.test', 'list', 'observation', null],
    ]);
    expect(page.data.every((e) => e['patientId'] === patient.id && typeof e['requestId'] === 'string')).toBe(
      true,
    );
    expect(page.nextCursor).toBeNull();

    // Reading the log is itself in the log, under the patient it was about.
    const reads = await call(admin, 'GET', '/audit-events?resourceType=audit&clientId=admin.test');
    expect((reads.json() as { data: { action: string; patientId: string | null }[] }).data).toEqual([
      expect.objectContaining({ action: 'list', patientId: patient.id }),
    ]);
    // A search that found nobody, and an unfiltered list, touched no one's record.
    const searches = await call(admin, 'GET', '/audit-events?action=search&limit=1');
    const first = searches.json() as { data: { patientId: string | null }[]; nextCursor: string };
    expect(first.data).toEqual([expect.objectContaining({ patientId: patient.id })]);
    const second = await call(admin, 'GET', `/audit-events?action=search&cursor=${first.nextCursor}`);
    expect((second.json() as { data: unknown[] }).data).toEqual([
      expect.objectContaining({ resourceId: null, patientId: null }),
    ]);
    expectError(await call(admin, 'GET', '/audit-events?from=yesterday'), 400, 'VALIDATION');
  });
});

describe('practitioners', () => {
  const bidan = (n: number, clinicId = 'clinic-1') => ({ clinicId, name: `Bidan Sari ${n}`, nik: nik(n) });

  /** A registered kiosk of `clinicId` and a token of its own credentials. */
  async function kioskToken(admin: string, clinicId: string, kioskId: string) {
    const creds = KioskCredentials.parse(
      (await call(admin, 'POST', '/kiosks', { clinicId, kioskId })).json(),
    );
    return token(creds.clientId, creds.clientSecret);
  }

  it("registers the clinic's health workers once per NIK, lists, reads and changes them", async () => {
    const admin = await client('admin');
    const created = await call(admin, 'POST', '/practitioners', bidan(60));
    expect(created.statusCode, created.body).toBe(201);
    const sari = PractitionerRecord.parse(created.json());
    expect(sari).toMatchObject({ clinicId: 'clinic-1', nik: nik(60), ihsNumber: null, active: true });
    const again = expectError(
      await call(admin, 'POST', '/practitioners', bidan(60)),
      409,
      'PRACTITIONER_EXISTS',
    );
    expect(again.details).toEqual({ practitionerId: sari.id });
    const neither = expectError(
      await call(admin, 'POST', '/practitioners', { clinicId: 'clinic-1', name: 'dr. Ani' }),
      400,
      'VALIDATION',
    );
    expect(neither.message).toBe(
      "body: give the health worker's NIK (the clinic then finds their IHS number in SATUSEHAT) or their IHS number",
    );
    const ani = PractitionerRecord.parse(
      (
        await call(admin, 'POST', '/practitioners', {
          clinicId: 'clinic-1',
          name: 'dr. Ani',
          ihsNumber: '10009880728',
        })
      ).json(),
    );
    const elsewhere = PractitionerRecord.parse(
      (await call(admin, 'POST', '/practitioners', bidan(60, 'clinic-2'))).json(),
    );

    expect((await call(admin, 'GET', `/practitioners/${sari.id}`)).json()).toEqual(sari);
    expectError(
      await call(admin, 'GET', '/practitioners/01a20650-802b-7611-80f8-96a42a6e0407'),
      404,
      'NOT_FOUND',
    );
    const left = await call(admin, 'PATCH', `/practitioners/${ani.id}`, { active: false });
    expect(left.statusCode, left.body).toBe(200);
    expect(left.json()).toMatchObject({ id: ani.id, active: false });
    const listed = async (query: string) =>
      ((await call(admin, 'GET', `/practitioners${query}`)).json() as { data: { id: string }[] }).data.map(
        (p) => p.id,
      );
    expect(await listed('?clinicId=clinic-1')).toEqual([sari.id, ani.id]);
    expect(await listed('?clinicId=clinic-1&active=true')).toEqual([sari.id]);
    expect(await listed('?clinicId=clinic-1&active=false')).toEqual([ani.id]);
    expect(await listed('')).toEqual([sari.id, ani.id, elsewhere.id]);
    const paged = (await call(admin, 'GET', '/practitioners?limit=2')).json() as { nextCursor: string };
    expect(await listed(`?cursor=${paged.nextCursor}`)).toEqual([elsewhere.id]);
    expectError(await call(admin, 'GET', '/practitioners?active=yes'), 400, 'VALIDATION');

    const taken = expectError(
      await call(admin, 'PATCH', `/practitioners/${ani.id}`, { nik: nik(60) }),
      409,
      'PRACTITIONER_EXISTS',
    );
    expect(taken.details).toEqual({ practitionerId: sari.id });
    expectError(
      await call(admin, 'PATCH', `/practitioners/${ani.id}`, { ihsNumber: null }),
      400,
      'VALIDATION',
    );
    expectError(await call(admin, 'PATCH', `/practitioners/${ani.id}`, {}), 400, 'VALIDATION');
    expectError(
      await call(admin, 'PATCH', '/practitioners/01a20650-802b-7611-80f8-96a42a6e0407', { name: 'X' }),
      404,
      'NOT_FOUND',
    );
  });

  it('registers once for a repeated Idempotency-Key', async () => {
    const partner = await client('partner');
    const key = { 'idempotency-key': 'import-bidan-61' };
    const first = await call(partner, 'POST', '/practitioners', bidan(61), key);
    const second = await call(partner, 'POST', '/practitioners', bidan(61), key);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
  });

  it("lets partners and administrators register health workers, and kiosks read their own clinic's only", async () => {
    const admin = await client('admin');
    const partner = await client('partner', 'partner.test', ['clinic-7']);
    const own = PractitionerRecord.parse(
      (await call(partner, 'POST', '/practitioners', bidan(62, 'clinic-7'))).json(),
    );
    const other = PractitionerRecord.parse(
      (await call(admin, 'POST', '/practitioners', bidan(63, 'clinic-8'))).json(),
    );
    const kiosk = await kioskToken(admin, 'clinic-7', 'kiosk-7');

    const mine = (await call(kiosk, 'GET', '/practitioners')).json() as { data: { id: string }[] };
    expect(mine.data.map((p) => p.id)).toEqual([own.id]);
    expect(
      (
        (await call(kiosk, 'GET', '/practitioners?clinicId=clinic-7&active=true')).json() as {
          data: unknown[];
        }
      ).data,
    ).toHaveLength(1);
    expectError(await call(kiosk, 'GET', '/practitioners?clinicId=clinic-8'), 403, 'FORBIDDEN');
    expect((await call(kiosk, 'GET', `/practitioners/${own.id}`)).json()).toEqual(own);
    // Another clinic's health worker is not there for this kiosk at all.
    expectError(await call(kiosk, 'GET', `/practitioners/${other.id}`), 404, 'NOT_FOUND');
    expectError(await call(partner, 'GET', `/practitioners/${other.id}`), 404, 'NOT_FOUND');
    expectError(await call(partner, 'POST', '/practitioners', bidan(67, 'clinic-8')), 403, 'FORBIDDEN');
    const refused = expectError(
      await call(kiosk, 'POST', '/practitioners', bidan(64, 'clinic-7')),
      403,
      'FORBIDDEN',
    );
    expect(refused.details).toEqual({ scope: 'practitioner.write' });
    expectError(await call(kiosk, 'PATCH', `/practitioners/${own.id}`, { active: false }), 403, 'FORBIDDEN');

    const reader = await token('partner.test', 'partner.test-secret', 'patient.read');
    const unread = expectError(await call(reader, 'GET', '/practitioners'), 403, 'FORBIDDEN');
    expect(unread.details).toEqual({ scope: 'practitioner.read' });
  });

  it('writes who registered or changed a health worker to the audit log, without their NIK', async () => {
    const admin = await client('admin');
    const partner = await client('partner');
    const sari = PractitionerRecord.parse((await call(partner, 'POST', '/practitioners', bidan(65))).json());
    await call(partner, 'PATCH', `/practitioners/${sari.id}`, { nik: nik(66) });
    await call(partner, 'GET', `/practitioners/${sari.id}`);
    const log = await call(admin, 'GET', `/audit-events?resourceType=practitioner`);
    expect(log.statusCode, log.body).toBe(200);
    const lines = (log.json() as { data: Record<string, unknown>[] }).data;
    expect(lines.map((e) => [e['clientId'], e['action'], e['resourceId'], e['patientId']])).toEqual([
      ['partner.test', 'create', sari.id, null],
      ['partner.test', 'update', sari.id, null],
    ]);
    expect(log.body).not.toContain(nik(65));
    expect(log.body).not.toContain(nik(66));
  });

  it('opens a screening naming an active health worker of its clinic, and says why it cannot name another', async () => {
    const admin = await client('admin');
    const patient = Patient.parse((await call(admin, 'POST', '/patients', newPatient(67))).json());
    const sari = PractitionerRecord.parse((await call(admin, 'POST', '/practitioners', bidan(68))).json());
    const open = (extra: object) =>
      call(admin, 'POST', '/screenings', {
        patientId: patient.id,
        clinicId: 'clinic-1',
        kioskId: 'kiosk-1',
        ...extra,
      });

    const opened = await open({ practitionerId: sari.id });
    expect(opened.statusCode, opened.body).toBe(201);
    expect(Screening.parse(opened.json())).toMatchObject({ practitionerId: sari.id, practitioner: null });
    expect(Screening.parse((await open({})).json()).practitionerId).toBeNull();

    const missing = expectError(
      await open({ practitionerId: '01a20650-802b-7611-80f8-96a42a6e0407' }),
      404,
      'PRACTITIONER_NOT_FOUND',
    );
    expect(missing.message).toContain('01a20650-802b-7611-80f8-96a42a6e0407');
    const away = PractitionerRecord.parse(
      (await call(admin, 'POST', '/practitioners', bidan(69, 'clinic-2'))).json(),
    );
    const foreign = expectError(await open({ practitionerId: away.id }), 422, 'PRACTITIONER_NOT_USABLE');
    expect(foreign.message).toContain('of clinic clinic-2, not of clinic clinic-1');
    await call(admin, 'PATCH', `/practitioners/${sari.id}`, { active: false });
    const gone = expectError(await open({ practitionerId: sari.id }), 422, 'PRACTITIONER_NOT_USABLE');
    expect(gone.message).toContain('no longer active');
    const both = expectError(
      await open({ practitionerId: sari.id, practitioner: { ihsNumber: '10009880728' } }),
      400,
      'VALIDATION',
    );
    expect(both.message).toMatch(
      /either inline \(practitioner\) or by the clinic's id \(practitionerId\), not both/,
    );
  });
});

describe('idempotency keys', () => {
  it('replays the first answer for a repeated key, and refuses the key for another body', async () => {
    const t = await client('partner');
    const key = { 'idempotency-key': 'k-123' };
    const first = await call(t, 'POST', '/patients', newPatient(3), key);
    const second = await call(t, 'POST', '/patients', newPatient(3), key);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
    expectError(await call(t, 'POST', '/patients', newPatient(4), key), 422, 'IDEMPOTENCY_KEY_REUSED');
    expectError(
      await call(t, 'POST', '/patients', newPatient(4), { 'idempotency-key': 'ä' }),
      400,
      'VALIDATION',
    );
  });
});

describe('a screening from kiosk readings to referrals', () => {
  it('opens, collects readings, lists observations, assigns strays, finishes', async () => {
    const t = await client('partner');
    const patient = Patient.parse((await call(t, 'POST', '/patients', newPatient(5))).json());
    const opened = await call(t, 'POST', '/screenings', {
      patientId: patient.id,
      clinicId: 'clinic-1',
      kioskId: 'kiosk-1',
    });
    expect(opened.statusCode).toBe(201);
    const screening = Screening.parse(opened.json());
    expect(screening).toMatchObject({
      status: 'open',
      severity: 'normal',
      forwarding: { status: 'not-sent' },
    });

    const inSession = bpReading({ sessionId: screening.id }, [ATTENTION]);
    const stray = bpReading({}, [URGENT_BP]);
    await store.ingestReadings([inSession, stray]);

    const detail = ScreeningDetail.parse((await call(t, 'GET', `/screenings/${screening.id}`)).json());
    expect(detail.observations.map((o) => o.name)).toEqual(['systolic', 'diastolic']);
    expect(detail.severity).toBe('attention');

    const kioskAdmin = await client('admin');
    const unassigned = await call(kioskAdmin, 'GET', '/readings/unassigned');
    expect((unassigned.json() as { data: { readingId: string }[] }).data.map((u) => u.readingId)).toEqual([
      stray.id,
    ]);
    expectError(await call(t, 'GET', '/readings/unassigned'), 403, 'FORBIDDEN');
    const assigned = await call(kioskAdmin, 'POST', `/readings/${stray.id}/assign`, {
      screeningId: screening.id,
    });
    expect(assigned.json()).toMatchObject({ status: 'assigned', screeningId: screening.id });
    expectError(
      await call(kioskAdmin, 'POST', `/readings/${stray.id}/discard`, { reason: 'wrong patient' }),
      409,
      'READING_NOT_UNASSIGNED',
    );

    const referrals = (await call(t, 'GET', `/referrals?status=open&patientId=${patient.id}`)).json() as {
      data: { id: string; severity: string; flag: { code: string } }[];
    };
    expect(referrals.data.map((r) => [r.severity, r.flag.code])).toEqual([['urgent', 'bp.grade-3']]);
    // A dashboard's calendar day in WIB: `+` is written %2B, and a bare `+` is named as the problem.
    const madeAt = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const day = (d: string) => `${d}T00:00:00%2B07:00`;
    const nextDay = new Date(Date.parse(madeAt) + 86_400_000).toISOString().slice(0, 10);
    const today = await call(
      t,
      'GET',
      `/referrals?patientId=${patient.id}&from=${day(madeAt)}&to=${day(nextDay)}`,
    );
    expect((today.json() as { data: unknown[] }).data).toHaveLength(1);
    const tomorrow = await call(t, 'GET', `/referrals?patientId=${patient.id}&from=${day(nextDay)}`);
    expect((tomorrow.json() as { data: unknown[] }).data).toHaveLength(0);
    const bare = expectError(
      await call(t, 'GET', `/referrals?from=${madeAt}T00:00:00+07:00`),
      400,
      'VALIDATION',
    );
    expect(bare.message).toMatch(/^querystring\.from: /);
    const ack = await call(t, 'POST', `/referrals/${referrals.data[0]!.id}/acknowledge`, {
      note: 'sent to puskesmas',
    });
    expect(ack.json()).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'partner.test' });

    const manual = await call(t, 'POST', '/observations', {
      screeningId: screening.id,
      kind: 'waist',
      measuredAt: '2026-11-23T09:10:00+07:00',
      values: [{ name: 'waistCircumference', code: '8280-0', value: 92, unit: 'cm' }],
    });
    expect(manual.statusCode).toBe(201);
    expect(manual.json()).toMatchObject({
      observations: [{ source: 'manual', value: 92, screeningId: screening.id, patientId: patient.id }],
    });

    const observations = await call(
      t,
      'GET',
      `/observations?screeningId=${screening.id}&kind=blood-pressure&limit=3`,
    );
    const page1 = observations.json() as { data: { id: string }[]; nextCursor: string | null };
    expect(page1.data).toHaveLength(3);
    const page2 = (
      await call(
        t,
        'GET',
        `/observations?screeningId=${screening.id}&kind=blood-pressure&limit=3&cursor=${page1.nextCursor}`,
      )
    ).json() as { data: { id: string }[]; nextCursor: string | null };
    expect(page2.data).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();

    const finished = await call(t, 'POST', `/screenings/${screening.id}/finish`, { forward: false });
    expect(finished.json()).toMatchObject({
      status: 'finished',
      severity: 'urgent',
      forwarding: { status: 'not-sent' },
    });
    expectError(await call(t, 'POST', `/screenings/${screening.id}/finish`), 409, 'SCREENING_CLOSED');
    expectError(
      await call(t, 'POST', '/observations', {
        screeningId: screening.id,
        kind: 'waist',
        measuredAt: '2026-11-23T09:10:00+07:00',
        values: [{ name: 'waistCircumference', code: '8280-0', value: 92, unit: 'cm' }],
      }),
      409,
      'SCREENING_CLOSED',
    );
    expectError(await call(t, 'GET', `/screenings/${screening.id}/fhir`), 409, 'FHIR_NOT_READY');
  });
});

describe('finishing a screening', () => {
  const value = (name: string, code: string, v: number, unit: ReadingValue['unit']): ReadingValue => ({
    name,
    code,
    value: v,
    unit,
  });

  /** A partner app registers patient `n` and opens a screening for them. */
  async function openScreening(n: number) {
    const t = await client('partner');
    const patient = Patient.parse((await call(t, 'POST', '/patients', newPatient(n))).json());
    const body = { patientId: patient.id, clinicId: 'clinic-1', kioskId: 'kiosk-1' };
    return { t, opened: Screening.parse((await call(t, 'POST', '/screenings', body)).json()) };
  }

  it("adds the visit's mean blood pressure and BMI, naming their sources, once however often it is asked", async () => {
    const { t, opened } = await openScreening(30);
    const session = { sessionId: opened.id };
    // Flagged as a kiosk flags them, each on its own.
    const bp1 = bpReading(
      {
        ...session,
        values: [value('systolic', '8480-6', 152, 'mm[Hg]'), value('diastolic', '8462-4', 94, 'mm[Hg]')],
      },
      triage({ systolic: 152, diastolic: 94 }),
    );
    const bp2 = bpReading(
      {
        ...session,
        values: [value('systolic', '8480-6', 145, 'mm[Hg]'), value('diastolic', '8462-4', 91, 'mm[Hg]')],
      },
      triage({ systolic: 145, diastolic: 91 }),
    );
    const weight = bpReading({
      ...session,
      device: { id: 'scale-1', protocol: 'ad-scale' },
      kind: 'weight',
      values: [value('weight', '29463-7', 68.4, 'kg')],
    });
    const height = bpReading({
      ...session,
      device: { id: 'manual', protocol: 'manual' },
      kind: 'height',
      values: [value('height', '8302-2', 155, 'cm')],
    });
    await store.ingestReadings([bp1, bp2, weight, height]);

    const finished = await call(t, 'POST', `/screenings/${opened.id}/finish`, { forward: false });
    expect(finished.statusCode, finished.body).toBe(200);
    const detail = ScreeningDetail.parse((await call(t, 'GET', `/screenings/${opened.id}`)).json());
    const computed = detail.observations.filter((o) => o.derivedFrom);
    expect(computed.map((o) => [o.name, o.value, [...o.derivedFrom!].sort()])).toEqual([
      // 148.5 and 92.5 round half up.
      ['systolic', 149, [bp1.id, bp2.id].sort()],
      ['diastolic', 93, [bp1.id, bp2.id].sort()],
      // 68.4 / 1.55² = 28.47
      ['bmi', 28.5, [weight.id, height.id].sort()],
    ]);
    // Classified as the protocol asks: the mean, not single readings; BMI on the ILP table.
    expect(computed.find((o) => o.name === 'bmi')!.flags.map((f) => f.code)).toContain('bmi.ilp.obese-1');
    expect(detail.observations.filter((o) => !o.derivedFrom)).toHaveLength(6);
    // A partner app tells measured values from computed ones by their source, not by a missing field.
    expect(new Set(computed.map((o) => o.source))).toEqual(new Set(['computed']));
    // The height was typed in; the blood pressures and the weight came from devices.
    expect(new Set(detail.observations.filter((o) => !o.derivedFrom).map((o) => o.source))).toEqual(
      new Set(['device', 'manual']),
    );

    expectError(await call(t, 'POST', `/screenings/${opened.id}/finish`), 409, 'SCREENING_CLOSED');
    expect(await store.countReadings()).toBe(6);
    // Grade 1 in both measurements and in their mean: a referral for each measurement, none more.
    const referrals = (await call(t, 'GET', `/referrals?screeningId=${opened.id}`)).json() as {
      data: { readingId: string; flag: { code: string } }[];
    };
    expect(referrals.data.map((r) => r.readingId).sort()).toEqual([bp1.id, bp2.id].sort());
  });

  it('restates no single blood pressure as a mean, and computes nothing without a weight and a height', async () => {
    const { t, opened } = await openScreening(31);
    await store.ingestReadings([bpReading({ sessionId: opened.id })]);
    expect((await call(t, 'POST', `/screenings/${opened.id}/finish`, { forward: false })).statusCode).toBe(
      200,
    );
    const detail = ScreeningDetail.parse((await call(t, 'GET', `/screenings/${opened.id}`)).json());
    expect(detail.observations.map((o) => o.name)).toEqual(['systolic', 'diastolic']);
    expect(detail.observations.some((o) => o.derivedFrom)).toBe(false);
  });
});

describe('kiosks', () => {
  it('registers a kiosk, whose credentials act for it alone, and rotates them', async () => {
    const admin = await client('admin');
    const registered = await call(admin, 'POST', '/kiosks', {
      clinicId: 'clinic-7',
      kioskId: 'kiosk-7',
      name: 'Melati',
    });
    expect(registered.statusCode).toBe(201);
    const creds = KioskCredentials.parse(registered.json());
    expect(creds.mqttUsername).toBe('kiosk.clinic-7.kiosk-7');
    expectError(
      await call(admin, 'POST', '/kiosks', { clinicId: 'clinic-7', kioskId: 'kiosk-7' }),
      409,
      'KIOSK_EXISTS',
    );

    const kiosk = await token(creds.clientId, creds.clientSecret);
    const patient = Patient.parse(
      (await call(kiosk, 'POST', '/patients', { ...newPatient(6), clinicId: 'clinic-7' })).json(),
    );
    expect(
      (
        await call(kiosk, 'POST', '/screenings', {
          patientId: patient.id,
          clinicId: 'clinic-7',
          kioskId: 'kiosk-7',
        })
      ).statusCode,
    ).toBe(201);
    expectError(
      await call(kiosk, 'POST', '/screenings', {
        patientId: patient.id,
        clinicId: 'clinic-7',
        kioskId: 'kiosk-8',
      }),
      403,
      'FORBIDDEN',
    );
    expectError(await call(kiosk, 'POST', '/kiosks', { clinicId: 'c', kioskId: 'k' }), 403, 'FORBIDDEN');
    await store.ingestReadings([bpReading({ clinicId: 'clinic-9', kioskId: 'kiosk-9' })], {});
    const mine = (await call(kiosk, 'GET', '/readings/unassigned')).json() as { data: unknown[] };
    expect(mine.data).toEqual([]);

    const rotated = KioskCredentials.parse(
      (await call(admin, 'POST', '/kiosks/clinic-7/kiosk-7/rotate')).json(),
    );
    expect(rotated.clientSecret).not.toBe(creds.clientSecret);
    expectError(await call(kiosk, 'GET', '/kiosks/clinic-7/kiosk-7'), 401, 'UNAUTHENTICATED');
    const fresh = await token(rotated.clientId, rotated.clientSecret);
    expect((await call(fresh, 'GET', '/kiosks/clinic-7/kiosk-7')).json()).toMatchObject({ name: 'Melati' });
    const old = await app.inject({
      method: 'POST',
      url: '/oauth2/token',
      payload: {
        grant_type: 'client_credentials',
        client_id: creds.clientId,
        client_secret: creds.clientSecret,
      },
    });
    expect(old.statusCode).toBe(401);
  });
});

describe('limits and errors', () => {
  it('answers oversized, non-JSON and malformed bodies, and unknown routes, in the one error shape', async () => {
    const t = await client('partner');
    const big = await call(t, 'POST', '/patients', { ...newPatient(1), name: 'x'.repeat(70_000) });
    expectError(big, 413, 'PAYLOAD_TOO_LARGE');
    expectError(
      await app.inject({
        method: 'POST',
        url: '/patients',
        headers: { authorization: `Bearer ${t}`, 'content-type': 'text/plain' },
        payload: 'hello',
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectError(
      await app.inject({
        method: 'POST',
        url: '/patients',
        headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
        payload: '{"nik": ',
      }),
      400,
      'BAD_REQUEST',
    );
    expectError(await call(t, 'GET', '/nowhere'), 404, 'NOT_FOUND');
    expectError(await call(t, 'GET', '/screenings?cursor=bm9wZQ'), 400, 'VALIDATION');
    expectError(await call(t, 'GET', '/screenings?limit=0'), 400, 'VALIDATION');
  });

  it('limits the rate per client with 429 and Retry-After', async () => {
    await app.close();
    await build({ rateLimit: { burst: 3, perSecond: 0.5 } });
    const t = await client('partner');
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await call(t, 'GET', '/screenings'));
    expect(answers.slice(0, 3).map((a) => a.statusCode)).toEqual([200, 200, 200]);
    expectError(answers[3]!, 429, 'RATE_LIMITED');
    expect(answers[3]!.headers['retry-after']).toBe('2');
  });

  it('lets pages of the configured origins call it from a browser (CORS), and no others', async () => {
    await app.close();
    await build({ corsOrigins: ['https://dashboard.example.id'], rateLimit: { burst: 1, perSecond: 0.01 } });
    const origin = 'https://dashboard.example.id';
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/patients/search',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, idempotency-key',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(origin);
    expect(preflight.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(String(preflight.headers['access-control-allow-headers']).split(', ')).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'idempotency-key']),
    );
    expect(preflight.headers.vary).toMatch(/Origin/);

    // Answers, errors included, carry the headers a page needs to read them (Retry-After here).
    await call(undefined, 'GET', '/screenings', undefined, { origin });
    const limited = await call(undefined, 'GET', '/screenings', undefined, { origin });
    expectError(limited, 429, 'RATE_LIMITED');
    expect(limited.headers['access-control-allow-origin']).toBe(origin);
    expect(String(limited.headers['access-control-expose-headers'])).toMatch(/retry-after/);

    for (const other of ['https://evil.example', 'https://dashboard.example.id.evil.example']) {
      const refused = await app.inject({
        method: 'OPTIONS',
        url: '/patients/search',
        headers: { origin: other, 'access-control-request-method': 'POST' },
      });
      expect(refused.statusCode).not.toBe(204);
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('sends no CORS headers unless origins are configured', async () => {
    const r = await app.inject({
      method: 'OPTIONS',
      url: '/patients/search',
      headers: { origin: 'https://dashboard.example.id', 'access-control-request-method': 'POST' },
    });
    expect(r.statusCode).toBe(404);
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('is live while it runs, and ready only while store and broker answer (503 with Retry-After)', async () => {
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    await app.close();
    await build({ readiness: async () => ({ store: 'ok', broker: 'not connected' }) });
    const r = await app.inject({ url: '/readyz' });
    expectError(r, 503, 'UNAVAILABLE');
    expect(r.headers['retry-after']).toBe('5');
  });

  it('is unhealthy (503 naming the store’s code) while the record cannot take writes, and healthy again after', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kd-health-')), 'clinic.db');
    openSqliteStore(path).close();
    const readonly = openSqliteStore(path, { readonly: true });
    await app.close();
    await build({ store: readonly });
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    await expect(readonly.ingestReadings([bpReading()])).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    const r = await app.inject({ url: '/healthz' });
    expectError(r, 503, 'UNAVAILABLE');
    expect(r.json().details.store).toMatchObject({ code: 'STORE_UNAVAILABLE', reason: 'SQLITE_READONLY' });
    await readonly.close();
    await app.close();
    await build();
  });

  it('answers 503 with Retry-After when the record is unreachable', async () => {
    const t = await client('partner');
    await store.close();
    const r = await call(t, 'GET', '/screenings');
    expectError(r, 503, 'UNAVAILABLE');
    expect(r.headers['retry-after']).toBe('5');
    store = openSqliteStore(':memory:');
  });

  it('exports Prometheus metrics', async () => {
    const t = await client('partner');
    await call(t, 'GET', '/screenings');
    const text = (await app.inject({ url: '/metrics' })).body;
    expect(text).toMatch(/kd_http_requests_total\{method="GET",route="\/screenings",status="200"\} 1/);
    expect(text).toContain('kd_ingest_messages_total');
  });
});

describe('OpenAPI', () => {
  it('docs/openapi.yaml is generated from the routes and up to date (run pnpm clinic-server openapi --out docs/openapi.yaml)', async () => {
    const committed = readFileSync(new URL('../../../../docs/openapi.yaml', import.meta.url), 'utf8');
    expect(committed).toBe(await openApiYaml());
  });

  it('serves the same document, with the API schemas named once', async () => {
    const doc = (await app.inject({ url: '/openapi.json' })).json() as {
      openapi: string;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const name of [
      'Patient',
      'PatientCreate',
      'Screening',
      'Observation',
      'Referral',
      'Kiosk',
      'PractitionerCreate',
      'PractitionerUpdate',
      'PractitionerRecord',
      'PractitionerPage',
      'ApiError',
    ]) {
      expect(doc.components.schemas).toHaveProperty(name);
    }
    expect(doc.components.schemas).not.toHaveProperty('PatientInput');
  });
});
