import { ConfigError } from '../errors.js';
import { SqlAccountStore } from './accounts-store.js';
import { SqlAuditStore } from './audit-store.js';
import { SqlClientStore } from './clients-store.js';
import { SqlClinicRegistryStore } from './clinics-store.js';
import { SqlFleetStore } from './fleet-store.js';
import { SqlForwardingStore } from './forwarding-store.js';
import { SqlIdempotencyStore } from './idempotency-store.js';
import { SqlKioskActivityStore } from './kiosk-activity-store.js';
import { type KioskRegistry, SqlKioskStore } from './kiosks-store.js';
import { migrationsFor } from './migrations.js';
import { SqlObservationStore } from './observations-store.js';
import { SqlPatientStore } from './patients-store.js';
import { SqlPractitionerStore } from './practitioners-store.js';
import { SqlReadingPartitionStore } from './readings-partitions.js';
import { SqlReadingStore } from './readings-store.js';
import { SqlReferralStore } from './referrals-store.js';
import { SqlReportStore } from './report-store.js';
import { SqlScreeningStore } from './screenings-store.js';
import type { Dialect, SqlExecutor } from './sql.js';
import type { ClinicStore } from './store.js';
import type { StoreTrouble } from './store-condition.js';
import { StoreUnavailableError } from './store-unavailable.js';
import { SqlUnassignedReadingStore } from './unassigned-store.js';

export { isUniqueViolation } from './query.js';

// The class below gets every method of its parts in its constructor (`adopt`); this declaration
// tells TypeScript so. Each part is a class of its own file; this one only puts them together.
export interface SqlClinicStore extends ClinicStore {}

/**
 * The clinic record over one SQL executor: the parts (one per aggregate, each in its own file)
 * put together for the places that need several of them. Each part's methods are the record's,
 * bound to the part, so a consumer typed with a narrow part (`PatientStore`) is given this object
 * and sees only what it asked for.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface above
export class SqlClinicStore {
  readonly dialect: Dialect;

  constructor(private readonly db: SqlExecutor) {
    this.dialect = db.dialect;
    const registry: KioskRegistry = { nonEmpty: false };
    const patients = new SqlPatientStore(db);
    const practitioners = new SqlPractitionerStore(db);
    const screenings = new SqlScreeningStore(db);
    adopt(this, [
      new SqlReadingStore(db, registry),
      new SqlReadingPartitionStore(db),
      patients,
      practitioners,
      screenings,
      new SqlObservationStore(db),
      new SqlUnassignedReadingStore(db),
      new SqlReferralStore(db),
      new SqlKioskStore(db, registry),
      new SqlKioskActivityStore(db),
      new SqlFleetStore(db),
      new SqlClientStore(db),
      new SqlClinicRegistryStore(db),
      new SqlAccountStore(db),
      new SqlIdempotencyStore(db),
      new SqlForwardingStore(db, { screenings, patients, practitioners }),
      new SqlAuditStore(db),
      new SqlReportStore(db),
    ]);
  }

  /**
   * Brings the schema forward (to `upTo`, for tests that build an older record); several processes
   * starting at once apply each migration once.
   */
  async migrate(upTo = Number.POSITIVE_INFINITY): Promise<void> {
    const migrations = migrationsFor(this.db.dialect);
    await this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    await this.db.transaction(async (tx) => {
      // PostgreSQL: one migrator at a time across processes (SQLite's BEGIN IMMEDIATE already is).
      if (tx.dialect === 'postgres') await tx.run('SELECT pg_advisory_xact_lock(72510)');
      const applied = new Set(
        (await tx.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
      );
      const newest = Math.max(0, ...applied);
      const known = Math.max(...migrations.map((m) => m.version));
      if (newest > known) {
        throw new ConfigError(
          'DB_TOO_NEW',
          `the database is at schema version ${newest}, newer than this server knows (${known}): upgrade the server`,
        );
      }
      for (const m of migrations) {
        if (applied.has(m.version) || m.version > upTo) continue;
        await tx.exec(m.sql);
        await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
          m.version,
          m.name,
          new Date().toISOString(),
        ]);
      }
    });
  }

  /** Deletes expired tokens and sessions, and idempotency keys older than `idempotencyBefore`. */
  async purge(now: string, idempotencyBefore: string) {
    await this.db.run('DELETE FROM access_tokens WHERE expires_at <= ?', [now]);
    await this.db.run('DELETE FROM sessions WHERE expires_at <= ? OR idle_expires_at <= ?', [now, now]);
    await this.db.run('DELETE FROM idempotency_keys WHERE created_at < ?', [idempotencyBefore]);
  }

  async ping() {
    await this.db.get('SELECT 1 AS one');
  }

  async trouble(): Promise<StoreTrouble | undefined> {
    if (!this.db.condition.awaitingWrite) return this.db.condition.trouble;
    try {
      await this.db.run(
        'INSERT INTO store_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at',
        [new Date().toISOString()],
      );
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
    }
    return this.db.condition.trouble;
  }

  async close() {
    await this.db.close();
  }
}

/**
 * Gives `target` every public method of each part, bound to its part. Two parts with a method of
 * the same name would make one of them unreachable, so that is refused at once.
 */
function adopt(target: object, parts: readonly object[]): void {
  for (const part of parts) {
    const proto = Object.getPrototypeOf(part) as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor') continue;
      const method = proto[name];
      if (typeof method !== 'function') continue;
      if (name in target) throw new Error(`two parts of the clinic store both define ${name}`);
      Object.defineProperty(target, name, { value: method.bind(part), writable: true, configurable: true });
    }
  }
}
