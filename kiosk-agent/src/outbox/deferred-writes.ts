import { isNoSpaceError } from '../disk/no-space.js';

/**
 * The outbox's state changes on a disk that may be full. A change that fails for lack of space is
 * reported (`onNoSpace` frees the reserve) and, when the clinic's answer demands it (a receipt, a
 * refusal), kept in order and written before the next write; the rest is skipped, since it is
 * done again anyway (a reading marked sent, a prune, the lease).
 */
export class DeferredWrites {
  private readonly waiting: (() => unknown)[] = [];

  constructor(
    private readonly onNoSpace: (error: unknown) => void,
    /** Writes kept back were all written now. */
    private readonly onCaughtUp: () => void,
  ) {}

  /** Runs `write`; one that fails for lack of space is reported and gives `skipped`. */
  tolerate<T>(write: () => T, skipped: T): T {
    try {
      return write();
    } catch (error) {
      if (!isNoSpaceError(error)) throw error;
      this.onNoSpace(error);
      return skipped;
    }
  }

  /** Reports a failed write the caller handles itself. */
  noSpace(error: unknown): void {
    this.onNoSpace(error);
  }

  /** Written now, or kept back (behind any already waiting) and written later. */
  must(write: () => unknown): void {
    this.catchUp();
    if (this.waiting.length > 0 || !this.tryWrite(write)) this.waiting.push(write);
  }

  /** Writes what was kept back, in order, as far as the disk lets it. */
  catchUp(): void {
    if (this.waiting.length === 0) return;
    while (this.waiting.length > 0) {
      if (!this.tryWrite(this.waiting[0] as () => unknown)) return;
      this.waiting.shift();
    }
    this.onCaughtUp();
  }

  private tryWrite(write: () => unknown): boolean {
    return this.tolerate(() => {
      write();
      return true;
    }, false);
  }
}
