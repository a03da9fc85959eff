import type { IdempotencyBegin } from './records.js';
import type { SqlExecutor } from './sql.js';

/** Idempotency keys: a client's retried write answers what the first attempt answered. */
export interface IdempotencyStore {
  beginIdempotent(
    clientId: string,
    key: string,
    fingerprint: { method: string; path: string; bodyHash: string },
    at: string,
  ): Promise<IdempotencyBegin>;
  completeIdempotent(clientId: string, key: string, statusCode: number, response: string): Promise<void>;
  abandonIdempotent(clientId: string, key: string): Promise<void>;
}

export class SqlIdempotencyStore implements IdempotencyStore {
  constructor(private readonly db: SqlExecutor) {}

  async beginIdempotent(
    clientId: string,
    key: string,
    f: { method: string; path: string; bodyHash: string },
    at: string,
  ) {
    const inserted = await this.db.run(
      `INSERT INTO idempotency_keys (client_id, key, method, path, body_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
      [clientId, key, f.method, f.path, f.bodyHash, at],
    );
    if (inserted === 1) return { state: 'new' as const };
    const row = await this.db.get<{
      method: string;
      path: string;
      body_hash: string;
      status_code: number | null;
      response: string | null;
    }>(
      'SELECT method, path, body_hash, status_code, response FROM idempotency_keys WHERE client_id = ? AND key = ?',
      [clientId, key],
    );
    // Deleted between the two statements (an abandoned attempt): the caller may try again.
    if (!row) return { state: 'in-progress' as const };
    if (row.method !== f.method || row.path !== f.path || row.body_hash !== f.bodyHash) {
      return { state: 'mismatch' as const };
    }
    if (row.status_code === null || row.response === null) return { state: 'in-progress' as const };
    return { state: 'replay' as const, statusCode: Number(row.status_code), response: row.response };
  }

  async completeIdempotent(clientId: string, key: string, statusCode: number, response: string) {
    await this.db.run(
      'UPDATE idempotency_keys SET status_code = ?, response = ? WHERE client_id = ? AND key = ?',
      [statusCode, response, clientId, key],
    );
  }

  async abandonIdempotent(clientId: string, key: string) {
    await this.db.run('DELETE FROM idempotency_keys WHERE client_id = ? AND key = ?', [clientId, key]);
  }
}
