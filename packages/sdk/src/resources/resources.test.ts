// Each method sends the documented method, path, query and body, and returns the answer's body.
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClinicClient } from '../index.js';
import {
  api,
  BASE,
  CLIENT_ID,
  CLIENT_SECRET,
  observation,
  PATIENT_ID,
  PRACTITIONER_ID,
  patient,
  practitioner,
  READING_ID,
  REFERRAL_ID,
  referral,
  SCREENING_ID,
  screening,
  tokenEndpoint,
  VALID_NIK,
} from '../testing/mock-api.js';

beforeAll(() => api.listen({ onUnhandledRequest: 'error' }));
afterEach(() => api.resetHandlers());
afterAll(() => api.close());

interface Seen {
  method: string;
  path: string;
  query: string;
  body: unknown;
  contentType: string | null;
  idempotencyKey: boolean;
}

/** Answers every API request with `answer`, recording what was sent. */
function recordAll(answer: object, status = 200): Seen[] {
  const seen: Seen[] = [];
  api.use(
    http.all(`${BASE}/*`, async ({ request }) => {
      const url = new URL(request.url);
      if (url.pathname === '/oauth2/token') return undefined; // to the token endpoint's handler
      const text = await request.text();
      seen.push({
        method: request.method,
        path: url.pathname,
        query: url.search,
        body: text ? JSON.parse(text) : undefined,
        contentType: request.headers.get('content-type'),
        idempotencyKey: request.headers.has('idempotency-key'),
      });
      return HttpResponse.json(answer, { status });
    }),
  );
  return seen;
}

const clinic = {
  id: 'kdmp-3201-001',
  name: 'Klinik Desa Cibadak',
  village: 'Cibadak',
  organizationId: '100012345',
  location: null,
  puskesmasId: 'pkm-cibadak',
  createdAt: '2026-12-07T02:00:00.000Z',
  updatedAt: '2026-12-07T02:00:00.000Z',
};
const puskesmas = {
  id: 'pkm-cibadak',
  name: 'Puskesmas Cibadak',
  clinicIds: ['kdmp-3201-001'],
  createdAt: '2026-12-07T02:00:00.000Z',
  updatedAt: '2026-12-07T02:00:00.000Z',
};
const account = {
  username: 'bidan.sari',
  displayName: 'Bidan Sari',
  role: 'puskesmas-staff',
  clinics: { puskesmasId: 'pkm-cibadak' },
  createdAt: '2026-12-07T02:00:00.000Z',
  disabledAt: null,
};

