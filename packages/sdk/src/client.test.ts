import { inspect } from 'node:util';
import { delay, HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  ClinicClient,
  ConflictError,
  InternalServerError,
  InvalidArgumentError,
  KlinikDesaError,
  NotFoundError,
  RateLimitError,
  ResponseValidationError,
  UnprocessableEntityError,
} from './index.js';
import { ClinicClient as LiteClinicClient } from './lite.js';
import {
  api,
  apiError,
  BASE,
  CLIENT_ID,
  CLIENT_SECRET,
  PATIENT_ID,
  patient,
  tokenEndpoint,
  VALID_NIK,
} from './testing/mock-api.js';

beforeAll(() => api.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  api.resetHandlers();
  vi.useRealTimers();
});
afterAll(() => api.close());

function client(options: Partial<ConstructorParameters<typeof ClinicClient>[0]> = {}) {
  return new ClinicClient({ baseUrl: BASE, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ...options });
}

/** GET /patients/{id} answering with `answers` in turn (the last one repeats), recording requests. */
function patientEndpoint(...answers: (() => Response | Promise<Response>)[]) {
  const requests: Request[] = [];
  api.use(
    http.get(`${BASE}/patients/:id`, ({ request }) => {
      requests.push(request.clone());
      const answer = answers[Math.min(requests.length - 1, answers.length - 1)]!;
      return answer();
    }),
  );
  return requests;
}

/** POST /patients answering with `answers` in turn, recording requests. */
function createEndpoint(...answers: (() => Response | Promise<Response>)[]) {
  const requests: Request[] = [];
  api.use(
    http.post(`${BASE}/patients`, ({ request }) => {
      requests.push(request.clone());
      const answer = answers[Math.min(requests.length - 1, answers.length - 1)]!;
      return answer();
    }),
  );
  return requests;
}

const ok = () => HttpResponse.json(patient());
const NEW_PATIENT = { nik: VALID_NIK, name: 'Siti Rahayu', birthDate: '1990-08-17', sex: 'female' } as const;

