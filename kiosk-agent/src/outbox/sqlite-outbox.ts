import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { isNoSpaceError, OutboxFullError } from '../disk/no-space.js';
import { fsyncDir } from '../files/durable-write.js';
import { DeferredWrites } from './deferred-writes.js';
import {
  DEFAULT_LIMITS,
  type NewOutboxEntry,
  type Outbox,
  type OutboxEntry,
  type OutboxLimits,
  type OutboxStats,
} from './outbox.js';
import type { SalvagedOutbox } from './salvage-outbox.js';
import { OutboxLease } from './sqlite-lease.js';
import { createOutboxSchema } from './sqlite-schema.js';

interface Row {
  seq: number;
  id: string;
  kind: OutboxEntry['kind'];
  topic: string;
  payload: string;
  state: OutboxEntry['state'];
  attempts: number;
  created_at: number;
  received_at: number | null;
  reject_code: string | null;
  reject_message: string | null;
}

const COLUMNS =
  'seq, id, kind, topic, payload, state, attempts, created_at, received_at, reject_code, reject_message';

/** Readings kept in memory at most for the publisher (about 1 kB each). */
const TAIL_MAX = 2000;

const toEntry = (r: Row): OutboxEntry => ({
  seq: r.seq,
  id: r.id,
  kind: r.kind,
  topic: r.topic,
  payload: r.payload,
  state: r.state,
  attempts: r.attempts,
  createdAt: r.created_at,
  ...(r.received_at !== null ? { receivedAt: r.received_at } : {}),
  ...(r.reject_code !== null ? { rejectCode: r.reject_code } : {}),
  ...(r.reject_message !== null ? { rejectMessage: r.reject_message } : {}),
});

export interface SqliteOutboxOptions extends Partial<OutboxLimits> {
  /** How long the lease lasts without renewal; a dead owner on this host is taken over at once. */
  leaseMs?: number;
  now?: () => number;
  /**
   * A write failed for lack of space. A new entry then fails with `OutboxFullError`; a receipt or
   * a refusal is kept in memory and written with the next write or by the lease timer; the rest
   * (sent, pruned, the lease) is skipped and done again later: a reading is at worst sent once
   * more, and the clinic knows it by its id. Whoever listens frees the reserve (disk/).
   */
  onNoSpace?: (error: unknown) => void;
}

/**
 * SQLite in WAL mode; a new reading is committed with `synchronous = FULL`, so it is on disk before
 * `add` returns, and a kill -9 or a power cut right after the worker saw it loses nothing. File mode 0600: it holds
 * health data. A lease row makes sure only one agent process owns the file.
 */
export class SqliteOutbox implements Outbox {
  private readonly db: Database.Database;
  private readonly leaseMs: number;
  private readonly lease: OutboxLease;
  private readonly limits: OutboxLimits;
  private readonly now: () => number;
  private readonly writes: DeferredWrites;
  private readonly stmts;
  /**
   * The newest readings, as added by this process, while the clinic has not confirmed them: the
   * publisher asks for what it just added, and reading those rows back from SQLite cost more than
   * anything else it does per reading. Every row with `seq >= tailFrom` is here, in order.
   */
  private tail: OutboxEntry[] = [];
  private readonly tailById = new Map<string, OutboxEntry>();
  private tailFrom: number;
  /** The first request still waiting (see `OutboxEntryKind`): nothing after it is published. */
  private barrier: { seq: number; id: string } | undefined;