const client = () => new ClinicClient({ baseUrl: BASE, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
const credentials = {
  clinicId: 'kdmp-3201-001',
  kioskId: 'kiosk-2',
  clientId: 'kiosk.kdmp-3201-001.kiosk-2',
  clientSecret: 'x',
  mqttUsername: 'kiosk.kdmp-3201-001.kiosk-2',
  mqttPassword: 'x',
  rotatedAt: '2026-11-23T02:00:00.000Z',
};
const unassigned = {
  readingId: READING_ID,
  clinicId: 'kdmp-3201-001',
  kioskId: 'kiosk-1',
  kind: 'weight',
  sessionId: null,
  measuredAt: '2026-11-23T02:00:00.000Z',
  storedAt: '2026-11-23T02:00:01.000Z',
  values: [{ name: 'weight', code: '29463-7', value: 61.2, unit: 'kg' }],
  flags: [],
  status: 'assigned',
  screeningId: SCREENING_ID,
  discardReason: null,
};
const kiosk = {
  clinicId: 'kdmp-3201-001',
  kioskId: 'kiosk-1',
  name: null,
  registeredAt: '2026-11-23T02:00:00.000Z',
  credentialsRotatedAt: '2026-11-23T02:00:00.000Z',
  status: null,
  lastReadingAt: null,
};

const deviceLost = {
  id: '019ab0c4-0000-7000-8000-0000000000e1',
  clinicId: 'kdmp-3201-001',
  kioskId: 'kiosk-1',
  at: '2026-11-23T02:00:00.000Z',
  type: 'device-lost',
  deviceId: 'scale-1',
  receivedAt: '2026-11-23T02:00:01.000Z',
};
const presence = {
  clinicId: 'kdmp-3201-001',
  kioskId: 'kiosk-1',
  state: 'online',
  since: '2026-11-23T02:00:01.000Z',
  lastSeenAt: '2026-11-23T02:00:01.000Z',
  status: {
    state: 'online',
    clinicId: 'kdmp-3201-001',
    kioskId: 'kiosk-1',
    at: '2026-11-23T02:00:00.000Z',
    devices: [{ id: 'scale-1', protocol: 'ad-scale', state: 'disconnected', errors: {} }],
  },
};

const auditEvent = {
  id: '019ab0c4-0000-7000-8000-000000000001',
  at: '2026-11-23T02:00:00.000Z',
  clientId: 'partner.0197',
  action: 'read',
  resourceType: 'patient',
  resourceId: PATIENT_ID,
  patientId: PATIENT_ID,
  requestId: 'req-1',
};

const quarterlyReport = {
  quarter: '2026-Q4',
  months: ['2026-10', '2026-11', '2026-12'],
  from: '2026-09-30T17:00:00.000Z',
  to: '2026-12-31T17:00:00.000Z',
  smallestShown: 5,
  clinics: [],
  villages: [],
};

describe('resources', () => {
  it.each([
    {
      name: 'patients.create',
      call: (c: ClinicClient) =>
        c.patients.create({ nik: VALID_NIK, name: 'Siti', birthDate: '1990-08-17', sex: 'female' }),
      answer: patient(),
      expected: {
        method: 'POST',
        path: '/patients',
        body: { nik: VALID_NIK, name: 'Siti', birthDate: '1990-08-17', sex: 'female' },
      },
    },
    {
      name: 'patients.retrieve',
      call: (c: ClinicClient) => c.patients.retrieve(PATIENT_ID),
      answer: patient(),
      expected: { method: 'GET', path: `/patients/${PATIENT_ID}` },
    },
    {
      name: 'patients.findByNik',
      call: (c: ClinicClient) => c.patients.findByNik(VALID_NIK),
      answer: { data: [patient()], nextCursor: null },
      expected: { method: 'POST', path: '/patients/search', body: { nik: VALID_NIK } },
      result: patient(),
    },
    {
      name: 'screenings.create',
      call: (c: ClinicClient) =>
        c.screenings.create({ patientId: PATIENT_ID, clinicId: 'kdmp-3201-001', kioskId: 'kiosk-1' }),
      answer: screening(),
      expected: {
        method: 'POST',
        path: '/screenings',
        body: { patientId: PATIENT_ID, clinicId: 'kdmp-3201-001', kioskId: 'kiosk-1' },
      },
    },
    {
      name: 'screenings.retrieve',
      call: (c: ClinicClient) => c.screenings.retrieve(SCREENING_ID),
      answer: { ...screening(), observations: [observation(1)], flags: [] },
      expected: { method: 'GET', path: `/screenings/${SCREENING_ID}` },
    },
    {
      name: 'screenings.list',
      call: (c: ClinicClient) => c.screenings.list({ status: 'open', kioskId: 'kiosk-1' }).toArray(),
      answer: { data: [screening()], nextCursor: null },
      expected: { method: 'GET', path: '/screenings', query: '?status=open&kioskId=kiosk-1' },
      result: [screening()],
    },
    {
      name: 'screenings.finish',
      call: (c: ClinicClient) => c.screenings.finish(SCREENING_ID),
      answer: screening({ status: 'finished' }),
      expected: { method: 'POST', path: `/screenings/${SCREENING_ID}/finish`, body: {} },
    },
    {
      name: 'screenings.finish without forwarding',
      call: (c: ClinicClient) => c.screenings.finish(SCREENING_ID, { forward: false }),
      answer: screening({ status: 'finished' }),
      expected: { method: 'POST', path: `/screenings/${SCREENING_ID}/finish`, body: { forward: false } },
    },
    {
      name: 'screenings.forward',
      call: (c: ClinicClient) => c.screenings.forward(SCREENING_ID),
      answer: screening({ status: 'finished' }),
      expected: { method: 'POST', path: `/screenings/${SCREENING_ID}/forward`, contentType: null },
    },
    {
      name: 'screenings.fhirBundle',
      call: (c: ClinicClient) => c.screenings.fhirBundle(SCREENING_ID),
      answer: { resourceType: 'Bundle', type: 'transaction', entry: [] },
      expected: { method: 'GET', path: `/screenings/${SCREENING_ID}/fhir` },
    },
    {
      name: 'observations.list',
      call: (c: ClinicClient) =>
        c.observations.list({ screeningId: SCREENING_ID, from: '2026-11-23T00:00:00Z' }).toArray(),
      answer: { data: [observation(1)], nextCursor: null },
      expected: {
        method: 'GET',
        path: '/observations',
        query: `?screeningId=${SCREENING_ID}&from=2026-11-23T00%3A00%3A00Z`,
      },
      result: [observation(1)],
    },
    {
      name: 'observations.create',
      call: (c: ClinicClient) =>
        c.observations.create({
          screeningId: SCREENING_ID,
          kind: 'waist',
          measuredAt: '2026-11-23T02:00:00.000Z',
          values: [{ name: 'waist', code: '8280-0', value: 82, unit: 'cm' }],
        }),
      answer: { readingId: READING_ID, observations: [observation(1)] },
      expected: {
        method: 'POST',
        path: '/observations',
        body: {
          screeningId: SCREENING_ID,
          kind: 'waist',
          measuredAt: '2026-11-23T02:00:00.000Z',
          values: [{ name: 'waist', code: '8280-0', value: 82, unit: 'cm' }],
        },
      },
    },
    {
      name: 'unassignedReadings.list',
      call: (c: ClinicClient) => c.unassignedReadings.list({ kioskId: 'kiosk-1', limit: 10 }).toArray(),
      answer: { data: [unassigned], nextCursor: null },
      expected: { method: 'GET', path: '/readings/unassigned', query: '?kioskId=kiosk-1&limit=10' },
      result: [unassigned],
    },
    {
      name: 'unassignedReadings.assign',
      call: (c: ClinicClient) => c.unassignedReadings.assign(READING_ID, { screeningId: SCREENING_ID }),
      answer: unassigned,
      expected: {
        method: 'POST',
        path: `/readings/${READING_ID}/assign`,
        body: { screeningId: SCREENING_ID },
      },
    },
    {
      name: 'unassignedReadings.discard',
      call: (c: ClinicClient) => c.unassignedReadings.discard(READING_ID, { reason: 'scale tested empty' }),
      answer: { ...unassigned, status: 'discarded', screeningId: null, discardReason: 'scale tested empty' },
      expected: {
        method: 'POST',
        path: `/readings/${READING_ID}/discard`,
        body: { reason: 'scale tested empty' },
      },
    },
    {
      name: 'referrals.list',
      call: (c: ClinicClient) => c.referrals.list({ status: 'open', severity: 'urgent' }).toArray(),
      answer: { data: [referral()], nextCursor: null },
      expected: { method: 'GET', path: '/referrals', query: '?status=open&severity=urgent' },
      result: [referral()],
    },
    {
      name: 'referrals.acknowledge',
      call: (c: ClinicClient) => c.referrals.acknowledge(REFERRAL_ID, { note: 'called the patient' }),
      answer: referral({ status: 'acknowledged' }),
      expected: {
        method: 'POST',
        path: `/referrals/${REFERRAL_ID}/acknowledge`,
        body: { note: 'called the patient' },
      },
    },
    {
      name: 'screenings.create naming a registered health worker',
      call: (c: ClinicClient) =>
        c.screenings.create({
          patientId: PATIENT_ID,
          clinicId: 'kdmp-3201-001',
          kioskId: 'kiosk-1',
          practitionerId: PRACTITIONER_ID,
        }),
      answer: screening({ practitionerId: PRACTITIONER_ID }),
      expected: {
        method: 'POST',
        path: '/screenings',
        body: {
          patientId: PATIENT_ID,
          clinicId: 'kdmp-3201-001',
          kioskId: 'kiosk-1',
          practitionerId: PRACTITIONER_ID,
        },
      },
    },
    {
      name: 'practitioners.create',
      call: (c: ClinicClient) =>
        c.practitioners.create({ clinicId: 'kdmp-3201-001', name: 'Bidan Sari Wulandari', nik: VALID_NIK }),
      answer: practitioner(),
      expected: {
        method: 'POST',
        path: '/practitioners',
        body: { clinicId: 'kdmp-3201-001', name: 'Bidan Sari Wulandari', nik: VALID_NIK },
      },
    },
    {
      name: 'practitioners.list',
      call: (c: ClinicClient) =>
        c.practitioners.list({ clinicId: 'kdmp-3201-001', active: true, limit: 100 }).toArray(),
      answer: { data: [practitioner()], nextCursor: null },
      expected: {
        method: 'GET',
        path: '/practitioners',
        query: '?clinicId=kdmp-3201-001&active=true&limit=100',
      },
      result: [practitioner()],
    },
    {
      name: 'practitioners.list of those who left',
      call: (c: ClinicClient) => c.practitioners.list({ active: false }).toArray(),
      answer: { data: [practitioner({ active: false })], nextCursor: null },
      expected: { method: 'GET', path: '/practitioners', query: '?active=false' },
      result: [practitioner({ active: false })],
    },
    {
      name: 'practitioners.retrieve',
      call: (c: ClinicClient) => c.practitioners.retrieve(PRACTITIONER_ID),
      answer: practitioner(),
      expected: { method: 'GET', path: `/practitioners/${PRACTITIONER_ID}` },
    },
    {
      name: 'practitioners.update',
      call: (c: ClinicClient) => c.practitioners.update(PRACTITIONER_ID, { ihsNumber: '10009880728' }),
      answer: practitioner({ ihsNumber: '10009880728' }),
      expected: {
        method: 'PATCH',
        path: `/practitioners/${PRACTITIONER_ID}`,
        body: { ihsNumber: '10009880728' },
      },
    },
    {
      name: 'kiosks.create',
      call: (c: ClinicClient) => c.kiosks.create({ clinicId: 'kdmp-3201-001', kioskId: 'kiosk-2' }),
      answer: credentials,
      expected: { method: 'POST', path: '/kiosks', body: { clinicId: 'kdmp-3201-001', kioskId: 'kiosk-2' } },
    },
    {
      name: 'kiosks.list',
      call: (c: ClinicClient) => c.kiosks.list({ clinicId: 'kdmp-3201-001' }).toArray(),
      answer: { data: [kiosk], nextCursor: null },
      expected: { method: 'GET', path: '/kiosks', query: '?clinicId=kdmp-3201-001' },
      result: [kiosk],
    },
    {
      name: 'kiosks.retrieve',
      call: (c: ClinicClient) => c.kiosks.retrieve('kdmp-3201-001', 'kiosk-1'),
      answer: kiosk,
      expected: { method: 'GET', path: '/kiosks/kdmp-3201-001/kiosk-1' },
    },
    {
      name: 'kiosks.rotateCredentials',
      call: (c: ClinicClient) => c.kiosks.rotateCredentials('kdmp-3201-001', 'kiosk-2'),
      answer: credentials,
      expected: { method: 'POST', path: '/kiosks/kdmp-3201-001/kiosk-2/rotate', contentType: null },
    },
    {
      name: 'kiosks.status',
      call: (c: ClinicClient) => c.kiosks.status('kdmp-3201-001', 'kiosk-1'),
      answer: presence,
      expected: { method: 'GET', path: '/kiosks/kdmp-3201-001/kiosk-1/status' },
    },
    {
      name: 'kiosks.events',
      call: (c: ClinicClient) =>
        c.kiosks
          .events('kdmp-3201-001', 'kiosk-1', { type: 'device-lost', since: '2026-11-23T00:00:00+07:00' })
          .toArray(),
      answer: { data: [deviceLost], nextCursor: null },
      expected: {
        method: 'GET',
        path: '/kiosks/kdmp-3201-001/kiosk-1/events',
        query: '?type=device-lost&since=2026-11-23T00%3A00%3A00%2B07%3A00',
      },
      result: [deviceLost],
    },
    {
      name: 'clients.create',
      call: (c: ClinicClient) =>
        c.clients.create({ name: 'Puskesmas dashboard', role: 'partner', clinics: ['kdmp-3201-001'] }),
      answer: {
        clientId: 'partner.0197',
        clientSecret: 'x',
        role: 'partner',
        name: 'Puskesmas dashboard',
        clinics: ['kdmp-3201-001'],
        createdAt: '2026-11-23T02:00:00.000Z',
      },
      expected: {
        method: 'POST',
        path: '/clients',
        body: { name: 'Puskesmas dashboard', role: 'partner', clinics: ['kdmp-3201-001'] },
      },
    },
    {
      name: 'auditEvents.list',
      call: (c: ClinicClient) =>
        c.auditEvents.list({ patientId: PATIENT_ID, from: '2026-11-23T00:00:00+07:00' }).toArray(),
      answer: { data: [auditEvent], nextCursor: null },
      expected: {
        method: 'GET',
        path: '/audit-events',
        query: `?patientId=${PATIENT_ID}&from=2026-11-23T00%3A00%3A00%2B07%3A00`,
      },
      result: [auditEvent],
    },
    {
      name: 'reports.quarterly',
      call: (c: ClinicClient) => c.reports.quarterly({ quarter: '2026-Q4', clinicId: 'kdmp-3201-001' }),
      answer: quarterlyReport,
      expected: {
        method: 'GET',
        path: '/reports/quarterly',
        query: '?quarter=2026-Q4&clinicId=kdmp-3201-001',
      },
    },
    {
      name: 'clinics.create',
      call: (c: ClinicClient) => c.clinics.create({ id: 'kdmp-3201-001', name: 'Klinik Desa Cibadak' }),
      answer: clinic,
      expected: {
        method: 'POST',
        path: '/clinics',
        body: { id: 'kdmp-3201-001', name: 'Klinik Desa Cibadak' },
      },
    },
    {
      name: 'clinics.list',
      call: (c: ClinicClient) => c.clinics.list({ puskesmasId: 'pkm-cibadak' }).toArray(),
      answer: { data: [clinic], nextCursor: null },
      expected: { method: 'GET', path: '/clinics', query: '?puskesmasId=pkm-cibadak' },
      result: [clinic],
    },
    {
      name: 'clinics.retrieve',
      call: (c: ClinicClient) => c.clinics.retrieve('kdmp-3201-001'),
      answer: clinic,
      expected: { method: 'GET', path: '/clinics/kdmp-3201-001' },
    },
    {
      name: 'clinics.update',
      call: (c: ClinicClient) => c.clinics.update('kdmp-3201-001', { location: null }),
      answer: clinic,
      expected: { method: 'PATCH', path: '/clinics/kdmp-3201-001', body: { location: null } },
    },
    {
      name: 'puskesmas.create',
      call: (c: ClinicClient) =>
        c.puskesmas.create({ id: 'pkm-cibadak', name: 'Puskesmas Cibadak', clinicIds: ['kdmp-3201-001'] }),
      answer: puskesmas,
      expected: {
        method: 'POST',
        path: '/puskesmas',
        body: { id: 'pkm-cibadak', name: 'Puskesmas Cibadak', clinicIds: ['kdmp-3201-001'] },
      },
    },
    {
      name: 'puskesmas.list',
      call: (c: ClinicClient) => c.puskesmas.list().toArray(),
      answer: { data: [puskesmas], nextCursor: null },
      expected: { method: 'GET', path: '/puskesmas' },
      result: [puskesmas],
    },
    {
      name: 'puskesmas.retrieve',
      call: (c: ClinicClient) => c.puskesmas.retrieve('pkm-cibadak'),
      answer: puskesmas,
      expected: { method: 'GET', path: '/puskesmas/pkm-cibadak' },
    },
    {
      name: 'puskesmas.update',
      call: (c: ClinicClient) => c.puskesmas.update('pkm-cibadak', { clinicIds: [] }),
      answer: { ...puskesmas, clinicIds: [] },
      expected: { method: 'PATCH', path: '/puskesmas/pkm-cibadak', body: { clinicIds: [] } },
    },
    {
      name: 'accounts.create',
      call: (c: ClinicClient) =>
        c.accounts.create({
          username: 'bidan.sari',
          displayName: 'Bidan Sari',
          role: 'puskesmas-staff',
          clinics: { puskesmasId: 'pkm-cibadak' },
          password: 'sandi-yang-panjang',
        }),
      answer: account,
      expected: {
        method: 'POST',
        path: '/accounts',
        body: {
          username: 'bidan.sari',
          displayName: 'Bidan Sari',
          role: 'puskesmas-staff',
          clinics: { puskesmasId: 'pkm-cibadak' },
          password: 'sandi-yang-panjang',
        },
      },
    },
    {
      name: 'accounts.list',
      call: (c: ClinicClient) => c.accounts.list({ limit: 10 }).toArray(),
      answer: { data: [account], nextCursor: null },
      expected: { method: 'GET', path: '/accounts', query: '?limit=10' },
      result: [account],
    },
  ])('$name', async ({ call, answer, expected, result }) => {
    tokenEndpoint();
    const seen = recordAll(answer);
    await expect(call(client())).resolves.toEqual(result ?? answer);
    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request).toMatchObject({ query: '', ...expected });
    if (!('body' in expected)) expect(request!.body).toBeUndefined();
    // Every POST but the search changes the record, so it carries an idempotency key.
    expect(request!.idempotencyKey).toBe(request!.method === 'POST' && request!.path !== '/patients/search');
    if (request!.body !== undefined) expect(request!.contentType).toBe('application/json');
  });
});

describe('reports.quarterly', () => {
  it('refuses format csv before sending, pointing to the CSV URL', async () => {
    tokenEndpoint();
    const seen = recordAll(quarterlyReport);
    await expect(client().reports.quarterly({ quarter: '2026-Q4', format: 'csv' })).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      message: expect.stringContaining('format=csv'),
    });
    expect(seen).toEqual([]);
  });
});
