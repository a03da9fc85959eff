// Contract tests: the SDK's calls against a real clinic server (SQLite in a temporary folder, the
// embedded broker and the API on free ports), with the SDK checking every answer against the
// protocol's schemas and the server checking its own answers too. Readings that a kiosk would
// publish over MQTT are put in through the server's ingest entry point (`store.ingestReadings`).
import { type Flag, newUuidV7, type Reading } from '@klinik-desa/protocol';
import {
  AuthenticationError,
  ClinicClient,
  ConflictError,
  type Fetch,
  NotFoundError,
  PermissionDeniedError,
  UnprocessableEntityError,
  ValidationError,
} from '@klinik-desa/sdk';
import { ClinicClient as LiteClinicClient } from '@klinik-desa/sdk/lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bloodPressureReading, startTestClinic, type TestClinic } from '../../src/index.js';

const CLINIC = 'kdmp-3201-001';
const URGENT: Flag = { code: 'bp.grade-3', severity: 'urgent', value: 'systolic', rules: 'ilp-2024.1' };

let clinic: TestClinic;
let admin: ClinicClient;
let partner: ClinicClient;
let kiosk: ClinicClient;

/** NIK digits that pass the structure check: province 32, a woman born 17-08-1990, serial `n`. */
const nik = (n: number) => `320101570890${String(n).padStart(4, '0')}`;

function reading(kioskId: string, overrides: Partial<Reading> = {}): Reading {
  return bloodPressureReading(CLINIC, kioskId, overrides);
}

async function ingest(...readings: Reading[]) {
  const outcomes = await clinic.server.store.ingestReadings(readings);
  expect(outcomes.map((o) => o.status)).toEqual(readings.map(() => 'stored'));
}

const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );

beforeAll(async () => {
  clinic = await startTestClinic();
  admin = new ClinicClient({ baseUrl: clinic.url, ...clinic.admin });
  const partnerCredentials = await admin.clients.create({
    name: 'Puskesmas dashboard',
    role: 'partner',
    clinics: [CLINIC],
  });
  expect(partnerCredentials.role).toBe('partner');
  partner = new ClinicClient({ baseUrl: clinic.url, ...partnerCredentials });
  const kioskCredentials = await admin.kiosks.create({
    clinicId: CLINIC,
    kioskId: 'kiosk-1',
    name: 'Kiosk 1',
  });
  kiosk = new ClinicClient({ baseUrl: clinic.url, ...kioskCredentials });
});

afterAll(async () => {
  await clinic?.close();
});