  constructor(path: string, options: SqliteOutboxOptions = {}) {
    this.leaseMs = options.leaseMs ?? 30_000;
    this.limits = {
      capacity: options.capacity ?? DEFAULT_LIMITS.capacity,
      keepReceivedMs: options.keepReceivedMs ?? DEFAULT_LIMITS.keepReceivedMs,
      warnAt: options.warnAt ?? DEFAULT_LIMITS.warnAt,
    };
    this.now = options.now ?? Date.now;
    // A request's receipt written late: the readings it held back may go now.
    this.writes = new DeferredWrites(options.onNoSpace ?? (() => undefined), () => {
      this.barrier = this.stmts.firstRequest.get() as { seq: number; id: string } | undefined;
    });
    if (path !== ':memory:' && !existsSync(path)) {
      writeFileSync(path, '', { mode: 0o600 });
      fsyncDir(path);
    }
    this.db = new Database(path);
    let lease: OutboxLease | undefined;
    try {
      if (path !== ':memory:') chmodSync(path, 0o600);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('busy_timeout = 5000');
      createOutboxSchema(this.db);
      lease = new OutboxLease(this.db, this.leaseMs, this.now, this.writes);
      this.lease = lease;
      this.stmts = {
        remember: this.db.prepare(
          'INSERT INTO seen (dedupe_key, reading_id, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
        ),
        seenKey: this.db.prepare('SELECT 1 FROM seen WHERE dedupe_key = ?'),
        add: this.db.prepare(
          "INSERT INTO outbox (id, kind, dedupe_key, topic, payload, state, created_at) VALUES (?, ?, ?, ?, ?, 'queued', ?) ON CONFLICT (id) DO NOTHING",
        ),
        next: this.db.prepare(
          `SELECT ${COLUMNS} FROM outbox WHERE seq > ? AND seq < ? AND state IN ('queued', 'published') ORDER BY seq LIMIT ?`,
        ),
        firstRequest: this.db.prepare(
          "SELECT seq, id FROM outbox WHERE kind != 'reading' AND state = 'queued' ORDER BY seq LIMIT 1",
        ),
        waitingBefore: this.db.prepare(
          "SELECT 1 AS one FROM outbox WHERE state IN ('queued', 'published') AND seq < ? LIMIT 1",
        ),
        // Ids come in batches as a JSON array: one statement per batch instead of one per reading.
        // `+state` keeps SQLite on the id index: through the state index it would visit every
        // reading waiting in the outbox for each batch.
        published: this.db.prepare(
          "UPDATE outbox SET state = 'published', attempts = attempts + 1, last_attempt_at = ? WHERE id IN (SELECT value FROM json_each(?)) AND +state IN ('queued', 'published')",
        ),
        received: this.db.prepare(
          "UPDATE outbox SET state = 'received', received_at = ? WHERE id IN (SELECT value FROM json_each(?)) AND +state != 'received'",
        ),
        reject: this.db.prepare(
          "UPDATE outbox SET state = 'rejected', reject_code = ?, reject_message = ? WHERE id = ?",
        ),
        requeue: this.db.prepare(
          `UPDATE outbox SET state = 'queued', reject_code = NULL, reject_message = NULL WHERE state = 'rejected' AND reject_code IN (SELECT value FROM json_each(?)) RETURNING ${COLUMNS}`,
        ),
        // Both read only the (state, seq) index: a full outbox after days offline holds 100,000
        // readings, and scanning their rows for the status took 90 ms of the event loop each time.
        counts: this.db.prepare('SELECT state, count(*) AS n FROM outbox GROUP BY state'),
        oldestPending: this.db.prepare(
          "SELECT created_at FROM outbox WHERE seq = (SELECT min(m) FROM (SELECT min(seq) AS m FROM outbox WHERE state = 'queued' UNION ALL SELECT min(seq) FROM outbox WHERE state = 'published' UNION ALL SELECT min(seq) FROM outbox WHERE state = 'rejected'))",
        ),
        get: this.db.prepare(`SELECT ${COLUMNS} FROM outbox WHERE id = ?`),
        recent: this.db.prepare(
          `SELECT ${COLUMNS} FROM outbox WHERE kind = 'reading' ORDER BY seq DESC LIMIT ?`,
        ),
        pruneAged: this.db.prepare("DELETE FROM outbox WHERE state = 'received' AND received_at < ?"),
        pruneOldest: this.db.prepare(
          "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE state = 'received' ORDER BY seq LIMIT ?)",
        ),
        pruneSeen: this.db.prepare('DELETE FROM seen WHERE seen_at < ?'),
      };
      const last = this.db.prepare('SELECT max(seq) AS seq FROM outbox').get() as { seq: number | null };
      this.tailFrom = (last.seq ?? 0) + 1;
      this.barrier = this.stmts.firstRequest.get() as { seq: number; id: string } | undefined;
    } catch (error) {
      // A start that failed (another agent's lease, a disk too full to set up) leaves no handle
      // open behind it: the caller may try again.
      lease?.stop();
      this.db.close();
      throw error;
    }
  }

