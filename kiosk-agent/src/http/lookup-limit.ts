import { LocalApiError } from './local-api-error.js';

/**
 * Patient look-ups per kiosk: a token bucket (20 a minute, bursts of 5 by default). A worker finds
 * one patient every few minutes; a program walking NIKs or birth dates needs thousands.
 */
export class LookupLimit {
  private tokens: number;
  private last: number;

  constructor(
    private readonly options: { perMinute: number; burst: number; now?: () => number } = {
      perMinute: 20,
      burst: 5,
    },
  ) {
    this.tokens = options.burst;
    this.last = this.now();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Takes one look-up, or throws LOOKUP_RATE (429 with Retry-After) when there is none left. */
  take(): void {
    const now = this.now();
    const perMs = this.options.perMinute / 60_000;
    this.tokens = Math.min(this.options.burst, this.tokens + (now - this.last) * perMs);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return;
    }
    const seconds = Math.ceil((1 - this.tokens) / perMs / 1000);
    throw new LocalApiError(
      429,
      'LOOKUP_RATE',
      `too many patient look-ups from this kiosk (${this.options.perMinute} a minute): wait ${seconds} s and search again`,
      { 'retry-after': String(seconds) },
    );
  }
}
