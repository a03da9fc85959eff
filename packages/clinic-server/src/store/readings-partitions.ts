import { newUuidV7 } from '@klinik-desa/protocol';
import { ConfigError } from '../errors.js';
import type { SqlExecutor } from './sql.js';

/**
 * What one turn of partition upkeep did, by partition name: made, dropped, and left for a later
 * turn because the readings table's lock was not had in time (a long read held it).
 */
export interface PartitionUpkeep {
  created: string[];
  dropped: string[];
  deferred: string[];
}

/**
 * The monthly partitions of PostgreSQL's readings table (migration 10): made ahead of the months
 * they hold, and, when a keeping time is set, old months dropped whole. SQLite's readings are one
 * table; there the upkeep does nothing.
 */
export interface ReadingPartitionStore {
  /**
   * Makes the partitions of `now`'s month and the `monthsAhead` months after it (those that do not
   * exist yet), then, with `keepMonths`, drops every month's partition that ended more than
   * `keepMonths` whole months before `now`'s month, writing an audit line for each. Readings are
   * never deleted row by row: a month goes whole, in one statement.
   */
  upkeepReadingPartitions(
    now: Date,
    options?: { monthsAhead?: number; keepMonths?: number | undefined },
  ): Promise<PartitionUpkeep>;
}

/** Months made ahead by default: the server runs the upkeep daily, so three leave a wide margin. */
export const PARTITION_MONTHS_AHEAD = 3;

// One maker or dropper at a time across server processes (the migrator holds 72510).
const PARTITION_LOCK = 72511;
const MONTH_PARTITION = /^readings_(\d{4})m(\d{2})$/;
const LOCK_TIMEOUT = '2s';

/** The first instant of the month `offset` months from `at`'s, in UTC. */
export function monthStart(at: Date, offset = 0): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
}

/** The name of the month's partition, as readings_month_partition() (migration 10) makes it. */
export function partitionName(month: Date): string {
  return `readings_${month.getUTCFullYear()}m${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The month a partition name holds (`readings_2026m12`), or undefined for the default partition. */
export function partitionMonth(name: string): Date | undefined {
  const m = MONTH_PARTITION.exec(name);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)) : undefined;
}

export class SqlReadingPartitionStore implements ReadingPartitionStore {
  constructor(private readonly db: SqlExecutor) {}

  async upkeepReadingPartitions(
    now: Date,
    options: { monthsAhead?: number; keepMonths?: number | undefined } = {},
  ): Promise<PartitionUpkeep> {
    const done: PartitionUpkeep = { created: [], dropped: [], deferred: [] };
    if (this.db.dialect !== 'postgres') return done;
    const keep = options.keepMonths;
    if (keep !== undefined && !(Number.isInteger(keep) && keep >= 1)) {
      throw new ConfigError(
        'CONFIG',
        `readingsKeepMonths must be a whole number of months, 1 or more (got ${keep}); leave it out to keep every reading`,
      );
    }
    const ahead = options.monthsAhead ?? PARTITION_MONTHS_AHEAD;
    await this.db.transaction(async (tx) => {
      await tx.run('SELECT pg_advisory_xact_lock(?)', [PARTITION_LOCK]);
      // Attaching a month and dropping one lock the readings table for a moment; behind a long
      // report they would wait, and every ingest batch would queue behind them. Give up instead,
      // after one wait of LOCK_TIMEOUT at most per turn: the next day's turn tries again, and the
      // default partition takes readings meanwhile.
      await tx.exec(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      const existing = new Set(await this.#partitions(tx));
      for (let i = 0; i <= ahead; i++) {
        const month = monthStart(now, i);
        const row = await tx.get<{ name: string | null }>(
          'SELECT readings_month_partition(?::timestamp) AS name',
          [month.toISOString().slice(0, 19)],
        );
        if (!row?.name) {
          done.deferred.push(partitionName(month));
          return;
        }
        if (!existing.has(row.name)) done.created.push(row.name);
      }
      if (keep === undefined) return;
      // A month is dropped once it ended `keep` whole months before this one began.
      const oldestKept = monthStart(now, -keep);
      for (const name of await this.#partitions(tx)) {
        const month = partitionMonth(name);
        if (!month || month >= oldestKept) continue;
        const row = await tx.get<{ dropped: boolean }>('SELECT readings_drop_month(?) AS dropped', [name]);
        if (!row?.dropped) {
          done.deferred.push(name);
          break;
        }
        done.dropped.push(name);
      }
      if (done.dropped.length === 0) return;
      await tx.run(
        `INSERT INTO audit_log (id, at, client_id, action, resource_type, resource_id, patient_id, clinic_id, request_id)
         VALUES ${done.dropped.map(() => "(?, ?, 'clinic-server', 'drop-readings-month', 'readings-partition', ?, NULL, NULL, NULL)").join(', ')}`,
        done.dropped.flatMap((name) => [newUuidV7(), now.toISOString(), name]),
      );
    });
    return done;
  }

  async #partitions(tx: SqlExecutor): Promise<string[]> {
    const rows = await tx.all<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'readings'::regclass ORDER BY c.relname`,
    );
    return rows.map((r) => r.name);
  }
}
