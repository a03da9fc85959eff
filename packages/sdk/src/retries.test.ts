// The shape of the retries: which answers are retried, how long the client asks to wait before
// each retry, and the idempotency key they share. The waits are recorded instead of slept, so
// the delays are checked exactly and the tests take no time; client.test.ts checks that a real
// wait happens and that an abort cuts it short.
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { APIConnectionError, APIConnectionTimeoutError, ClinicClient, InternalServerError } from './index.js';
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

const waits = vi.hoisted(() => [] as number[]);
vi.mock('./internal/sleep.js', () => ({
  sleep: async (ms: number) => {
    waits.push(ms);
  },
}));

beforeAll(() => api.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  api.resetHandlers();
  waits.length = 0;
  vi.restoreAllMocks();
});
afterAll(() => api.close());

const client = (options: { maxRetries?: number } = {}) =>
  new ClinicClient({ baseUrl: BASE, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ...options });

/** GET /patients/{id} answering with `answers` in turn (the last one repeats). */
function patientEndpoint(...answers: (() => Response)[]) {
  const requests: Request[] = [];
  api.use(
    http.get(`${BASE}/patients/:id`, ({ request }) => {
      requests.push(request);
      return answers[Math.min(requests.length - 1, answers.length - 1)]!();
    }),
  );
  return requests;
}

describe('retry delays', () => {
  it('waits exactly what Retry-After-Ms, Retry-After seconds and a Retry-After date say', async () => {
    tokenEndpoint();
    vi.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-11-23T02:00:00Z'));
    patientEndpoint(
      () => apiError(503, 'UNAVAILABLE', 'x', { headers: { 'retry-after-ms': '300', 'retry-after': '9' } }),
      () => apiError(429, 'RATE_LIMITED', 'x', { headers: { 'retry-after': '2' } }),
      () =>
        apiError(503, 'UNAVAILABLE', 'x', { headers: { 'retry-after': 'Mon, 23 Nov 2026 02:00:07 GMT' } }),
      () => HttpResponse.json(patient()),
    );
    await client({ maxRetries: 3 }).patients.retrieve(PATIENT_ID);
    expect(waits).toEqual([300, 2_000, 7_000]);
  });

  it('backs off exponentially from 0.5 s to 8 s, each wait shortened by up to a quarter', async () => {
    tokenEndpoint();
    const requests = patientEndpoint(() => apiError(502, 'BAD_GATEWAY'));
    const random = vi.spyOn(Math, 'random');
    random.mockReturnValue(0);
    await expect(client({ maxRetries: 6 }).patients.retrieve(PATIENT_ID)).rejects.toBeInstanceOf(
      InternalServerError,
    );
    expect(waits).toEqual([500, 1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(requests).toHaveLength(7);
    waits.length = 0;
    random.mockReturnValue(0.999_999);
    await expect(client({ maxRetries: 2 }).patients.retrieve(PATIENT_ID)).rejects.toBeInstanceOf(
      InternalServerError,
    );
    expect(waits).toEqual([375, 750]);
  });

  it('jitters: kiosks failing together do not all come back at once', async () => {
    tokenEndpoint();
    patientEndpoint(() => apiError(503, 'UNAVAILABLE'));
    await Promise.all(
      Array.from({ length: 20 }, () =>
        client({ maxRetries: 1 })
          .patients.retrieve(PATIENT_ID)
          .catch(() => {}),
      ),
    );
    expect(waits).toHaveLength(20);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(375);
    expect(Math.max(...waits)).toBeLessThanOrEqual(500);
    expect(new Set(waits).size).toBeGreaterThan(5);
  });

  it('retries connection errors and timeouts with backoff, then throws the last', async () => {
    tokenEndpoint();
    const requests = patientEndpoint(() => HttpResponse.error());
    const error = await client({ maxRetries: 2 })
      .patients.retrieve(PATIENT_ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).not.toBeInstanceOf(APIConnectionTimeoutError);
    expect(error).toMatchObject({ code: 'CONNECTION_ERROR', retryable: true });
    expect(requests).toHaveLength(3);
    expect(waits).toHaveLength(2);

    const recovers = patientEndpoint(
      () => HttpResponse.error(),
      () => HttpResponse.json(patient()),
    );
    await expect(client().patients.retrieve(PATIENT_ID)).resolves.toMatchObject({ id: PATIENT_ID });
    expect(recovers).toHaveLength(2);
  });

  it('does not retry a 401 as a retry: it gets a new token once, without waiting', async () => {
    const tokens = tokenEndpoint();
    patientEndpoint(
      () => apiError(401, 'UNAUTHENTICATED'),
      () => HttpResponse.json(patient()),
    );
    await client({ maxRetries: 0 }).patients.retrieve(PATIENT_ID);
    expect(tokens.issued).toEqual(['tok-1', 'tok-2']);
    expect(waits).toEqual([]);
  });
});

describe('idempotency keys', () => {
  it('sends one Idempotency-Key per POST call, the same on each of its retries', async () => {
    tokenEndpoint();
    const requests: Request[] = [];
    const answers = [
      () => HttpResponse.error(),
      () => apiError(503, 'UNAVAILABLE'),
      () => HttpResponse.json(patient(), { status: 201 }),
    ];
    api.use(
      http.post(`${BASE}/patients`, ({ request }) => {
        requests.push(request.clone());
        return answers[Math.min(requests.length - 1, 2)]!();
      }),
    );
    const body = { nik: VALID_NIK, name: 'Siti Rahayu', birthDate: '1990-08-17', sex: 'female' } as const;
    const c = client();
    await c.patients.create(body);
    await c.patients.create(body);
    await c.patients.create(body, { idempotencyKey: 'reading-0197-abc' });
    const keys = requests.map((r) => r.headers.get('idempotency-key'));
    expect(keys).toHaveLength(5);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).toBe(keys[0]);
    expect(keys[3]).not.toBe(keys[0]);
    expect(keys[4]).toBe('reading-0197-abc');
    const bodies = await Promise.all(requests.map((r) => r.text()));
    expect(new Set(bodies).size).toBe(1);
  });
});