describe('OAuth2 token', () => {
  it('is fetched lazily on the first call, with the client credentials and scope, and cached', async () => {
    const tokens = tokenEndpoint();
    const requests = patientEndpoint(ok);
    const c = client({ scope: ['patient.read', 'screening.read'] });
    expect(tokens.issued).toEqual([]);
    await c.patients.retrieve(PATIENT_ID);
    await c.patients.retrieve(PATIENT_ID);
    expect(tokens.issued).toEqual(['tok-1']);
    expect(Object.fromEntries(tokens.forms[0]!)).toEqual({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      scope: 'patient.read screening.read',
    });
    expect(requests.map((r) => r.headers.get('authorization'))).toEqual(['Bearer tok-1', 'Bearer tok-1']);
  });

  it('is requested once for many concurrent first calls', async () => {
    const tokens = tokenEndpoint();
    patientEndpoint(ok);
    const c = client();
    await Promise.all(Array.from({ length: 5 }, () => c.patients.retrieve(PATIENT_ID)));
    expect(tokens.issued).toEqual(['tok-1']);
  });

  it('is renewed shortly before it expires, without waiting for a 401', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-23T02:00:00Z'));
    const tokens = tokenEndpoint(600);
    const requests = patientEndpoint(ok);
    const c = client();
    await c.patients.retrieve(PATIENT_ID);
    // 600 s token: renewed in its last tenth (60 s), not before.
    vi.setSystemTime(new Date('2026-11-23T02:08:59Z'));
    await c.patients.retrieve(PATIENT_ID);
    vi.setSystemTime(new Date('2026-11-23T02:09:01Z'));
    await c.patients.retrieve(PATIENT_ID);
    expect(tokens.issued).toEqual(['tok-1', 'tok-2']);
    expect(requests.map((r) => r.headers.get('authorization'))).toEqual([
      'Bearer tok-1',
      'Bearer tok-1',
      'Bearer tok-2',
    ]);
  });

  it('is fetched again once when the server refuses it, and the call goes through', async () => {
    const tokens = tokenEndpoint();
    const requests = patientEndpoint(() => apiError(401, 'UNAUTHENTICATED'), ok);
    await expect(client({ maxRetries: 0 }).patients.retrieve(PATIENT_ID)).resolves.toMatchObject({
      id: PATIENT_ID,
    });
    expect(tokens.issued).toEqual(['tok-1', 'tok-2']);
    expect(requests.map((r) => r.headers.get('authorization'))).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });

  it('is refreshed only once per call: a second 401 is an AuthenticationError', async () => {
    const tokens = tokenEndpoint();
    const requests = patientEndpoint(() => apiError(401, 'UNAUTHENTICATED'));
    const error = await client()
      .patients.retrieve(PATIENT_ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', requestId: 'req-401' });
    expect(requests).toHaveLength(2);
    expect(tokens.issued).toHaveLength(2);
  });

  it('fails with AuthenticationError INVALID_CLIENT for a wrong secret, without retrying', async () => {
    const tokens = tokenEndpoint();
    const requests = patientEndpoint(ok);
    const error = await client({ clientSecret: 'wrong' })
      .patients.retrieve(PATIENT_ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).code).toBe('INVALID_CLIENT');
    expect(tokens.forms).toHaveLength(1);
    expect(requests).toHaveLength(0);
  });

  it('never shows the secret or the token in logs, errors, inspect or JSON', async () => {
    tokenEndpoint();
    patientEndpoint(() => apiError(503, 'UNAVAILABLE', 'try later', { headers: { 'retry-after': '0' } }));
    const lines: string[] = [];
    const logger = { debug: (m: string) => lines.push(m), warn: (m: string) => lines.push(m) };
    const c = client({ logger });
    const error = await c.patients.retrieve(PATIENT_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(lines.length).toBeGreaterThan(3);
    const everything = [
      ...lines,
      inspect(c, { depth: 5, showHidden: true }),
      JSON.stringify(c),
      inspect(error, { depth: 5 }),
      JSON.stringify(error),
    ].join('\n');
    expect(everything).toContain('GET /patients/{id}');
    expect(everything).not.toContain(CLIENT_SECRET);
    expect(everything).not.toContain('tok-1');
  });
});