describe('kiosks', () => {
  it('registers, lists and retrieves kiosks; a second registration is a ConflictError', async () => {
    const kiosks = await admin.kiosks.list({ clinicId: CLINIC }).toArray();
    expect(kiosks.map((k) => k.kioskId)).toContain('kiosk-1');
    await expect(admin.kiosks.retrieve(CLINIC, 'kiosk-1')).resolves.toMatchObject({
      name: 'Kiosk 1',
      status: null,
    });
    const error = await caught(admin.kiosks.create({ clinicId: CLINIC, kioskId: 'kiosk-1' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409, code: 'KIOSK_EXISTS' });
    await expect(admin.kiosks.retrieve(CLINIC, 'no-such-kiosk')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a partner without kiosk.admin with PermissionDeniedError naming the scope', async () => {
    const error = await caught(partner.kiosks.create({ clinicId: CLINIC, kioskId: 'kiosk-9' }));
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error).toMatchObject({ status: 403, code: 'FORBIDDEN', details: { scope: 'kiosk.admin' } });
  });
});

describe('practitioners', () => {
  it("registers the clinic's health workers, and a kiosk lists and names its own clinic's active ones", async () => {
    const sari = await admin.practitioners.create({ clinicId: CLINIC, name: 'Bidan Sari', nik: nik(500) });
    expect(sari).toMatchObject({ clinicId: CLINIC, nik: nik(500), ihsNumber: null, active: true });
    const ani = await partner.practitioners.create({
      clinicId: CLINIC,
      name: 'dr. Ani',
      ihsNumber: '10009880728',
    });
    const away = await admin.practitioners.create({
      clinicId: 'kdmp-3201-002',
      name: 'Bidan Sari',
      nik: nik(500),
    });
    const twice = await caught(
      partner.practitioners.create({ clinicId: CLINIC, name: 'Sari', nik: nik(500) }),
    );
    expect(twice).toBeInstanceOf(ConflictError);
    expect(twice).toMatchObject({ code: 'PRACTITIONER_EXISTS', details: { practitionerId: sari.id } });

    const listed = await kiosk.practitioners.list({ clinicId: CLINIC, active: true }).toArray();
    expect(listed.map((p) => p.id)).toEqual(expect.arrayContaining([sari.id, ani.id]));
    expect(listed.map((p) => p.clinicId)).not.toContain('kdmp-3201-002');
    await expect(kiosk.practitioners.retrieve(sari.id)).resolves.toEqual(sari);
    // Another clinic's health worker is not there for this kiosk at all.
    expect(await caught(kiosk.practitioners.retrieve(away.id))).toBeInstanceOf(NotFoundError);
    const refused = await caught(kiosk.practitioners.create({ clinicId: CLINIC, name: 'X', nik: nik(501) }));
    expect(refused).toMatchObject({ status: 403, details: { scope: 'practitioner.write' } });

    const patient = await kiosk.patients.create({ name: 'Made Ayu', birthDate: '1985-04-05', sex: 'female' });
    const screening = await kiosk.screenings.create({
      patientId: patient.id,
      clinicId: CLINIC,
      kioskId: 'kiosk-1',
      practitionerId: sari.id,
    });
    expect(screening.practitionerId).toBe(sari.id);

    const left = await admin.practitioners.update(ani.id, { active: false });
    expect(left).toMatchObject({ id: ani.id, active: false });
    const stillHere = await kiosk.practitioners.list({ active: true }).toArray();
    expect(stillHere.map((p) => p.id)).not.toContain(ani.id);
    const gone = await caught(
      kiosk.screenings.create({
        patientId: patient.id,
        clinicId: CLINIC,
        kioskId: 'kiosk-1',
        practitionerId: ani.id,
      }),
    );
    expect(gone).toBeInstanceOf(UnprocessableEntityError);
    expect(gone).toMatchObject({ status: 422, code: 'PRACTITIONER_NOT_USABLE', retryable: false });
    const unknown = await caught(
      kiosk.screenings.create({
        patientId: patient.id,
        clinicId: CLINIC,
        kioskId: 'kiosk-1',
        practitionerId: newUuidV7(),
      }),
    );
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect(unknown).toMatchObject({ code: 'PRACTITIONER_NOT_FOUND' });
  });
});

describe('clients', () => {
  it('lists clients and revokes one: its next call is an AuthenticationError', async () => {
    const credentials = await admin.clients.create({
      name: 'Old dashboard',
      role: 'partner',
      clinics: [CLINIC],
    });
    const old = new ClinicClient({ baseUrl: clinic.url, ...credentials });
    await expect(old.referrals.list().firstPage()).resolves.toBeDefined();
    const partners = await admin.clients.list({ role: 'partner' }).toArray();
    expect(partners.find((c) => c.clientId === credentials.clientId)).toMatchObject({
      name: 'Old dashboard',
      revokedAt: null,
    });
    const revoked = await admin.clients.revoke(credentials.clientId);
    expect(revoked.revokedAt).not.toBeNull();
    const error = await caught(old.referrals.list().firstPage());
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(await caught(admin.clients.revoke(clinic.admin.clientId))).toBeInstanceOf(ConflictError);
  });
});

describe('audit events', () => {
  it("gives an administrator a patient's access log, page by page, and refuses a partner", async () => {
    const patient = await kiosk.patients.create({
      nik: nik(40),
      name: 'Rina Marlina',
      birthDate: '1990-08-17',
      sex: 'female',
    });
    await partner.patients.retrieve(patient.id);
    await partner.patients.search({ nik: nik(40) }).toArray();
    const log = await admin.auditEvents.list({ patientId: patient.id, limit: 2 }).toArray();
    expect(log.map((e) => [e.clientId.split('.')[0], e.action])).toEqual([
      ['kiosk', 'create'],
      ['partner', 'read'],
      ['partner', 'search'],
      // Asking for the first page is itself in the patient's log, so the second page shows it.
      ['admin', 'list'],
    ]);
    expect(log.every((e) => e.patientId === patient.id)).toBe(true);
    const error = await caught(partner.auditEvents.list({ patientId: patient.id }).firstPage());
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error).toMatchObject({ details: { scope: 'audit.read' } });
  });
});

