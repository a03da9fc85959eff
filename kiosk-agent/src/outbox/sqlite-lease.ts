import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import type { DeferredWrites } from './deferred-writes.js';
import { OutboxLockedError } from './outbox.js';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The row that makes one agent process the owner of an outbox file: taken at open (from an owner
 * whose lease ran out, or whose process on this host is gone), renewed on a timer, given up at close.
 */
export class OutboxLease {
  private readonly owner = `${hostname()}:${process.pid}`;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly db: Database.Database,
    private readonly leaseMs: number,
    private readonly now: () => number,
    /** The outbox's writes on a disk that may be full: the renewal also writes what they kept back. */
    private readonly writes: DeferredWrites,
  ) {
    this.take();
    this.timer = setInterval(() => this.renew(), Math.max(1000, leaseMs / 3));
    this.timer.unref();
  }

  private take(): void {
    const take = this.db.transaction(() => {
      const current = this.db.prepare('SELECT owner, host, pid, expires_at FROM lease WHERE id = 1').get() as
        | { owner: string; host: string; pid: number; expires_at: number }
        | undefined;
      const now = this.now();
      const ownerGone = current && current.host === hostname() && !processAlive(current.pid);
      if (current && current.owner !== this.owner && current.expires_at > now && !ownerGone) {
        throw new OutboxLockedError(
          `the outbox is in use by another agent (process ${current.pid} on ${current.host}); stop it first, one agent per outbox`,
        );
      }
      this.write(now);
    });
    // An agent restarted on a full disk must start: the check above is a read, and the lease row
    // is written by the renewal timer once space is back.
    this.writes.tolerate(() => take.immediate(), undefined);
  }

  private write(now: number): void {
    this.db
      .prepare(
        'INSERT INTO lease (id, owner, host, pid, expires_at) VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, host = excluded.host, pid = excluded.pid, expires_at = excluded.expires_at',
      )
      .run(this.owner, hostname(), process.pid, now + this.leaseMs);
  }

  private renew(): void {
    if (!this.db.open) return;
    try {
      this.writes.catchUp();
      // Written whole, not updated: the row may be missing when the start found the disk full.
      this.writes.tolerate(() => this.write(this.now()), undefined);
    } catch {
      // Thrown from a timer it would end the process. A file that fails here fails the next
      // reading too, where it is set aside and recovered; a lease not renewed only lets another
      // agent in after it expired, and its owner on this host is alive.
    }
  }

  /** Stops renewing (a start that failed half-way, or the end). */
  stop(): void {
    clearInterval(this.timer);
  }

  /** Stops renewing and gives the file up (the database must still be open). */
  release(): void {
    this.stop();
    this.writes.tolerate(
      () => this.db.prepare('DELETE FROM lease WHERE owner = ?').run(this.owner),
      undefined,
    );
  }
}
