import { closeSync, copyFileSync, existsSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { OutboxEntryKind, OutboxState } from './outbox.js';

/** One outbox row as it is stored, every column, to be put back as it was. */
export interface StoredRow {
  seq: number;
  id: string;
  kind: OutboxEntryKind;
  dedupe_key: string | null;
  topic: string;
  payload: string;
  state: OutboxState;
  attempts: number;
  created_at: number;
  last_attempt_at: number | null;
  received_at: number | null;
  reject_code: string | null;
  reject_message: string | null;
}

export interface SeenRow {
  dedupe_key: string;
  reading_id: string;
  seen_at: number;
}

export interface SalvagedOutbox {
  rows: StoredRow[];
  seen: SeenRow[];
  /** Row positions that could not be read (on a damaged page), counted one by one. */
  unreadable: number;
  /** The file's first 100 bytes were not SQLite's and were put back from a sound file. */
  headerRepaired: boolean;
}

/** Rows read per query; a range that fails is halved until the unreadable rows are alone. */
const RANGE = 512;
const KINDS = new Set(['reading', 'open-screening', 'finish-screening']);
const STATES = new Set(['queued', 'published', 'received', 'rejected']);
const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Reads every row that can still be read out of a damaged outbox file (with its `-wal` beside it),
 * without changing it. SQLite's `.recover` is not in better-sqlite3, so the table is walked by
 * ranges of its rowid (`seq`): a range that lands on a damaged page fails alone and is halved down
 * to the rows that cannot be read, which are skipped and counted. A header that is not SQLite's
 * (the first bytes garbled) is put back from a sound header in a copy, so the pages after it can
 * be read. Returns nothing to keep when the file holds no readable outbox at all.
 */
export function salvageOutbox(path: string): SalvagedOutbox {
  if (hasSqliteHeader(path)) return readOutbox(path, false) ?? NOTHING;
  // The page size is not known once the header is gone: the one this agent makes, then the others.
  const copy = `${path}.header-repaired`;
  try {
    for (const pageSize of [4096, 1024, 2048, 8192, 16384, 32768, 65536]) {
      copyFileSync(path, copy);
      if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${copy}-wal`);
      writeSoundHeader(copy, pageSize);
      const read = readOutbox(copy, true);
      if (read) return read;
    }
    return { ...NOTHING, headerRepaired: true };
  } finally {
    for (const s of ['', '-wal', '-shm', '.sample']) rmSync(`${copy}${s}`, { force: true });
  }
}

const NOTHING: SalvagedOutbox = { rows: [], seen: [], unreadable: 0, headerRepaired: false };

function readOutbox(path: string, headerRepaired: boolean): SalvagedOutbox | undefined {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.prepare('SELECT 1 FROM outbox LIMIT 0').get();
  } catch {
    return undefined;
  }
  try {
    const { rows, unreadable } = readRows(db);
    return { rows, seen: readSeen(db), unreadable, headerRepaired };
  } finally {
    db.close();
  }
}

function hasSqliteHeader(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(MAGIC.length);
    readSync(fd, head, 0, head.length, 0);
    return head.equals(MAGIC);
  } finally {
    closeSync(fd);
  }
}

/**
 * Puts the header of a sound database of this page size over the first 100 bytes of `to`. Its page
 * count is made stale on purpose: SQLite then takes the size from the file's length. The free-page
 * list is emptied, since the damaged one cannot be trusted and a reader does not need it.
 */
function writeSoundHeader(to: string, pageSize: number): void {
  const sample = `${to}.sample`;
  rmSync(sample, { force: true });
  const db = new Database(sample);
  db.pragma(`page_size = ${pageSize}`);
  db.exec('CREATE TABLE t (x)');
  db.close();
  const header = Buffer.alloc(100);
  const src = openSync(sample, 'r');
  try {
    readSync(src, header, 0, 100, 0);
  } finally {
    closeSync(src);
  }
  header.writeUInt32BE(0, 32); // first free-list trunk page
  header.writeUInt32BE(0, 36); // free pages
  header.writeUInt32BE(header.readUInt32BE(92) + 1, 24); // change counter ≠ version-valid-for
  const dst = openSync(to, 'r+');
  try {
    writeSync(dst, header, 0, 100, 0);
  } finally {
    closeSync(dst);
  }
}

function columnsOf(db: Database.Database): Set<string> {
  const cols = db.prepare('SELECT name FROM pragma_table_info(?)').all('outbox') as { name: string }[];
  return new Set(cols.map((c) => c.name));
}

/** The highest seq there may be: from the table, else AUTOINCREMENT's record of it, else a guess. */
function lastSeq(db: Database.Database): number {
  for (const sql of [
    'SELECT max(seq) AS n FROM outbox',
    "SELECT seq AS n FROM sqlite_sequence WHERE name = 'outbox'",
  ]) {
    try {
      const n = (db.prepare(sql).get() as { n: number | null } | undefined)?.n;
      if (typeof n === 'number') return n;
    } catch {
      // The page holding it is damaged: the next way.
    }
  }
  return 1_000_000;
}

function readRows(db: Database.Database): { rows: StoredRow[]; unreadable: number } {
  // Outboxes written before screening requests were kept hold readings only (no `kind`).
  const kind = columnsOf(db).has('kind') ? 'kind' : "'reading' AS kind";
  const select = db.prepare(
    `SELECT seq, id, ${kind}, dedupe_key, topic, payload, state, attempts, created_at, last_attempt_at, received_at, reject_code, reject_message FROM outbox WHERE seq BETWEEN ? AND ? ORDER BY seq`,
  );
  const rows: StoredRow[] = [];
  let unreadable = 0;
  const read = (from: number, to: number): void => {
    try {
      for (const row of select.all(from, to) as StoredRow[])
        if (plausible(row)) rows.push(row);
        else unreadable++;
    } catch {
      if (from === to) {
        unreadable++;
        return;
      }
      const mid = Math.floor((from + to) / 2);
      read(from, mid);
      read(mid + 1, to);
    }
  };
  const last = lastSeq(db);
  for (let from = 1; from <= last; from += RANGE) read(from, Math.min(last, from + RANGE - 1));
  return { rows, unreadable };
}

/** A row off a damaged page can be read without error and still be nonsense. */
function plausible(r: StoredRow): boolean {
  return (
    typeof r.id === 'string' &&
    r.id.length > 0 &&
    KINDS.has(r.kind) &&
    STATES.has(r.state) &&
    typeof r.topic === 'string' &&
    typeof r.payload === 'string' &&
    Number.isFinite(r.created_at)
  );
}

/**
 * Duplicate recognition of readings already pruned. Keyed by text, so it is walked in key order;
 * past a damaged page the rest is given up: the rows themselves still carry their keys.
 */
function readSeen(db: Database.Database): SeenRow[] {
  const page = db.prepare(
    'SELECT dedupe_key, reading_id, seen_at FROM seen WHERE dedupe_key > ? ORDER BY dedupe_key LIMIT 1000',
  );
  const seen: SeenRow[] = [];
  let after = '';
  try {
    for (;;) {
      const batch = page.all(after) as SeenRow[];
      if (batch.length === 0) break;
      seen.push(...batch);
      after = (batch.at(-1) as SeenRow).dedupe_key;
    }
  } catch {
    // Kept what came before the damaged page.
  }
  return seen;
}
