import { createTestDatabase, queryDatabase } from '@klinik-desa/testkit';
import { describe, expect, it } from 'vitest';
import { bpReading } from '../testing/fixtures.js';
import { describeStoreContract, seedAuditBeforePatientColumn } from './contract.suite.js';
import { openPostgresStore } from './open.js';
import { openPgExecutor } from './sql.js';
import { SqlClinicStore } from './sql-store.js';
import { StoreUnavailableError } from './store-unavailable.js';

describeStoreContract('PostgreSQL', async () => {
  const db = await createTestDatabase();
  const store = await openPostgresStore(db.url);
  return {
    store,
    async done() {
      await store.close();
      await db.drop();
    },
  };
});

describe('PostgreSQL migrations', () => {
  it('name the patient on the audit lines of a version 3 record', async () => {
    const db = await createTestDatabase();
    const { executor, pool } = openPgExecutor(db.url);
    try {
      await new SqlClinicStore(executor).migrate(3);
      const seeded = await seedAuditBeforePatientColumn((sql, params) => executor.run(sql, params));
      const store = await openPostgresStore(db.url);
      try {
        await seeded.check(store);
      } finally {
        await store.close();
      }
    } finally {
      await pool.end();
      await db.drop();
    }
  });
});

describe('PostgreSQL store-wide failures', () => {
  it('turns a read-only database (25006) into StoreUnavailableError, and reports it while it lasts', async () => {
    const db = await createTestDatabase();
    const writable = await openPostgresStore(db.url);
    await writable.close();
    // Connections opened from now on get read-only transactions, as on a standby or a full disk
    // the administrator set read-only.
    await queryDatabase(db.url, `ALTER DATABASE ${db.name} SET default_transaction_read_only = on`);
    const { executor, pool } = openPgExecutor(db.url);
    const store = new SqlClinicStore(executor);
    try {
      const error = await store.ingestReadings([bpReading()]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', reason: '25006' });
      expect(await store.countReadings()).toBe(0);
      expect((await store.trouble())?.error.reason).toBe('25006');
    } finally {
      await pool.end();
      await db.drop();
    }
  });

  it('turns a server that cannot be reached into StoreUnavailableError', async () => {
    const { executor, pool } = openPgExecutor('postgres://postgres@127.0.0.1:1/none');
    try {
      await expect(new SqlClinicStore(executor).ingestReadings([bpReading()])).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
        reason: 'ECONNREFUSED',
      });
    } finally {
      await pool.end();
    }
  });
});
