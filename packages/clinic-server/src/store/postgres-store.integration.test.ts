import { createTestDatabase } from '@klinik-desa/testkit';
import { describeStoreContract } from './contract.suite.js';
import { openPostgresStore } from './open.js';

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
