import type { StoreUnavailableError } from './store-unavailable.js';

/** A store-wide failure that is not over yet. */
export interface StoreTrouble {
  error: StoreUnavailableError;
  /** When the first failure of this spell happened (ISO 8601). */
  since: string;
}

/**
 * How long the record must go without a store-wide failure, once a write has worked again, before
 * the trouble counts as over. A disk with a little room comes and goes: a small write (a kiosk's
 * status, the probe) fits where a batch of readings does not, and health must not flip to good in
 * between while ingest still fails every few seconds.
 */
export const TROUBLE_HOLD_MS = 10_000;

/**
 * Whether the clinic record is in store-wide trouble, as its executor saw it. A failure starts or
 * extends it; it ends once a write has worked after the last failure and `holdMs` passed without
 * another. Reads do not end it: they go on working on a full disk or a read-only file.
 */
export class StoreCondition {
  private current: (StoreTrouble & { lastFailureAt: number; wroteSince: boolean }) | undefined;
  private readonly holdMs: number;
  private readonly now: () => number;

  constructor(options: { holdMs?: number; now?: () => number } = {}) {
    this.holdMs = options.holdMs ?? TROUBLE_HOLD_MS;
    this.now = options.now ?? Date.now;
  }

  get trouble(): StoreTrouble | undefined {
    const c = this.current;
    if (c?.wroteSince && this.now() - c.lastFailureAt >= this.holdMs) this.current = undefined;
    return this.current ? { error: this.current.error, since: this.current.since } : undefined;
  }

  /** Whether a write is needed to learn that the trouble is over (none has worked since the last failure). */
  get awaitingWrite(): boolean {
    return this.current !== undefined && !this.current.wroteSince;
  }

  failed(error: StoreUnavailableError): void {
    const now = this.now();
    this.current = {
      error,
      since: this.current?.since ?? new Date(now).toISOString(),
      lastFailureAt: now,
      wroteSince: false,
    };
  }

  wrote(): void {
    if (this.current) this.current.wroteSince = true;
  }
}

/** One line for health checks and logs: the stable code, the database's reason, since when. */
export function describeTrouble(trouble: StoreTrouble): string {
  return `${trouble.error.code} (${trouble.error.reason}) since ${trouble.since}: ${trouble.error.message}`;
}
