// msw helpers for the unit tests: a token endpoint that counts what it issues, and answers in the
// API's shapes. Each test adds the handlers it needs with `api.use(...)`.
import type { Observation, Patient, PractitionerRecord, Referral, Screening } from '@klinik-desa/protocol';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';

export const BASE = 'http://clinic.test';
export const CLIENT_ID = 'partner.0197';
export const CLIENT_SECRET = 's3cret-never-in-logs';

export const api = setupServer();

export interface TokenLog {
  /** Tokens issued, in order: tok-1, tok-2... */
  issued: string[];
  /** The form bodies of the token requests. */
  forms: URLSearchParams[];
}

/** A token endpoint issuing `tok-1`, `tok-2`... each valid for `expiresIn` seconds. */
export function tokenEndpoint(expiresIn = 3600): TokenLog {
  const log: TokenLog = { issued: [], forms: [] };
  api.use(
    http.post(`${BASE}/oauth2/token`, async ({ request }) => {
      const form = new URLSearchParams(await request.text());
      log.forms.push(form);
      if (form.get('client_secret') !== CLIENT_SECRET) {
        return HttpResponse.json(
          {
            error: 'invalid_client',
            error_description: 'unknown client or wrong secret',
            code: 'INVALID_CLIENT',
            message: 'unknown client or wrong secret',
            requestId: 'req-token',
          },
          { status: 401 },
        );
      }
      const token = `tok-${log.issued.length + 1}`;
      log.issued.push(token);
      return HttpResponse.json({
        access_token: token,
        token_type: 'Bearer',
        expires_in: expiresIn,
        scope: form.get('scope') ?? 'patient.read patient.write',
      });
    }),
  );
  return log;
}

export function apiError(
  status: number,
  code: string,
  message = code.toLowerCase(),
  init: ResponseInit = {},
) {
  return HttpResponse.json(
    { code, message, requestId: `req-${status}` },
    {
      ...init,
      status,
      headers: { 'x-request-id': `req-${status}`, ...(init.headers as Record<string, string>) },
    },
  );
}

export const PATIENT_ID = '0197a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
export const SCREENING_ID = '0197a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c';
export const READING_ID = '0197a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d';
export const REFERRAL_ID = '0197a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5e';
export const PRACTITIONER_ID = '0197a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60';
export const VALID_NIK = '3201015708900002';

export function patient(overrides: Partial<Patient> = {}): Patient {
  return {
    id: PATIENT_ID,
    nik: VALID_NIK,
    name: 'Siti Rahayu',
    birthDate: '1990-08-17',
    sex: 'female',
    ihsNumber: null,
    createdAt: '2026-11-23T02:00:00.000Z',
    ...overrides,
  };
}

/** A health worker registered by NIK, whose IHS number the clinic has not looked up yet. */
export function practitioner(overrides: Partial<PractitionerRecord> = {}): PractitionerRecord {
  return {
    id: PRACTITIONER_ID,
    clinicId: 'kdmp-3201-001',
    name: 'Bidan Sari Wulandari',
    nik: VALID_NIK,
    ihsNumber: null,
    active: true,
    createdAt: '2026-11-23T01:00:00.000Z',
    updatedAt: '2026-11-23T01:00:00.000Z',
    ...overrides,
  };
}

export function screening(overrides: Partial<Screening> = {}): Screening {
  return {
    id: SCREENING_ID,
    patientId: PATIENT_ID,
    clinicId: 'kdmp-3201-001',
    kioskId: 'kiosk-1',
    status: 'open',
    practitioner: null,
    practitionerId: null,
    openedAt: '2026-11-23T02:00:00.000Z',
    finishedAt: null,
    severity: 'normal',
    forwarding: {
      status: 'not-sent',
      attempts: 0,
      lastAttemptAt: null,
      nextAttemptAt: null,
      sentAt: null,
      httpStatus: null,
      outcome: null,
    },
    ...overrides,
  };
}

export function observation(n: number): Observation {
  return {
    id: `${READING_ID}.systolic${n}`,
    readingId: READING_ID,
    screeningId: SCREENING_ID,
    patientId: PATIENT_ID,
    clinicId: 'kdmp-3201-001',
    kioskId: 'kiosk-1',
    kind: 'blood-pressure',
    name: 'systolic',
    code: '8480-6',
    value: 120 + n,
    unit: 'mm[Hg]',
    absentReason: null,
    measuredAt: '2026-11-23T02:05:00.000Z',
    source: 'device',
    flags: [],
  };
}

export function referral(overrides: Partial<Referral> = {}): Referral {
  return {
    id: REFERRAL_ID,
    readingId: READING_ID,
    screeningId: SCREENING_ID,
    patientId: PATIENT_ID,
    clinicId: 'kdmp-3201-001',
    kioskId: 'kiosk-1',
    severity: 'urgent',
    flag: { code: 'bp.grade-3', severity: 'urgent', value: 'systolic' },
    status: 'open',
    createdAt: '2026-11-23T02:05:00.000Z',
    acknowledgedAt: null,
    acknowledgedBy: null,
    note: null,
    ...overrides,
  };
}
