import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { type Outbox, type OutboxEntry, OutboxLockedError } from './outbox.js';

interface Row {
  id: string;
  topic: string;
  payload: string;
  state: OutboxEntry['state'];
  attempts: number;
  created_at: number;
}

const toEntry = (r: Row): OutboxEntry => ({
  id: r.id,
  topic: r.topic,
  payload: r.payload,
  state: r.state,
  attempts: r.attempts,
  createdAt: r.created_at,
});

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface SqliteOutboxOptions {
  /** How long the lease lasts without renewal; a dead owner on this host is taken over at once. */
  leaseMs?: number;
  now?: () => number;
}

/**
 * SQLite in WAL mode with `synchronous = FULL`: a reading is on disk before `add` returns, so a
 * kill -9 or a power cut right after the worker saw it loses nothing. File mode 0600: it holds
 * health data.
 */
export class SqliteOutbox implements Outbox {
  private readonly db: Database.Database;
  private readonly owner = `${hostname()}:${process.pid}`;
  private readonly leaseMs: number;
  private readonly now: () => number;
  private readonly leaseTimer: NodeJS.Timeout;
  private readonly stmts;

  constructor(path: string, options: SqliteOutboxOptions = {}) {
    this.leaseMs = options.leaseMs ?? 30_000;
    this.now = options.now ?? Date.now;
    if (path !== ':memory:' && !existsSync(path)) writeFileSync(path, '', { mode: 0o600 });
    this.db = new Database(path);
    if (path !== ':memory:') chmodSync(path, 0o600);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        topic TEXT NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'published', 'rejected')),
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        last_attempt_at INTEGER,
        reject_code TEXT,
        reject_message TEXT
      );
      CREATE TABLE IF NOT EXISTS lease (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        owner TEXT NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `);
    this.takeLease();
    this.leaseTimer = setInterval(() => this.renewLease(), Math.max(1000, this.leaseMs / 3));
    this.leaseTimer.unref();
    this.stmts = {
      add: this.db.prepare(
        "INSERT INTO outbox (id, topic, payload, state, created_at) VALUES (?, ?, ?, 'queued', ?) ON CONFLICT (id) DO NOTHING",
      ),
      next: this.db.prepare(
        "SELECT id, topic, payload, state, attempts, created_at FROM outbox WHERE state != 'rejected' ORDER BY seq LIMIT ?",
      ),
      published: this.db.prepare(
        "UPDATE outbox SET state = 'published', attempts = attempts + 1, last_attempt_at = ? WHERE id = ? AND state != 'rejected'",
      ),
      ack: this.db.prepare('DELETE FROM outbox WHERE id = ?'),
      reject: this.db.prepare(
        "UPDATE outbox SET state = 'rejected', reject_code = ?, reject_message = ? WHERE id = ?",
      ),
      depth: this.db.prepare('SELECT count(*) AS n FROM outbox'),
      oldest: this.db.prepare('SELECT min(created_at) AS t FROM outbox'),
      get: this.db.prepare('SELECT id, topic, payload, state, attempts, created_at FROM outbox WHERE id = ?'),
    };
  }

  private takeLease(): void {
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
      this.db
        .prepare(
          'INSERT INTO lease (id, owner, host, pid, expires_at) VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, host = excluded.host, pid = excluded.pid, expires_at = excluded.expires_at',
        )
        .run(this.owner, hostname(), process.pid, now + this.leaseMs);
    });
    take.immediate();
  }

  private renewLease(): void {
    this.db
      .prepare('UPDATE lease SET expires_at = ? WHERE id = 1 AND owner = ?')
      .run(this.now() + this.leaseMs, this.owner);
  }

  add(entry: { id: string; topic: string; payload: string }): void {
    this.stmts.add.run(entry.id, entry.topic, entry.payload, this.now());
  }

  nextToPublish(limit: number, skip: ReadonlySet<string>): OutboxEntry[] {
    if (limit <= 0) return [];
    // Read a little more than asked for, so skipped (in-flight) rows do not starve the rest.
    const rows = this.stmts.next.all(limit + skip.size) as Row[];
    const out: OutboxEntry[] = [];
    for (const r of rows) {
      if (skip.has(r.id)) continue;
      out.push(toEntry(r));
      if (out.length === limit) break;
    }
    return out;
  }

  markPublished(id: string): void {
    this.stmts.published.run(this.now(), id);
  }

  acknowledge(ids: readonly string[]): number {
    const run = this.db.transaction((list: readonly string[]) =>
      list.reduce((n, id) => n + this.stmts.ack.run(id).changes, 0),
    );
    return run(ids);
  }

  reject(id: string, code: string, message: string): void {
    this.stmts.reject.run(code, message, id);
  }

  depth(): number {
    return (this.stmts.depth.get() as { n: number }).n;
  }

  oldestCreatedAt(): number | undefined {
    return (this.stmts.oldest.get() as { t: number | null }).t ?? undefined;
  }

  get(id: string): OutboxEntry | undefined {
    const row = this.stmts.get.get(id) as Row | undefined;
    return row ? toEntry(row) : undefined;
  }

  close(): void {
    clearInterval(this.leaseTimer);
    if (!this.db.open) return;
    this.db.prepare('DELETE FROM lease WHERE owner = ?').run(this.owner);
    this.db.close();
  }
}