describe('retries', () => {
  it('retries a 503 and a 500, then returns the answer', async () => {
    tokenEndpoint();
    const requests = patientEndpoint(
      () => apiError(503, 'UNAVAILABLE', 'down', { headers: { 'retry-after': '0' } }),
      () => apiError(500, 'INTERNAL', 'oops', { headers: { 'retry-after': '0' } }),
      ok,
    );
    await expect(client().patients.retrieve(PATIENT_ID)).resolves.toMatchObject({ name: 'Siti Rahayu' });
    expect(requests).toHaveLength(3);
  });

  it('waits as long as Retry-After says before retrying a 429', async () => {
    tokenEndpoint();
    const at: number[] = [];
    patientEndpoint(
      () => {
        at.push(performance.now());
        return apiError(429, 'RATE_LIMITED', 'slow down', { headers: { 'retry-after': '1' } });
      },
      () => {
        at.push(performance.now());
        return ok();
      },
    );
    await client().patients.retrieve(PATIENT_ID);
    // The real wait (retries.test.ts checks the exact delays asked for, without waiting).
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(950);
    expect(at[1]! - at[0]!).toBeLessThan(5_000);
  });

  it('does not wait out a Retry-After over a minute: the RateLimitError says how long', async () => {
    tokenEndpoint();
    const requests = patientEndpoint(() =>
      apiError(429, 'RATE_LIMITED', 'quota', { headers: { 'retry-after': '120' } }),
    );
    const error = await client()
      .patients.retrieve(PATIENT_ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(120_000);
    expect((error as RateLimitError).retryable).toBe(true);
    expect(requests).toHaveLength(1);
  });

  it('stops after maxRetries (default 2, per call 0) and throws the last error', async () => {
    tokenEndpoint();
    const requests = patientEndpoint(() =>
      apiError(503, 'UNAVAILABLE', 'down', { headers: { 'retry-after': '0' } }),
    );
    await expect(client().patients.retrieve(PATIENT_ID)).rejects.toBeInstanceOf(InternalServerError);
    expect(requests).toHaveLength(3);
    await expect(client().patients.retrieve(PATIENT_ID, { maxRetries: 0 })).rejects.toMatchObject({
      status: 503,
      code: 'UNAVAILABLE',
    });
    expect(requests).toHaveLength(4);
    await expect(client({ maxRetries: 4 }).patients.retrieve(PATIENT_ID)).rejects.toThrow(/503 UNAVAILABLE/);
    expect(requests).toHaveLength(9);
  });

  it('retries 408 and a 409 IDEMPOTENCY_IN_PROGRESS, but not a 409 about the record, nor a 400', async () => {
    tokenEndpoint();
    const retried = createEndpoint(
      () => apiError(408, 'REQUEST_TIMEOUT', 'x', { headers: { 'retry-after': '0' } }),
      () => apiError(409, 'IDEMPOTENCY_IN_PROGRESS', 'x', { headers: { 'retry-after': '0' } }),
      () => HttpResponse.json(patient(), { status: 201 }),
    );
    await client().patients.create(NEW_PATIENT);
    expect(retried).toHaveLength(3);

    api.resetHandlers();
    tokenEndpoint();
    const conflict = createEndpoint(() => apiError(409, 'PATIENT_EXISTS', 'registered already'));
    const error = await client()
      .patients.create(NEW_PATIENT)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).retryable).toBe(false);
    expect(conflict).toHaveLength(1);

    const bad = patientEndpoint(() => apiError(400, 'BAD_REQUEST'));
    await expect(client().patients.retrieve(PATIENT_ID)).rejects.toMatchObject({ status: 400 });
    expect(bad).toHaveLength(1);
  });

  it('sends no Idempotency-Key on reads (GET, and the search POST)', async () => {
    tokenEndpoint();
    const requests = patientEndpoint(ok);
    const searches: Request[] = [];
    api.use(
      http.post(`${BASE}/patients/search`, ({ request }) => {
        searches.push(request);
        return HttpResponse.json({ data: [patient()], nextCursor: null });
      }),
    );
    const c = client();
    await c.patients.retrieve(PATIENT_ID);
    await c.patients.findByNik(VALID_NIK);
    expect(requests[0]!.headers.has('idempotency-key')).toBe(false);
    expect(searches[0]!.headers.has('idempotency-key')).toBe(false);
  });
});

