import type { Reading } from '@klinik-desa/protocol';
import type { Outbox, OutboxState } from '../outbox/outbox.js';

/** A kept reading as the kiosk page lists it: where it is on its way, and why the clinic refused it. */
export interface RecentReading {
  state: OutboxState;
  reading: Reading;
  rejected?: { code: string; message: string };
}

/** The newest readings of the outbox first, for the kiosk page's list. */
export function recentReadings(outbox: Pick<Outbox, 'recent'>, limit: number): RecentReading[] {
  return outbox.recent(limit).map((e) => ({
    state: e.state,
    reading: JSON.parse(e.payload) as Reading,
    ...(e.rejectCode ? { rejected: { code: e.rejectCode, message: e.rejectMessage ?? '' } } : {}),
  }));
}
