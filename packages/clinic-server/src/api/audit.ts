import type { Logger } from 'pino';
import type { AuditEntry, AuditStore } from '../store/store.js';

/**
 * Who read or changed which record, written in batches: one transaction per quarter second rather
 * than a write per request, so reading a patient does not cost a commit. A crash loses at most the
 * entries of the last quarter second; a failed write is logged and tried again with the next batch.
 */
export class AuditTrail {
  private pending: (AuditEntry & { at: string })[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;

  constructor(
    private readonly store: Pick<AuditStore, 'audit'>,
    private readonly log: Logger,
    private readonly intervalMs = 250,
    private readonly maxPending = 10_000,
  ) {}

  record(entry: AuditEntry, at: string): void {
    if (this.pending.length >= this.maxPending) {
      this.log.error({ dropped: 1 }, 'the audit log is not being written: an entry was dropped');
      return;
    }
    this.pending.push({ ...entry, at });
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.intervalMs);
  }

  /** Writes what is pending now (and waits for a write in progress). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.pending.length === 0) return;
    const entries = this.pending;
    this.pending = [];
    this.writing = this.store
      .audit(entries)
      .catch((error: unknown) => {
        this.log.error(
          { err: error, count: entries.length },
          'could not write the audit log; will try again',
        );
        this.pending.unshift(...entries);
        this.timer ??= setTimeout(() => {
          this.timer = undefined;
          void this.flush();
        }, this.intervalMs * 4);
      })
      .finally(() => {
        this.writing = undefined;
      });
    await this.writing;
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
