import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@klinik-desa/testkit';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { DiskGuard } from './disk-guard.js';
import { DiskPressure } from './disk-pressure.js';

const MB = 1024 * 1024;

describe('DiskPressure', () => {
  it('says when the disk turns low, full and healthy again, and writes the held readings once it is', async () => {
    const free = { bytes: 100 * MB };
    const guard = new DiskGuard({
      outboxPath: join(mkdtempSync(join(tmpdir(), 'kd-pressure-')), 'outbox.db'),
      reserveBytes: MB,
      warnFreeBytes: 10 * MB,
      warnOutboxBytes: 100 * MB,
      freeBytes: () => free.bytes,
    });
    const events: string[] = [];
    let flushes = 0;
    let held = 0;
    const pressure = new DiskPressure({
      guard,
      readings: { flush: () => void flushes++, holding: () => ({ held, dropped: 0 }) },
      log: createLogger('silent'),
      event: (e) => events.push(e.type),
      changed: () => undefined,
      checkEveryMs: 200,
    });
    pressure.start();
    try {
      free.bytes = 5 * MB;
      await waitFor(() => events.includes('disk-low'), { what: 'disk-low' });
      expect(pressure.status()).toMatchObject({ state: 'low', freeBytes: 5 * MB });

      free.bytes = 0;
      held = 3;
      pressure.noSpace(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
      expect(events.at(-1)).toBe('disk-full');
      expect(pressure.status()).toMatchObject({ state: 'full', held: 3 });
      await new Promise((r) => setTimeout(r, 600));
      expect(flushes).toBe(0);

      free.bytes = 50 * MB;
      await waitFor(() => events.includes('disk-recovered'), { what: 'disk-recovered' });
      expect(flushes).toBe(1);
      expect(pressure.status().state).toBe('ok');
    } finally {
      pressure.stop();
    }
  });
});
