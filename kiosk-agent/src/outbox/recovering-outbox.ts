import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { type DamagedFile, setAside } from '../files/damaged-file.js';
import type { NewOutboxEntry, Outbox, OutboxEntry, OutboxStats } from './outbox.js';
import { salvageOutbox } from './salvage-outbox.js';
import { SqliteOutbox, type SqliteOutboxOptions } from './sqlite-outbox.js';

/** SQLite's words for a file that is not, or no longer, a database it can read. */
export function isDamage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}

const damageReason = (error: unknown) => `${(error as { code: string }).code}: ${(error as Error).message}`;

/**
 * The outbox file, and what happens when it breaks. A power cut on a cheap SD card can leave a
 * garbled header, a damaged page in the middle, or a file of something else; SQLite may find that
 * at open, in the integrity check made at open (`PRAGMA quick_check`, about 70 ms for a full
 * 100,000-reading outbox with the file in the page cache), or only when a reading touches the page.
 * Wherever it is found, the kiosk keeps measuring: the file is moved aside with its WAL and
 * shared-memory files as `<file>.damaged-<time>`, a new outbox is opened in its place, every row
 * that can still be read out of the damaged copy is put back into it as it was (state, position,
 * duplicate keys), `onDamaged` names the file, and the operation that met the damage is done again
 * on the new outbox. Readings the device was told were kept therefore survive unless their own
 * page is gone. Any other failure (another agent holds the lease, a full disk) is thrown as it is.
 */
export class RecoveringOutbox implements Outbox {
  private current: SqliteOutbox;

  constructor(
    private readonly path: string,
    private readonly options: SqliteOutboxOptions,
    private readonly onDamaged: (damaged: DamagedFile) => void,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.current = this.open();
  }

  private open(): SqliteOutbox {
    const problem = existsSync(this.path) ? quickCheck(this.path) : undefined;
    if (problem !== undefined) return this.replace(problem);
    try {
      return new SqliteOutbox(this.path, this.options);
    } catch (error) {
      if (!isDamage(error)) throw error;
      return this.replace(damageReason(error));
    }
  }

  /** Sets the damaged file aside, opens a new one, and puts back what could be read. */
  private replace(reason: string, damaged?: SqliteOutbox): SqliteOutbox {
    try {
      damaged?.close();
    } catch {
      // Closing touches the damaged file too; it is closed all the same.
    }
    const at = this.now();
    const keptAs = setAside(this.path, at, ['-wal', '-shm']);
    const fresh = new SqliteOutbox(this.path, this.options);
    let recovered: string | undefined;
    try {
      const salvaged = salvageOutbox(keptAs);
      const restored = fresh.restore(salvaged);
      const pending = salvaged.rows.filter((r) => r.state !== 'received').length;
      if (salvaged.rows.length > 0 || salvaged.unreadable > 0)
        recovered = `${restored} entries (${pending} not yet confirmed by the clinic) read back${salvaged.unreadable > 0 ? `, ${salvaged.unreadable} unreadable` : ''}${salvaged.headerRepaired ? ', past a garbled header' : ''}`;
    } catch (error) {
      recovered = `nothing (${(error as Error).message})`;
    }
    this.onDamaged({
      path: this.path,
      keptAs,
      reason,
      at: at.toISOString(),
      ...(recovered ? { recovered } : {}),
    });
    return fresh;
  }

  /** Runs `op`; when it meets a damaged file, once more on the recovered outbox. */
  private guard<T>(op: (outbox: SqliteOutbox) => T): T {
    try {
      return op(this.current);
    } catch (error) {
      if (!isDamage(error)) throw error;
      this.current = this.replace(damageReason(error), this.current);
      return op(this.current);
    }
  }

  add(entry: NewOutboxEntry): boolean {
    return this.guard((o) => o.add(entry));
  }
  addMany(entries: readonly NewOutboxEntry[]): boolean[] {
    return this.guard((o) => o.addMany(entries));
  }
  nextToPublish(limit: number, afterSeq?: number): OutboxEntry[] {
    return this.guard((o) => o.nextToPublish(limit, afterSeq));
  }
  nextRequest(): OutboxEntry | undefined {
    return this.guard((o) => o.nextRequest());
  }
  markPublished(ids: string | readonly string[]): void {
    this.guard((o) => o.markPublished(ids));
  }
  markReceived(ids: readonly string[]): number {
    return this.guard((o) => o.markReceived(ids));
  }
  reject(id: string, code: string, message: string): void {
    this.guard((o) => o.reject(id, code, message));
  }
  latestTime(): number | undefined {
    return this.guard((o) => o.latestTime());
  }
  requeueRejected(codes: readonly string[]): OutboxEntry[] {
    return this.guard((o) => o.requeueRejected(codes));
  }
  prune(now?: number): number {
    return this.guard((o) => o.prune(now));
  }
  stats(): OutboxStats {
    return this.guard((o) => o.stats());
  }
  get(id: string): OutboxEntry | undefined {
    return this.guard((o) => o.get(id));
  }
  recent(limit: number): OutboxEntry[] {
    return this.guard((o) => o.recent(limit));
  }
  close(): void {
    this.current.close();
  }
}

/** What SQLite's quick check finds wrong with the file, or undefined when it is sound. */
function quickCheck(path: string): string | undefined {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const result = db.pragma('quick_check(1)', { simple: true });
    return result === 'ok' ? undefined : `SQLITE_CORRUPT: quick_check: ${String(result)}`;
  } catch (error) {
    if (isDamage(error)) return damageReason(error);
    throw error;
  } finally {
    db?.close();
  }
}
