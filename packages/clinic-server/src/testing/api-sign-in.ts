import { ApiError, TokenResponse } from '@klinik-desa/protocol';
import pino from 'pino';
import { expect } from 'vitest';
import { type ApiApp, type ApiOptions, buildApi } from '../api/app.js';
import { EVERY_CLINIC } from '../domain/access.js';
import { hashSecret } from '../domain/secrets.js';
import { Metrics } from '../metrics.js';
import type { SqlClinicStore } from '../store/sql-store.js';

/** Signs a client in at an API built in the test (`client_credentials`, injected): its bearer token. */
export async function signIn(app: ApiApp, clientId: string, secret: string, scope?: string): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: secret,
  });
  if (scope) form.set('scope', scope);
  const r = await app.inject({
    method: 'POST',
    url: '/oauth2/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: form.toString(),
  });
  expect(r.statusCode, r.body).toBe(200);
  return TokenResponse.parse(r.json()).access_token;
}

/** Makes an administrator or partner acting for `clinics` (secret `<id>-secret`) and signs it in. */
export async function signedInClient(
  app: ApiApp,
  store: SqlClinicStore,
  role: 'admin' | 'partner',
  id: string,
  clinics: readonly string[] | '*',
): Promise<string> {
  await store.createClient({
    id,
    role,
    name: id,
    secretHash: hashSecret(`${id}-secret`),
    clinicId: null,
    kioskId: null,
    access: clinics === '*' ? EVERY_CLINIC : { all: false, clinicIds: [...clinics] },
    createdAt: new Date().toISOString(),
  });
  return signIn(app, id, `${id}-secret`);
}

/**
 * The API over `store` as the route tests build it: silent log, no rate limits, every answer
 * checked against its schema; `overrides` for what a test sets itself.
 */
export function buildTestApi(store: SqlClinicStore, overrides: Partial<ApiOptions> = {}): Promise<ApiApp> {
  return buildApi({
    store,
    log: pino({ level: 'silent' }),
    metrics: new Metrics(),
    readiness: async () => ({ store: 'ok', broker: 'ok' }),
    rateLimit: false,
    validateResponses: true,
    ...overrides,
  });
}

/** One request to an API built in the test, as `bearer` (none: unauthenticated). */
export function callApi(
  app: ApiApp,
  bearer: string | undefined,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method,
    url,
    headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...headers },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

/** An error answer in the ApiError shape with this status and code, and a request id: its body. */
export function expectApiError(r: { statusCode: number; json(): unknown }, status: number, code: string) {
  expect(r.statusCode, JSON.stringify(r.json())).toBe(status);
  const body = ApiError.parse(r.json());
  expect(body.code).toBe(code);
  expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
  return body;
}
