import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '@klinik-desa/testkit';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startPartitionUpkeep } from './partition-upkeep.js';
import { startClinicServer } from './server.js';
import { openPostgresStore } from './store/open.js';
import { monthStart, partitionName as name } from './store/readings-partitions.js';

describe('readings partition upkeep on a schedule', () => {
  it('makes the coming months at start, drops months past readingsKeepMonths, and logs both', async () => {
    const db = await createTestDatabase();
    const store = await openPostgresStore(db.url);
    try {
      // Two years of months behind this one, as a record in use for that long has.
      for (let back = 24; back >= 1; back--) {
        await store.upkeepReadingPartitions(monthStart(new Date(), -back), { monthsAhead: 0 });
      }
      const lines: { msg: string; created?: string[]; dropped?: string[] }[] = [];
      const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
      const stop = startPartitionUpkeep(store, log, { keepMonths: 12 });
      await stop();
      const created = lines.find((l) => l.created)?.created ?? [];
      const dropped = lines.find((l) => l.dropped)?.dropped ?? [];
      expect(created).toHaveLength(3);
      expect(created[0]).toBe(name(monthStart(new Date(), 1)));
      expect(dropped).toEqual(Array.from({ length: 12 }, (_, i) => name(monthStart(new Date(), -24 + i))));
      expect(lines.find((l) => l.dropped)?.msg).toContain('readingsKeepMonths (12)');
    } finally {
      await store.close();
      await db.drop();
    }
  });

  it('refuses readingsKeepMonths for a SQLite record, which has no partitions to drop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-upkeep-'));
    await expect(
      startClinicServer({
        db: join(dir, 'clinic.db'),
        readingsKeepMonths: 12,
        log: pino({ level: 'silent' }),
      }),
    ).rejects.toMatchObject({ code: 'CONFIG', message: expect.stringContaining('postgres://') });
  });
});
