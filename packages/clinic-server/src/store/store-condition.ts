import type { StoreUnavailableError } from './store-unavailable.js';

/** A store-wide failure that has not been followed by a successful write yet. */
export interface StoreTrouble {
  error: StoreUnavailableError;
  /** When the first failure of this spell happened (ISO 8601). */
  since: string;
}

/**
 * Whether the clinic record is in store-wide trouble, as its executor last saw it. A failure sets
 * it; only a committed write clears it, since reads go on working on a full disk or a read-only
 * file and would report a recovery that has not happened.
 */
export class StoreCondition {
  private current: StoreTrouble | undefined;

  constructor(private readonly now: () => Date = () => new Date()) {}

  get trouble(): StoreTrouble | undefined {
    return this.current;
  }

  failed(error: StoreUnavailableError): void {
    this.current = { error, since: this.current?.since ?? this.now().toISOString() };
  }

  wrote(): void {
    this.current = undefined;
  }
}

/** One line for health checks and logs: the stable code, the database's reason, since when. */
export function describeTrouble(trouble: StoreTrouble): string {
  return `${trouble.error.code} (${trouble.error.reason}) since ${trouble.since}: ${trouble.error.message}`;
}