describe('patients', () => {
  it('registers a patient, finds them by NIK, and refuses the NIK twice', async () => {
    const created = await kiosk.patients.create({
      nik: nik(1),
      name: 'Siti Rahayu',
      birthDate: '1990-08-17',
      sex: 'female',
    });
    expect(created).toMatchObject({ nik: nik(1), name: 'Siti Rahayu', ihsNumber: null });
    await expect(partner.patients.retrieve(created.id)).resolves.toEqual(created);
    await expect(kiosk.patients.findByNik(nik(1))).resolves.toEqual(created);
    await expect(kiosk.patients.findByNik(nik(9999))).resolves.toBeNull();

    const error = await caught(
      kiosk.patients.create({ nik: nik(1), name: 'Siti R', birthDate: '1990-08-17', sex: 'female' }),
    );
    expect(error).toBeInstanceOf(ConflictError);
    const conflict = error as ConflictError;
    expect(conflict.code).toBe('PATIENT_EXISTS');
    expect(conflict.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(conflict.headers.get('x-request-id')).toBe(conflict.requestId);
  });

  it("adds an IHS number later, and refuses a NIK that is already another patient's", async () => {
    const first = await kiosk.patients.create({
      nik: nik(400),
      name: 'Komang Ayu',
      birthDate: '1991-02-03',
      sex: 'female',
    });
    const second = await kiosk.patients.create({
      name: 'Komang Ayu',
      birthDate: '1991-02-03',
      sex: 'female',
    });
    const linked = await partner.patients.update(first.id, { ihsNumber: 'P02478375538' });
    expect(linked).toEqual({ ...first, ihsNumber: 'P02478375538' });
    await expect(partner.patients.retrieve(first.id)).resolves.toEqual(linked);
    const error = await caught(partner.patients.update(second.id, { nik: nik(400) }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'PATIENT_EXISTS', status: 409, details: { patientId: first.id } });
    await expect(partner.patients.update(first.id, { nik: '1234' })).rejects.toMatchObject({
      code: 'INVALID_NIK',
    });
  });

  it('gives NotFoundError for an unknown patient id', async () => {
    const error = await caught(partner.patients.retrieve(newUuidV7()));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('walks a name search across pages', async () => {
    const names = Array.from({ length: 7 }, (_, i) => `Budi Santoso ${i}`);
    for (const [i, name] of names.entries()) {
      await partner.patients.create({ nik: nik(100 + i), name, birthDate: '1975-01-02', sex: 'male' });
    }
    const list = partner.patients.search({ name: 'budi santoso', birthDate: '1975-01-02', limit: 3 });
    const pages = [];
    for await (const page of list.pages()) pages.push(page.data.map((p) => p.name));
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat().sort()).toEqual(names);
  });

  it('replays the first answer for a repeated Idempotency-Key, and refuses the key for another body', async () => {
    const body = { nik: nik(200), name: 'Dewi Lestari', birthDate: '1980-05-12', sex: 'female' } as const;
    const first = await partner.patients.create(body, { idempotencyKey: 'dashboard-import-200' });
    const again = await partner.patients.create(body, { idempotencyKey: 'dashboard-import-200' });
    expect(again).toEqual(first);
    const error = await caught(
      partner.patients.create({ ...body, nik: nik(201) }, { idempotencyKey: 'dashboard-import-200' }),
    );
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it("returns the server's VALIDATION error as a ValidationError naming the field", async () => {
    const error = await caught(
      partner.screenings.create({ patientId: 'not-a-uuid', clinicId: CLINIC, kioskId: 'kiosk-1' }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toContain('body.patientId');
  });
});

describe('a screening, end to end', () => {
  it('opens, binds readings, takes a manual reading, makes a referral, and finishes', async () => {
    const patient = await kiosk.patients.create({
      nik: nik(300),
      name: 'Wayan Sudirta',
      birthDate: '1962-03-04',
      sex: 'male',
    });
    const screening = await kiosk.screenings.create({
      patientId: patient.id,
      clinicId: CLINIC,
      kioskId: 'kiosk-1',
    });
    expect(screening).toMatchObject({
      status: 'open',
      severity: 'normal',
      forwarding: { status: 'not-sent' },
    });

    const other = await caught(
      kiosk.screenings.create({ patientId: patient.id, clinicId: CLINIC, kioskId: 'kiosk-2' }),
    );
    expect(other).toBeInstanceOf(PermissionDeniedError);

    await ingest(reading('kiosk-1', { sessionId: screening.id, flags: [URGENT] }));
    const manual = await partner.observations.create({
      screeningId: screening.id,
      kind: 'waist',
      measuredAt: new Date().toISOString(),
      values: [{ name: 'waist', code: '8280-0', value: 96, unit: 'cm' }],
    });
    expect(manual.observations).toHaveLength(1);
    expect(manual.observations[0]).toMatchObject({ source: 'manual', value: 96, screeningId: screening.id });

    const detail = await partner.screenings.retrieve(screening.id);
    expect(detail.severity).toBe('urgent');
    expect(detail.observations.map((o) => o.name).sort()).toEqual(['diastolic', 'systolic', 'waist']);
    const listed = await partner.observations.list({ screeningId: screening.id, limit: 2 }).toArray();
    expect(listed.map((o) => o.id).sort()).toEqual(detail.observations.map((o) => o.id).sort());

    const [referral] = await partner.referrals.list({ screeningId: screening.id, status: 'open' }).toArray();
    expect(referral).toMatchObject({
      severity: 'urgent',
      flag: { code: 'bp.grade-3' },
      patientId: patient.id,
    });
    const acknowledged = await partner.referrals.acknowledge(referral!.id, { note: 'dirujuk ke puskesmas' });
    expect(acknowledged).toMatchObject({ status: 'acknowledged', note: 'dirujuk ke puskesmas' });
    expect(await partner.referrals.list({ screeningId: screening.id, status: 'open' }).toArray()).toEqual([]);

    const finished = await kiosk.screenings.finish(screening.id, { forward: false });
    expect(finished).toMatchObject({ status: 'finished', forwarding: { status: 'not-sent' } });
    const again = await caught(kiosk.screenings.finish(screening.id));
    expect(again).toBeInstanceOf(ConflictError);
    expect(again).toMatchObject({ code: 'SCREENING_CLOSED', retryable: false });
    const finishedList = await partner.screenings
      .list({ patientId: patient.id, status: 'finished' })
      .toArray();
    expect(finishedList.map((s) => s.id)).toEqual([screening.id]);

    // No SATUSEHAT organization is configured on this server: the Bundle is not ready.
    const bundle = await caught(partner.screenings.fhirBundle(screening.id));
    expect(bundle).toBeInstanceOf(ConflictError);
    expect(bundle).toMatchObject({ code: 'FHIR_NOT_READY' });
    await expect(partner.screenings.forward(screening.id)).resolves.toMatchObject({
      forwarding: { status: 'pending' },
    });
  });
});

describe('unassigned readings', () => {
  it('lists readings of no screening, assigns one and discards another', async () => {
    const stray = reading('kiosk-1');
    const junk = reading('kiosk-1', {
      kind: 'weight',
      values: [{ name: 'weight', code: '29463-7', value: 0.4, unit: 'kg' }],
    });
    await ingest(stray, junk);
    const unassigned = await kiosk.unassignedReadings.list().toArray();
    expect(unassigned.map((r) => r.readingId)).toEqual(expect.arrayContaining([stray.id, junk.id]));

    const patient = await kiosk.patients.create({ name: 'Nyoman', birthDate: '1970-01-01', sex: 'male' });
    const screening = await kiosk.screenings.create({
      patientId: patient.id,
      clinicId: CLINIC,
      kioskId: 'kiosk-1',
    });
    await expect(
      kiosk.unassignedReadings.assign(stray.id, { screeningId: screening.id }),
    ).resolves.toMatchObject({
      status: 'assigned',
      screeningId: screening.id,
    });
    await expect(kiosk.unassignedReadings.discard(junk.id, { reason: 'empty scale' })).resolves.toMatchObject(
      {
        status: 'discarded',
        discardReason: 'empty scale',
      },
    );
    const twice = await caught(kiosk.unassignedReadings.discard(junk.id, { reason: 'empty scale' }));
    expect(twice).toBeInstanceOf(ConflictError);
    expect(twice).toMatchObject({ code: 'READING_NOT_UNASSIGNED' });
    const left = await kiosk.unassignedReadings.list().toArray();
    expect(left.map((r) => r.readingId)).not.toContain(stray.id);
  });
});

describe('credentials', () => {
  it('after a rotation the old secret is refused: one new-token attempt, then AuthenticationError', async () => {
    const credentials = await admin.kiosks.create({ clinicId: CLINIC, kioskId: 'kiosk-rotated' });
    const paths: string[] = [];
    const fetch: Fetch = (url, init) => {
      paths.push(`${init.method} ${new URL(url).pathname}`);
      return globalThis.fetch(url, init);
    };
    const old = new ClinicClient({ baseUrl: clinic.url, ...credentials, fetch });
    await old.kiosks.retrieve(CLINIC, 'kiosk-rotated');
    const rotated = await admin.kiosks.rotateCredentials(CLINIC, 'kiosk-rotated');
    expect(rotated.clientSecret).not.toBe(credentials.clientSecret);
    paths.length = 0;
    const error = await caught(old.kiosks.retrieve(CLINIC, 'kiosk-rotated'));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 'INVALID_CLIENT' });
    expect(paths).toEqual(['GET /kiosks/kdmp-3201-001/kiosk-rotated', 'POST /oauth2/token']);
    const renewed = new ClinicClient({ baseUrl: clinic.url, ...rotated });
    await expect(renewed.kiosks.retrieve(CLINIC, 'kiosk-rotated')).resolves.toMatchObject({
      kioskId: 'kiosk-rotated',
    });
  });

  it('asks for fewer scopes when told, and is refused outside them', async () => {
    const readOnly = new ClinicClient({ baseUrl: clinic.url, ...clinic.admin, scope: ['referral.read'] });
    await expect(readOnly.referrals.list().firstPage()).resolves.toMatchObject({ nextCursor: null });
    await expect(readOnly.kiosks.list().firstPage()).rejects.toBeInstanceOf(PermissionDeniedError);
  });

  it('the lite client without validation gets the same answers', async () => {
    const lite = new LiteClinicClient({ baseUrl: clinic.url, ...clinic.admin });
    expect(lite.validatesResponses).toBe(false);
    expect(await lite.kiosks.list().toArray()).toEqual(await admin.kiosks.list().toArray());
  });
});

describe('a server with short tokens and a strict rate limit', () => {
  let strict: TestClinic;
  beforeAll(async () => {
    strict = await startTestClinic({ tokenLifetimeSeconds: 2, rateLimit: { burst: 3, perSecond: 2 } });
  });
  afterAll(async () => {
    await strict?.close();
  });

  it('renews the token before it expires and waits out 429s as Retry-After says', async () => {
    const statuses: string[] = [];
    const fetch: Fetch = async (url, init) => {
      const response = await globalThis.fetch(url, init);
      statuses.push(`${new URL(url).pathname} ${response.status}`);
      return response;
    };
    const client = new ClinicClient({ baseUrl: strict.url, ...strict.admin, fetch, maxRetries: 5 });
    const started = Date.now();
    for (let i = 0; i < 6; i++) await client.kiosks.list().firstPage();
    const elapsed = Date.now() - started;
    const limited = statuses.filter((s) => s.endsWith(' 429'));
    // A burst of 3 and 2 a second: some calls were limited, each waited a whole second (the
    // server's Retry-After) and then went through.
    expect(limited.length).toBeGreaterThan(0);
    expect(elapsed).toBeGreaterThanOrEqual(1_000 * limited.length - 50);
    expect(statuses.filter((s) => s.startsWith('/kiosks ') && s.endsWith(' 200'))).toHaveLength(6);
    // 2 s tokens are renewed in their last 0.2 s: a call after 1.9 s gets a new one, with no 401.
    const tokensBefore = statuses.filter((s) => s.startsWith('/oauth2/token 200')).length;
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await client.kiosks.list().firstPage();
    const tokensAfter = statuses.filter((s) => s.startsWith('/oauth2/token 200')).length;
    expect(tokensAfter).toBe(tokensBefore + 1);
    expect(statuses.filter((s) => s.endsWith(' 401'))).toEqual([]);
  });
});
