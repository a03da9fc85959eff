/**
 * The clinic record as a whole cannot do what was asked right now: its disk is full, its file is
 * read-only or failing, its server is gone or shutting down. Nothing is wrong with the data asked
 * to be kept, and the same request succeeds once the trouble is over, so no caller may turn this
 * into a refusal of that data (ingest answers no receipt, the API answers 503).
 *
 * Raised only by the SQL executors (sql.ts), which tell it from the database's own error: a probe
 * such as `SELECT 1` says nothing, since a full disk still answers reads.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly code = 'STORE_UNAVAILABLE';
  readonly retryable = true;

  constructor(
    /** The database's own code: `SQLITE_FULL`, `SQLITE_IOERR_WRITE`, `53100`, `25006`, `ECONNREFUSED`... */
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * SQLite primary codes that name the store, not the statement. BUSY and LOCKED reach us only after
 * `busy_timeout` has run out; better-sqlite3 reports extended codes (`SQLITE_IOERR_FSYNC`,
 * `SQLITE_READONLY_DBMOVED`), matched here by their primary part.
 */
const SQLITE_STORE_WIDE = [
  'SQLITE_FULL',
  'SQLITE_IOERR',
  'SQLITE_READONLY',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
  'SQLITE_NOMEM',
];

/**
 * PostgreSQL SQLSTATE classes and codes that name the server, not the statement: 53 insufficient
 * resources (53100 disk full, 53200 out of memory, 53300 too many connections), 08 connection,
 * 57P01–57P03 shutdown and not yet accepting, 58 system error (I/O), 25006 read-only transaction,
 * 40001 and 40P01 a serialization failure or deadlock between concurrent writers, 55P03 a lock
 * not available in time.
 */
const PG_STORE_WIDE_CLASSES = ['53', '08', '58'];
const PG_STORE_WIDE_CODES = new Set(['57P01', '57P02', '57P03', '25006', '40001', '40P01', '55P03']);

/** The client cannot reach the server at all (pg passes Node's socket errors through). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
const PG_CONNECTION_LOST = /Connection terminated|Client has encountered a connection error|pool is ended/i;

/** The reason code when `error` is a store-wide failure, else undefined (the statement's own fault). */
export function storeWideReason(error: unknown): string | undefined {
  if (error instanceof StoreUnavailableError) return error.reason;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (code.startsWith('SQLITE_')) {
      return SQLITE_STORE_WIDE.some((c) => code === c || code.startsWith(`${c}_`)) ? code : undefined;
    }
    if (NETWORK_CODES.has(code)) return code;
    if (/^[0-9A-Z]{5}$/.test(code)) {
      return PG_STORE_WIDE_CODES.has(code) || PG_STORE_WIDE_CLASSES.includes(code.slice(0, 2))
        ? code
        : undefined;
    }
    return undefined;
  }
  const message = (error as Error | null)?.message ?? '';
  return PG_CONNECTION_LOST.test(message) ? 'CONNECTION_LOST' : undefined;
}

/** `error` as a StoreUnavailableError when it is store-wide; otherwise `error` itself, untouched. */
export function classifyStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  const reason = storeWideReason(error);
  if (reason === undefined) return error;
  return new StoreUnavailableError(
    reason,
    `the clinic record cannot work now (${reason}): ${(error as Error).message}`,
    { cause: error },
  );
}
