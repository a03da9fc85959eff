import { ApiError } from '@klinik-desa/protocol';
import pino from 'pino';
import { expect } from 'vitest';
import { type ApiApp, type ApiOptions, buildApi } from '../api/app.js';
import { Metrics } from '../metrics.js';
import type { SqlClinicStore } from '../store/sql-store.js';
import { openSqliteStore } from '../store/sqlite-store.js';

/**
 * A clinic API over a fresh in-memory record, as route tests use it: quiet, no request limits,
 * every answer checked against its schema. `close` ends both.
 */
export async function routeTestApi(
  overrides: Partial<ApiOptions> = {},
): Promise<{ store: SqlClinicStore; app: ApiApp; close(): Promise<void> }> {
  const store = openSqliteStore(':memory:');
  const app = await buildApi({
    store,
    log: pino({ level: 'silent' }),
    metrics: new Metrics(),
    readiness: async () => ({ store: 'ok', broker: 'ok' }),
    rateLimit: false,
    validateResponses: true,
    ...overrides,
  });
  return {
    store,
    app,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** The answer is the API's error with this status and code. */
export function expectApiError(r: { statusCode: number; json(): unknown }, status: number, code: string) {
  expect(r.statusCode, JSON.stringify(r.json())).toBe(status);
  expect(ApiError.parse(r.json()).code).toBe(code);
}
