import { ConfigError } from '../errors.js';
import { openPgExecutor } from './sql.js';
import { SqlClinicStore } from './sql-store.js';
import { openSqliteStore } from './sqlite-store.js';

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//.test(db);
}

/** The clinic record at a PostgreSQL URL; migrations run before it is returned. */
export async function openPostgresStore(
  url: string,
  options: { poolSize?: number } = {},
): Promise<SqlClinicStore> {
  const { executor, pool } = openPgExecutor(
    url,
    options.poolSize !== undefined ? { max: options.poolSize } : {},
  );
  // An idle client that loses its server emits 'error' on the pool; unhandled, it would end the
  // process. The next query reports the problem instead, and /readyz shows it.
  pool.on('error', () => undefined);
  const store = new SqlClinicStore(executor);
  try {
    await store.migrate();
  } catch (error) {
    await pool.end().catch(() => undefined);
    const code = (error as { code?: string }).code;
    if (code === 'ECONNREFUSED' || code === '3D000' || code === '28P01' || code === '28000') {
      throw new ConfigError(
        'DB_UNREACHABLE',
        `cannot open the PostgreSQL database: ${(error as Error).message}`,
      );
    }
    throw error;
  }
  return store;
}

/** `--db`: a postgres:// URL opens PostgreSQL, anything else is a SQLite file path. */
export async function openStore(db: string, options: { readonly?: boolean } = {}): Promise<SqlClinicStore> {
  return isPostgresUrl(db) ? openPostgresStore(db) : openSqliteStore(db, options);
}
