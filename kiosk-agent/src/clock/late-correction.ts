import type { Reading } from '@klinik-desa/protocol';
import type { KioskClock } from './kiosk-clock.js';

/** Readings remembered for correction at most; beyond it the oldest stay as they were stamped (flagged). */
const REMEMBERED = 10_000;

/**
 * Readings stamped before the kiosk's clock was checked, corrected when they are sent, if the
 * check has come by then: a kiosk that booted offline with a stale date sends its first readings
 * with the right times once it learns the clinic's. The moment each was stamped is kept on the
 * monotonic clock, so the correction is the offset as it was then, whatever steps came since.
 * The reading keeps its original time (`clock.offsetMs` says what was added); its flags are left
 * as they were judged. A reading sent before the check, or left from before a restart (the
 * monotonic clock starts again), goes as it was stamped: `clock.trusted: false`.
 */
export class LateCorrection {
  private readonly stamped = new Map<string, { wallMs: number; monotonic: number }>();

  constructor(private readonly clock: KioskClock) {}

  /** A reading stamped with `clock.trusted: false` at kiosk time `wallMs`, monotonic `monotonic`. */
  note(readingId: string, wallMs: number, monotonic: number): void {
    this.stamped.set(readingId, { wallMs, monotonic });
    if (this.stamped.size > REMEMBERED) this.stamped.delete(this.stamped.keys().next().value as string);
  }

  /** The payload to send for an outbox entry: the reading corrected when it can be now. */
  payloadFor(entry: { id: string; payload: string }): string {
    const at = this.stamped.get(entry.id);
    if (!at) return entry.payload;
    const { ms, clock } = this.clock.correct(at.wallMs, at.monotonic);
    if (!clock.trusted) return entry.payload;
    this.stamped.delete(entry.id);
    const reading = JSON.parse(entry.payload) as Reading;
    const shift = ms - at.wallMs;
    const shifted = (iso: string) => new Date(Date.parse(iso) + shift).toISOString();
    reading.receivedAt = shifted(reading.receivedAt);
    if (reading.timeSource === 'kiosk') reading.measuredAt = shifted(reading.measuredAt);
    reading.clock = reading.timeSource === 'device' ? { ...clock, source: 'device' } : clock;
    return JSON.stringify(reading);
  }
}
