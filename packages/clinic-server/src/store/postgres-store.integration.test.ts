import { createTestDatabase } from '@klinik-desa/testkit';
import { describe, it } from 'vitest';
import { describeStoreContract, seedAuditBeforePatientColumn } from './contract.suite.js';
import { openPostgresStore } from './open.js';
import { openPgExecutor } from './sql.js';
import { SqlClinicStore } from './sql-store.js';

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
