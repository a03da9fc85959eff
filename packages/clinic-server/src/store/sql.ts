import type Database from 'better-sqlite3';
import pg from 'pg';
import { StoreCondition } from './store-condition.js';
import { classifyStoreError, StoreUnavailableError } from './store-unavailable.js';

export type Dialect = 'sqlite' | 'postgres';
export type SqlValue = string | number | boolean | null;

/**
 * The little the repository needs from a database, so that one implementation of the clinic record
 * runs on both SQLite and PostgreSQL. SQL is written with `?` placeholders and the portable subset
 * both engines share (ON CONFLICT, RETURNING, multi-row VALUES).
 */
export interface SqlExecutor {
  readonly dialect: Dialect;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Runs a statement; resolves with the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Runs `fn` in one transaction: all of it commits, or none of it. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs one single-row statement for each row, synchronously, returning each row's change count:
   * SQLite only, where a prepared statement run in a loop beats any multi-row statement.
   */
  readonly runEach?: (sql: string, rows: readonly (readonly SqlValue[])[]) => number[];
  /**
   * Store-wide trouble as the executor last saw it. Every failure of the store as a whole is
   * thrown as a StoreUnavailableError and sets it; a committed write clears it.
   */
  readonly condition: StoreCondition;
  close(): Promise<void>;
}

/** Turns a store-wide failure into a StoreUnavailableError and notes it; any other error passes as is. */
function failure(condition: StoreCondition, error: unknown): unknown {
  const classified = classifyStoreError(error);
  if (classified instanceof StoreUnavailableError) condition.failed(classified);
  return classified;
}

/** The most parameters one statement gets: SQLite allows 32766, PostgreSQL 65535. */
export const MAX_PARAMS = 30_000;

class StatementCache {
  private readonly map = new Map<string, Database.Statement>();
  constructor(
    private readonly db: Database.Database,
    private readonly max = 300,
  ) {}
  get(sql: string): Database.Statement {
    let stmt = this.map.get(sql);
    if (stmt) return stmt;
    stmt = this.db.prepare(sql);
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string);
    this.map.set(sql, stmt);
    return stmt;
  }
}

const sqliteParams = (params: readonly SqlValue[] | undefined) =>
  (params ?? []).map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));

/**
 * better-sqlite3 is synchronous and one connection does everything, so the async interface is
 * serialised by a lock: a statement from elsewhere must never land inside someone's open
 * transaction (it would commit or roll back with it).
 */
export class SqliteExecutor implements SqlExecutor {
  readonly dialect = 'sqlite';
  private readonly cache: StatementCache;
  private lock: Promise<unknown> = Promise.resolve();
  private readonly inner: SqlExecutor;

  constructor(
    readonly db: Database.Database,
    private readonly hooks: { afterWrite?: () => void; beforeClose?: () => Promise<void> } = {},
    readonly condition = new StoreCondition(),
  ) {
    this.cache = new StatementCache(db);
    const cache = this.cache;
    const direct: SqlExecutor = {
      dialect: 'sqlite',
      condition,
      async all<T>(sql: string, params?: readonly SqlValue[]) {
        return cache.get(sql).all(...sqliteParams(params)) as T[];
      },
      async get<T>(sql: string, params?: readonly SqlValue[]) {
        return cache.get(sql).get(...sqliteParams(params)) as T | undefined;
      },
      async run(sql: string, params?: readonly SqlValue[]) {
        return cache.get(sql).run(...sqliteParams(params)).changes;
      },
      transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>) => fn(direct),
      runEach(sql, rows) {
        const stmt = cache.get(sql);
        return rows.map((row) => stmt.run(...sqliteParams(row)).changes);
      },
      async exec(sql: string) {
        db.exec(sql);
      },
      close: async () => undefined,
    };
    this.inner = direct;
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.lock.then(fn, fn);
    this.lock = result.catch(() => undefined);
    return result;
  }

  /** Notes how a statement ended: a write that worked ends any trouble, a store-wide failure starts it. */
  private settle<T>(running: Promise<T>, write: boolean): Promise<T> {
    return running.then(
      (value) => {
        if (write) this.condition.wrote();
        return value;
      },
      (error: unknown) => {
        throw failure(this.condition, error);
      },
    );
  }

  all<T>(sql: string, params?: readonly SqlValue[]) {
    return this.settle(
      this.locked(() => this.inner.all<T>(sql, params)),
      false,
    );
  }
  get<T>(sql: string, params?: readonly SqlValue[]) {
    return this.settle(
      this.locked(() => this.inner.get<T>(sql, params)),
      false,
    );
  }
  run(sql: string, params?: readonly SqlValue[]) {
    return this.settle(
      this.locked(() => this.inner.run(sql, params)).finally(() => this.hooks.afterWrite?.()),
      true,
    );
  }
  exec(sql: string) {
    return this.settle(
      this.locked(() => this.inner.exec(sql)).finally(() => this.hooks.afterWrite?.()),
      true,
    );
  }
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const running = this.locked(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.inner);
        this.db.exec('COMMIT');
        this.hooks.afterWrite?.();
        return result;
      } catch (error) {
        // SQLite may already have rolled back (a full disk does); a ROLLBACK that fails in turn
        // must not hide the failure that matters.
        try {
          if (this.db.inTransaction) this.db.exec('ROLLBACK');
        } catch {}
        throw error;
      }
    });
    return this.settle(running, true);
  }
  async close() {
    await this.locked(async () => {
      await this.hooks.beforeClose?.();
      this.db.close();
    });
  }
}