describe('timeout and abort', () => {
  it('times out an attempt that takes too long, retrying it first', async () => {
    tokenEndpoint();
    const requests = patientEndpoint(async () => {
      await delay(2_000);
      return ok();
    });
    const started = performance.now();
    const error = await client({ maxRetries: 0 })
      .patients.retrieve(PATIENT_ID, { timeout: 100 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as KlinikDesaError).code).toBe('TIMEOUT');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(requests).toHaveLength(1);

    await expect(
      client({ timeout: 100 }).patients.retrieve(PATIENT_ID, { maxRetries: 1 }),
    ).rejects.toBeInstanceOf(APIConnectionTimeoutError);
    expect(requests).toHaveLength(3);
  });

  it('counts the time to read the body, not only the headers', async () => {
    tokenEndpoint();
    patientEndpoint(() => {
      const body = new ReadableStream({
        async start(controller) {
          controller.enqueue(new TextEncoder().encode('{"id":'));
          await delay(1_000);
          controller.close();
        },
      });
      return new HttpResponse(body, { headers: { 'content-type': 'application/json' } });
    });
    await expect(
      client({ maxRetries: 0, timeout: 150 }).patients.retrieve(PATIENT_ID),
    ).rejects.toBeInstanceOf(APIConnectionTimeoutError);
  });

  it('aborts a request in flight when the signal fires, without retrying', async () => {
    tokenEndpoint();
    const requests = patientEndpoint(async () => {
      await delay(2_000);
      return ok();
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    const error = await client()
      .patients.retrieve(PATIENT_ID, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect((error as APIUserAbortError).code).toBe('ABORTED');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(requests).toHaveLength(1);
  });

  it('aborts while waiting to retry, and sends nothing when already aborted', async () => {
    tokenEndpoint();
    const requests = patientEndpoint(() =>
      apiError(503, 'UNAVAILABLE', 'x', { headers: { 'retry-after': '30' } }),
    );
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    await expect(
      client().patients.retrieve(PATIENT_ID, { signal: controller.signal }),
    ).rejects.toBeInstanceOf(APIUserAbortError);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(requests).toHaveLength(1);

    await expect(
      client().patients.retrieve(PATIENT_ID, { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(APIUserAbortError);
    expect(requests).toHaveLength(1);
  });
});

describe('errors', () => {
  it('gives a 404 as NotFoundError with status, code, requestId, headers and body', async () => {
    tokenEndpoint();
    patientEndpoint(() => apiError(404, 'NOT_FOUND', `no patient with id "${PATIENT_ID}"`));
    const error = await client()
      .patients.retrieve(PATIENT_ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toBeInstanceOf(KlinikDesaError);
    expect(error).toBeInstanceOf(Error);
    const e = error as NotFoundError;
    expect(e).toMatchObject({ status: 404, code: 'NOT_FOUND', requestId: 'req-404', name: 'NotFoundError' });
    expect(e.headers.get('x-request-id')).toBe('req-404');
    expect(e.body).toMatchObject({ code: 'NOT_FOUND' });
    expect(e.message).toBe(
      `404 NOT_FOUND: no patient with id "${PATIENT_ID}" (GET /patients/{id}, requestId req-404)`,
    );
  });

  it('gives a 422 IDEMPOTENCY_KEY_REUSED as UnprocessableEntityError', async () => {
    tokenEndpoint();
    createEndpoint(() => apiError(422, 'IDEMPOTENCY_KEY_REUSED'));
    await expect(client().patients.create(NEW_PATIENT, { idempotencyKey: 'k' })).rejects.toBeInstanceOf(
      UnprocessableEntityError,
    );
  });

  it('keeps a body that is not JSON (a proxy page) as text', async () => {
    tokenEndpoint();
    patientEndpoint(() => new HttpResponse('<html>Bad Gateway</html>', { status: 502 }));
    const error = (await client({ maxRetries: 0 })
      .patients.retrieve(PATIENT_ID)
      .catch((e: unknown) => e)) as APIError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.code).toBe('API_ERROR');
    expect(error.body).toBe('<html>Bad Gateway</html>');
  });
});

describe('NIK check before sending', () => {
  it.each([
    ['3201011205800', 'exactly 16 digits'],
    ['0101011205800001', 'province code'],
    ['3201019905800001', 'birth date'],
    ['3201011205800000', 'serial number'],
  ])('refuses %s without a request, and without the digits in the message', async (nik, why) => {
    const tokens = tokenEndpoint();
    const c = client();
    for (const call of [
      () => c.patients.create({ ...NEW_PATIENT, nik }),
      () => c.patients.search({ nik }).firstPage(),
      () => c.patients.findByNik(nik),
      () => c.practitioners.create({ clinicId: 'kdmp-3201-001', name: 'Bidan Sari', nik }),
      () => c.practitioners.update('0197a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5f', { nik }),
    ]) {
      let error: unknown;
      try {
        await call();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ code: 'INVALID_NIK', field: 'nik' });
      expect((error as Error).message).toContain(why);
      expect((error as Error).message).not.toContain(nik);
    }
    expect(tokens.forms).toHaveLength(0);
  });
});

describe('response validation', () => {
  it('names the field when the server sends something unexpected, without its value', async () => {
    tokenEndpoint();
    patientEndpoint(() => HttpResponse.json(patient({ birthDate: '17/08/1990', sex: 'f' as 'female' })));
    const error = await client()
      .patients.retrieve(PATIENT_ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    const e = error as ResponseValidationError;
    expect(e.code).toBe('RESPONSE_VALIDATION');
    expect(e.field).toBe('birthDate');
    expect(e.issues.map((i) => i.path)).toEqual(['birthDate', 'sex']);
    expect(e.message).toMatch(
      /^GET \/patients\/\{id\}: the server's answer is not a valid Patient: birthDate: /,
    );
    expect(e.message).not.toContain('17/08/1990');
  });

  it('names the item of a page at fault', async () => {
    tokenEndpoint();
    api.use(
      http.post(`${BASE}/patients/search`, () =>
        HttpResponse.json({ data: [patient(), patient({ id: 'not-a-uuid' })], nextCursor: null }),
      ),
    );
    await expect(client().patients.findByNik(VALID_NIK)).rejects.toMatchObject({
      name: 'ResponseValidationError',
      field: 'data.1.id',
    });
  });

  it('lets through a field this SDK does not know yet (the server may add fields)', async () => {
    tokenEndpoint();
    patientEndpoint(() => HttpResponse.json({ ...patient(), bloodType: 'O' }));
    await expect(client().patients.retrieve(PATIENT_ID)).resolves.toMatchObject({ bloodType: 'O' });
  });

  it('is skipped with validate: false, and by the lite client unless given a validator', async () => {
    tokenEndpoint();
    patientEndpoint(() => HttpResponse.json({ ...patient(), birthDate: 'yesterday' }));
    const options = { baseUrl: BASE, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
    expect(client({ validate: false }).validatesResponses).toBe(false);
    await expect(client({ validate: false }).patients.retrieve(PATIENT_ID)).resolves.toMatchObject({
      birthDate: 'yesterday',
    });
    const lite = new LiteClinicClient(options);
    expect(lite.validatesResponses).toBe(false);
    await expect(lite.patients.retrieve(PATIENT_ID)).resolves.toMatchObject({ birthDate: 'yesterday' });
    const { protocolValidator } = await import('./validate.js');
    await expect(
      new LiteClinicClient({ ...options, validate: protocolValidator }).patients.retrieve(PATIENT_ID),
    ).rejects.toBeInstanceOf(ResponseValidationError);
  });

  it('refuses a 2xx answer that is not JSON even without validation', async () => {
    tokenEndpoint();
    patientEndpoint(() => new HttpResponse('<html>captive portal</html>', { status: 200 }));
    await expect(client({ validate: false }).patients.retrieve(PATIENT_ID)).rejects.toMatchObject({
      name: 'ResponseValidationError',
      message: expect.stringContaining('expected JSON'),
    });
  });
});

describe('client options', () => {
  it('sends with an injected fetch, default headers and per-call headers', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const fetch = async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      if (url.endsWith('/oauth2/token')) {
        return Response.json({ access_token: 'tok-x', token_type: 'Bearer', expires_in: 60, scope: '' });
      }
      return Response.json(patient());
    };
    const c = client({
      baseUrl: 'https://klinik.example.id/',
      fetch,
      defaultHeaders: { 'x-app': 'dashboard' },
    });
    await c.patients.retrieve(PATIENT_ID, { headers: { 'x-trace': 'abc' } });
    expect(calls.map((c) => c.url)).toEqual([
      'https://klinik.example.id/oauth2/token',
      `https://klinik.example.id/patients/${PATIENT_ID}`,
    ]);
    expect(calls[1]!.init.headers).toMatchObject({
      accept: 'application/json',
      authorization: 'Bearer tok-x',
      'x-app': 'dashboard',
      'x-trace': 'abc',
    });
  });

  it('refuses bad options at once, naming them', () => {
    expect(() => client({ baseUrl: 'klinik.local' })).toThrow(InvalidArgumentError);
    expect(() => client({ baseUrl: 'klinik.local' })).toThrow(/^baseUrl: /);
    expect(() => client({ clientSecret: '' })).toThrow(/^clientSecret: /);
    expect(() => client({ maxRetries: -1 })).toThrow(/^maxRetries: /);
    expect(() => client({ timeout: 0 })).toThrow(/^timeout: /);
  });

  it('escapes path parameters and refuses empty ones', async () => {
    tokenEndpoint();
    const requests = patientEndpoint(() => apiError(404, 'NOT_FOUND'));
    const c = client();
    await expect(c.patients.retrieve('a/b?c')).rejects.toBeInstanceOf(NotFoundError);
    expect(new URL(requests[0]!.url).pathname).toBe('/patients/a%2Fb%3Fc');
    await expect(c.patients.retrieve('')).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
