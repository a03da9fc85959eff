import type { ApiApp, ApiOptions } from '../api/app.js';
import type { SqlClinicStore } from '../store/sql-store.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { buildTestApi } from './api-sign-in.js';

export { expectApiError } from './api-sign-in.js';

/** A clinic API over a fresh in-memory record, as route tests use it. `close` ends both. */
export async function routeTestApi(
  overrides: Partial<ApiOptions> = {},
): Promise<{ store: SqlClinicStore; app: ApiApp; close(): Promise<void> }> {
  const store = openSqliteStore(':memory:');
  const app = await buildTestApi(store, overrides);
  return {
    store,
    app,
    async close() {
      await app.close();
      await store.close();
    },
  };
}
