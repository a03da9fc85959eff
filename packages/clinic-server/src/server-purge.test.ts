import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { IDEMPOTENCY_KEEP_MS, startPurging } from './server.js';
import type { ClinicStore } from './store/store.js';

describe('purging on a schedule', () => {
  it('purges at start and on every turn, logs a failure and keeps going, and stops on close', async () => {
    vi.useFakeTimers({ now: new Date('2030-01-02T00:00:00.000Z') });
    try {
      const calls: [string, string][] = [];
      let fail = true;
      const store = {
        async purge(now: string, before: string) {
          calls.push([now, before]);
          if (fail) throw new Error('disk full');
        },
      } as unknown as ClinicStore;
      const errors: string[] = [];
      const log = pino({ level: 'error' }, { write: (line: string) => errors.push(JSON.parse(line).msg) });
      const stop = startPurging(store, log, 1000);
      await vi.advanceTimersByTimeAsync(0);
      expect(calls).toEqual([
        [
          '2030-01-02T00:00:00.000Z',
          new Date(Date.parse('2030-01-02T00:00:00.000Z') - IDEMPOTENCY_KEEP_MS).toISOString(),
        ],
      ]);
      expect(calls[0]![1]).toBe('2030-01-01T00:00:00.000Z');
      expect(errors).toEqual(['purging expired tokens and idempotency keys failed']);
      fail = false;
      await vi.advanceTimersByTimeAsync(2000);
      expect(calls).toHaveLength(3);
      await stop();
      await vi.advanceTimersByTimeAsync(5000);
      expect(calls).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
