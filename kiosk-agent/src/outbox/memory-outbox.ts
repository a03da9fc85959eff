import {
  DEFAULT_LIMITS,
  type NewOutboxEntry,
  type Outbox,
  type OutboxEntry,
  type OutboxLimits,
  type OutboxStats,
} from './outbox.js';

/**
 * An outbox in memory: for tests of the parts around the outbox, and tools that must not touch the
 * disk. It keeps nothing across a restart, so a kiosk never runs on it.
 */
export class MemoryOutbox implements Outbox {
  private readonly rows = new Map<string, OutboxEntry>();
  private readonly seen = new Map<string, number>();
  private lastSeq = 0;
  private readonly limits: OutboxLimits;

  constructor(
    limits: Partial<OutboxLimits> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  addMany(entries: readonly NewOutboxEntry[]): boolean[] {
    return entries.map((e) => this.add(e));
  }

  add(entry: NewOutboxEntry): boolean {
    if (this.rows.has(entry.id)) return false;
    if (entry.formerKeys?.some((former) => this.seen.has(former))) {
      if (entry.dedupeKey !== undefined) this.seen.set(entry.dedupeKey, this.now());
      return false;
    }
    if (entry.dedupeKey !== undefined) {
      if (this.seen.has(entry.dedupeKey)) return false;
      this.seen.set(entry.dedupeKey, this.now());
    }
    this.rows.set(entry.id, {
      seq: ++this.lastSeq,
      id: entry.id,
      kind: entry.kind ?? 'reading',
      topic: entry.topic,
      payload: entry.payload,
      state: 'queued',
      attempts: 0,
      createdAt: this.now(),
    });
    return true;
  }

  nextToPublish(limit: number, afterSeq = 0): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const e of this.rows.values()) {
      if (out.length >= limit) break;
      if (e.kind !== 'reading' && e.state === 'queued') break;
      if (e.seq > afterSeq && (e.state === 'queued' || e.state === 'published')) out.push({ ...e });
    }
    return out;
  }

  nextRequest(): OutboxEntry | undefined {
    for (const e of this.rows.values()) {
      if (e.state !== 'queued' && e.state !== 'published') continue;
      return e.kind === 'reading' ? undefined : { ...e };
    }
    return undefined;
  }

  markPublished(ids: string | readonly string[]): void {
    for (const id of typeof ids === 'string' ? [ids] : ids) {
      const e = this.rows.get(id);
      if (e && (e.state === 'queued' || e.state === 'published')) {
        e.state = 'published';
        e.attempts++;
      }
    }
  }

  markReceived(ids: readonly string[]): number {
    let n = 0;
    for (const id of ids) {
      const e = this.rows.get(id);
      if (e && e.state !== 'received') {
        e.state = 'received';
        e.receivedAt = this.now();
        n++;
      }
    }
    return n;
  }

  reject(id: string, code: string, message: string): void {
    const e = this.rows.get(id);
    if (!e) return;
    e.state = 'rejected';
    e.rejectCode = code;
    e.rejectMessage = message;
  }

  requeueRejected(codes: readonly string[]): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const e of this.rows.values()) {
      if (e.state !== 'rejected' || e.rejectCode === undefined || !codes.includes(e.rejectCode)) continue;
      e.state = 'queued';
      delete e.rejectCode;
      delete e.rejectMessage;
      out.push({ ...e });
    }
    return out;
  }

  prune(now: number = this.now()): number {
    let pruned = 0;
    for (const [id, e] of this.rows) {
      if (e.state === 'received' && (e.receivedAt ?? 0) < now - this.limits.keepReceivedMs) {
        this.rows.delete(id);
        pruned++;
      }
    }
    for (const [id, e] of this.rows) {
      if (this.rows.size <= this.limits.capacity) break;
      if (e.state === 'received') {
        this.rows.delete(id);
        pruned++;
      }
    }
    for (const [key, at] of this.seen) if (at < now - 2 * this.limits.keepReceivedMs) this.seen.delete(key);
    return pruned;
  }

  stats(): OutboxStats {
    let pending = 0;
    let rejected = 0;
    let oldest: number | undefined;
    for (const e of this.rows.values()) {
      if (e.state === 'received') continue;
      pending++;
      if (e.state === 'rejected') rejected++;
      oldest = oldest === undefined ? e.createdAt : Math.min(oldest, e.createdAt);
    }
    return {
      pending,
      rejected,
      total: this.rows.size,
      capacity: this.limits.capacity,
      nearlyFull: pending >= this.limits.capacity * this.limits.warnAt,
      ...(oldest !== undefined ? { oldestPendingAt: oldest } : {}),
    };
  }

  latestTime(): number | undefined {
    const times = [
      ...[...this.rows.values()].flatMap((e) => [e.createdAt, e.receivedAt ?? -Infinity]),
      ...this.seen.values(),
    ];
    return times.length > 0 ? Math.max(...times) : undefined;
  }

  get(id: string): OutboxEntry | undefined {
    const e = this.rows.get(id);
    return e ? { ...e } : undefined;
  }

  recent(limit: number): OutboxEntry[] {
    return [...this.rows.values()]
      .filter((e) => e.kind === 'reading')
      .reverse()
      .slice(0, limit)
      .map((e) => ({ ...e }));
  }

  close(): void {}
}