const pgSql = new Map<string, string>();

/** `?` placeholders to PostgreSQL's `$1, $2...`, remembered: the batch statements repeat. */
function toPg(sql: string): string {
  let converted = pgSql.get(sql);
  if (converted === undefined) {
    let n = 0;
    converted = sql.replace(/\?/g, () => `$${++n}`);
    if (pgSql.size > 500) pgSql.clear();
    pgSql.set(sql, converted);
  }
  return converted;
}

type Queryable = pg.Pool | pg.PoolClient;

function pgExecutor(q: Queryable, pool: pg.Pool | undefined, condition: StoreCondition): SqlExecutor {
  /**
   * One statement, its failure classified; outside a transaction a write that worked ends any
   * trouble (inside one, the COMMIT does).
   */
  const query = async (sql: string, params: readonly SqlValue[] | undefined, write: boolean) => {
    try {
      const result = await q.query(toPg(sql), params as SqlValue[] | undefined);
      if (write && pool) condition.wrote();
      return result;
    } catch (error) {
      throw failure(condition, error);
    }
  };
  const self: SqlExecutor = {
    dialect: 'postgres',
    condition,
    async all<T>(sql: string, params?: readonly SqlValue[]) {
      return (await query(sql, params, false)).rows as T[];
    },
    async get<T>(sql: string, params?: readonly SqlValue[]) {
      return (await query(sql, params, false)).rows[0] as T | undefined;
    },
    async run(sql: string, params?: readonly SqlValue[]) {
      return (await query(sql, params, true)).rowCount ?? 0;
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      if (!pool) return fn(self);
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw failure(condition, error);
      }
      try {
        await client.query('BEGIN');
        const result = await fn(pgExecutor(client, undefined, condition));
        await client.query('COMMIT');
        condition.wrote();
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw failure(condition, error);
      } finally {
        client.release();
      }
    },
    async exec(sql: string) {
      await query(sql, undefined, true);
    },
    async close() {
      if (pool) await pool.end();
    },
  };
  return self;
}

// PostgreSQL's int8 (count(*)) and numeric come back as strings by default; the record's numbers fit
// a double. Set per pool, not on pg's global parsers, so an application embedding us is not changed.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 || oid === 1700
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export function openPgExecutor(
  url: string,
  options: { max?: number } = {},
): { executor: SqlExecutor; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types });
  return { executor: pgExecutor(pool, pool, new StoreCondition()), pool };
}

/** `(?, ?, ?), (?, ?, ?)` for a multi-row VALUES of `rows` rows of `columns` columns. */
export function valuesList(rows: number, columns: number): string {
  const one = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
  return Array.from({ length: rows }, () => one).join(', ');
}

export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/** Splits rows so that no statement exceeds the parameter limit. */
export function chunk<T>(items: readonly T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMS / columns));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