  /**
   * Puts rows read out of a damaged copy of the outbox back, as they were: same position, state and
   * attempts, so the publisher's order and the clinic's receipts still match them, and their
   * duplicate keys, so a meter's memory handed over again is not kept twice. Rows already here win.
   */
  restore(salvaged: Pick<SalvagedOutbox, 'rows' | 'seen'>): number {
    const insertRow = this.db.prepare(
      `INSERT INTO outbox (${COLUMNS}, dedupe_key, last_attempt_at) VALUES (@seq, @id, @kind, @topic, @payload, @state, @attempts, @created_at, @received_at, @reject_code, @reject_message, @dedupe_key, @last_attempt_at) ON CONFLICT DO NOTHING`,
    );
    const restored = this.db.transaction(() => {
      let n = 0;
      for (const row of salvaged.rows) {
        n += insertRow.run(row).changes;
        if (row.dedupe_key !== null) this.stmts.remember.run(row.dedupe_key, row.id, row.created_at);
      }
      for (const s of salvaged.seen) this.stmts.remember.run(s.dedupe_key, s.reading_id, s.seen_at);
      return n;
    });
    this.db.pragma('synchronous = FULL');
    try {
      const n = restored.immediate();
      this.tail = [];
      this.tailById.clear();
      const last = this.db.prepare('SELECT max(seq) AS seq FROM outbox').get() as { seq: number | null };
      this.tailFrom = (last.seq ?? 0) + 1;
      this.barrier = this.stmts.firstRequest.get() as { seq: number; id: string } | undefined;
      return n;
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  add(entry: NewOutboxEntry): boolean {
    return this.addMany([entry])[0] as boolean;
  }

  addMany(entries: readonly NewOutboxEntry[]): boolean[] {
    if (entries.length === 0) return [];
    this.writes.catchUp();
    const now = this.now();
    // Filled inside the transaction; it reaches the tail only once the transaction committed.
    const added: OutboxEntry[] = [];
    const insert = this.db.transaction((list: readonly NewOutboxEntry[]) =>
      list.map((entry) => {
        const key = entry.dedupeKey ?? null;
        const kind = entry.kind ?? 'reading';
        if (entry.formerKeys?.some((former) => this.stmts.seenKey.get(former) !== undefined)) {
          if (key !== null) this.stmts.remember.run(key, entry.id, now);
          return false;
        }
        // Remembering the key is also the check: a key seen before changes nothing.
        if (key !== null && this.stmts.remember.run(key, entry.id, now).changes === 0) return false;
        const result = this.stmts.add.run(entry.id, kind, key, entry.topic, entry.payload, now);
        if (result.changes !== 1) return false;
        added.push({
          seq: Number(result.lastInsertRowid),
          id: entry.id,
          kind,
          topic: entry.topic,
          payload: entry.payload,
          state: 'queued',
          attempts: 0,
          createdAt: now,
        });
        return true;
      }),
    );
    // New readings are fsync'd before this returns (FULL); state changes after them are not
    // (NORMAL): losing one to a power cut only means a reading is sent once more, and the clinic
    // recognises it by id. One fsync per batch instead of three per reading.
    this.db.pragma('synchronous = FULL');
    let result: boolean[];
    try {
      result = insert.immediate(entries);
    } catch (error) {
      if (!isNoSpaceError(error)) throw error;
      this.writes.noSpace(error);
      throw new OutboxFullError(
        `the outbox cannot keep new readings: its disk is full (${(error as { code: string }).code})`,
        error,
      );
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
    for (const entry of added) {
      this.tail.push(entry);
      this.tailById.set(entry.id, entry);
      if (entry.kind !== 'reading') this.barrier ??= { seq: entry.seq, id: entry.id };
    }
    this.trimTail();
    return result;
  }

  /**
   * Keeps the tail short: confirmed readings leave its front, and past `TAIL_MAX` (a clinic away
   * for long) its older half is left to SQLite.
   */
  private trimTail(): void {
    let drop = 0;
    const { tail } = this;
    if (tail.length > TAIL_MAX) drop = tail.length - TAIL_MAX / 2;
    while (drop < tail.length) {
      const state = (tail[drop] as OutboxEntry).state;
      if (state !== 'received' && state !== 'rejected') break;
      drop++;
    }
    if (drop === 0) return;
    for (const entry of tail.slice(0, drop)) this.tailById.delete(entry.id);
    this.tailFrom =
      drop < tail.length ? (tail[drop] as OutboxEntry).seq : (tail.at(-1) as OutboxEntry).seq + 1;
    this.tail = tail.slice(drop);
  }

  nextToPublish(limit: number, afterSeq = 0): OutboxEntry[] {
    if (limit <= 0) return [];
    const before = this.barrier?.seq ?? Number.MAX_SAFE_INTEGER;
    if (afterSeq < this.tailFrom - 1)
      return (this.stmts.next.all(afterSeq, before, limit) as Row[]).map(toEntry);
    const { tail } = this;
    // The tail is in seq order: find the first entry after the cursor by bisection.
    let low = 0;
    let high = tail.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((tail[mid] as OutboxEntry).seq <= afterSeq) low = mid + 1;
      else high = mid;
    }
    const out: OutboxEntry[] = [];
    for (let i = low; i < tail.length && out.length < limit; i++) {
      const entry = tail[i] as OutboxEntry;
      if (entry.seq >= before) break;
      if (entry.state === 'queued' || entry.state === 'published') out.push({ ...entry });
    }
    return out;
  }

  nextRequest(): OutboxEntry | undefined {
    const barrier = this.barrier;
    if (!barrier || this.stmts.waitingBefore.get(barrier.seq)) return undefined;
    return this.get(barrier.id);
  }

  /** The request at the barrier is done: the next one waiting (if any) holds the readings now. */
  private passBarrier(ids: readonly string[]): void {
    if (this.barrier && ids.includes(this.barrier.id))
      this.barrier = this.stmts.firstRequest.get() as { seq: number; id: string } | undefined;
  }

  markPublished(ids: string | readonly string[]): void {
    const now = this.now();
    const list = typeof ids === 'string' ? [ids] : ids;
    if (list.length === 0) return;
    if (!this.writes.tolerate(() => this.stmts.published.run(now, JSON.stringify(list)), undefined)) return;
    for (const id of list) {
      const entry = this.tailById.get(id);
      if (entry && (entry.state === 'queued' || entry.state === 'published')) {
        entry.state = 'published';
        entry.attempts++;
      }
    }
  }

  markReceived(ids: readonly string[]): number {
    if (ids.length === 0) return 0;
    const now = this.now();
    let changes = 0;
    const json = JSON.stringify(ids);
    this.writes.must(() => {
      changes = this.stmts.received.run(now, json).changes;
    });
    for (const id of ids) {
      const entry = this.tailById.get(id);
      if (entry && entry.state !== 'received') {
        entry.state = 'received';
        entry.receivedAt = now;
      }
    }
    this.passBarrier(ids);
    this.trimTail();
    return changes;
  }

  reject(id: string, code: string, message: string): void {
    this.writes.must(() => this.stmts.reject.run(code, message, id));
    const entry = this.tailById.get(id);
    if (entry) {
      entry.state = 'rejected';
      entry.rejectCode = code;
      entry.rejectMessage = message;
    }
    this.passBarrier([id]);
    this.trimTail();
  }

  requeueRejected(codes: readonly string[]): OutboxEntry[] {
    if (codes.length === 0) return [];
    const entries = (this.stmts.requeue.all(JSON.stringify(codes)) as Row[])
      .map(toEntry)
      .sort((a, b) => a.seq - b.seq);
    for (const entry of entries) {
      const kept = this.tailById.get(entry.id);
      if (!kept) continue;
      kept.state = 'queued';
      delete kept.rejectCode;
      delete kept.rejectMessage;
    }
    // A request put back may come before the one holding the readings now.
    if (entries.some((e) => e.kind !== 'reading'))
      this.barrier = this.stmts.firstRequest.get() as { seq: number; id: string } | undefined;
    return entries;
  }

  prune(now: number = this.now()): number {
    const prune = this.db.transaction(() => {
      let pruned = this.stmts.pruneAged.run(now - this.limits.keepReceivedMs).changes;
      const over = this.countByState().total - this.limits.capacity;
      if (over > 0) pruned += this.stmts.pruneOldest.run(over).changes;
      // Duplicate recognition outlives the readings by the same margin again.
      this.stmts.pruneSeen.run(now - 2 * this.limits.keepReceivedMs);
      return pruned;
    });
    return this.writes.tolerate(() => prune(), 0);
  }

  private countByState(): { total: number; pending: number; rejected: number } {
    const counts = { total: 0, pending: 0, rejected: 0 };
    for (const { state, n } of this.stmts.counts.all() as { state: OutboxEntry['state']; n: number }[]) {
      counts.total += n;
      if (state !== 'received') counts.pending += n;
      if (state === 'rejected') counts.rejected += n;
    }
    return counts;
  }

  stats(): OutboxStats {
    const c = this.countByState();
    const oldest = this.stmts.oldestPending.get() as { created_at: number } | undefined;
    return {
      pending: c.pending,
      rejected: c.rejected,
      total: c.total,
      capacity: this.limits.capacity,
      nearlyFull: c.pending >= this.limits.capacity * this.limits.warnAt,
      ...(oldest ? { oldestPendingAt: oldest.created_at } : {}),
    };
  }

  latestTime(): number | undefined {
    const row = this.db
      .prepare(
        'SELECT max(t) AS t FROM (SELECT max(created_at) AS t FROM outbox UNION ALL SELECT max(received_at) FROM outbox UNION ALL SELECT max(last_attempt_at) FROM outbox UNION ALL SELECT max(seen_at) FROM seen)',
      )
      .get() as { t: number | null };
    return row.t ?? undefined;
  }

  get(id: string): OutboxEntry | undefined {
    const row = this.stmts.get.get(id) as Row | undefined;
    return row ? toEntry(row) : undefined;
  }

  recent(limit: number): OutboxEntry[] {
    return (this.stmts.recent.all(limit) as Row[]).map(toEntry);
  }

  close(): void {
    if (!this.db.open) return;
    try {
      this.lease.release();
    } finally {
      this.db.close();
    }
  }
}
