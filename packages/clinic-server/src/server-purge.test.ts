import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { IDEMPOTENCY_KEEP_MS, KIOSK_EVENTS_KEEP_DAYS, startPurging } from './server.js';
import type { ClinicStore } from './store/store.js';

describe('purging on a schedule', () => {
  it('keeps kiosk events for the configured days', async () => {
    vi.useFakeTimers({ now: new Date('2030-01-02T00:00:00.000Z') });
    try {
      const pruned: string[] = [];
      const store = {
        purge: async () => undefined,
        pruneKioskEvents: async (before: string) => pruned.push(before),
      } as unknown as ClinicStore;
      const stop = startPurging(store, pino({ level: 'silent' }), { kioskEventsKeepDays: 7 });
      await stop();
      expect(pruned).toEqual(['2029-12-26T00:00:00.000Z']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('purges at start and on every turn, logs a failure and keeps going, and stops on close', async () => {
    vi.useFakeTimers({ now: new Date('2030-01-02T00:00:00.000Z') });
    try {
      const calls: [string, string][] = [];
      const pruned: string[] = [];
      let fail = true;
      const store = {
        async purge(now: string, before: string) {
          calls.push([now, before]);
          if (fail) throw new Error('disk full');
        },
        async pruneKioskEvents(before: string) {
          pruned.push(before);
          if (fail) throw new Error('disk full');
          return 0;
        },
      } as unknown as ClinicStore;
      const errors: string[] = [];
      const log = pino({ level: 'error' }, { write: (line: string) => errors.push(JSON.parse(line).msg) });
      const stop = startPurging(store, log, { everyMs: 1000 });
      await vi.advanceTimersByTimeAsync(0);
      expect(calls).toEqual([
        [
          '2030-01-02T00:00:00.000Z',
          new Date(Date.parse('2030-01-02T00:00:00.000Z') - IDEMPOTENCY_KEEP_MS).toISOString(),
        ],
      ]);
      expect(calls[0]![1]).toBe('2030-01-01T00:00:00.000Z');
      expect(pruned).toEqual([
        new Date(Date.parse('2030-01-02T00:00:00.000Z') - KIOSK_EVENTS_KEEP_DAYS * 86_400_000).toISOString(),
      ]);
      expect(pruned[0]).toBe('2029-12-03T00:00:00.000Z');
      expect(errors).toEqual([
        'purging expired tokens and idempotency keys failed',
        'deleting old kiosk events failed',
      ]);
      fail = false;
      await vi.advanceTimersByTimeAsync(2000);
      expect(calls).toHaveLength(3);
      expect(pruned).toHaveLength(3);
      await stop();
      await vi.advanceTimersByTimeAsync(5000);
      expect(calls).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
