import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DamagedFile } from '../files/damaged-file.js';
import { openSqliteOutbox } from './open-sqlite.js';
import type { Outbox } from './outbox.js';

const AT = () => new Date('2026-12-07T02:03:04.005Z');
const PAGE = 4096;

function outboxPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'kd-outbox-')), 'outbox.db');
}

/** An outbox of `n` readings of about 1 kB, the first half confirmed, checkpointed into the file. */
function populated(path: string, n: number): void {
  const outbox = openSqliteOutbox(path, {}, () => {});
  const payload = JSON.stringify({ note: 'x'.repeat(900) });
  outbox.addMany(
    Array.from({ length: n }, (_, i) => ({ id: `r-${i}`, topic: 't', payload, dedupeKey: `k-${i}` })),
  );
  outbox.markReceived(Array.from({ length: n / 2 }, (_, i) => `r-${i}`));
  outbox.close();
}

function scribble(path: string, offset: number, length: number): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(length, 0xa5), 0, length, offset);
  } finally {
    closeSync(fd);
  }
}

function ids(outbox: Outbox, n: number) {
  const found = Array.from({ length: n }, (_, i) => outbox.get(`r-${i}`));
  return {
    present: found.filter((e) => e !== undefined),
    missing: found.filter((e) => e === undefined).length,
  };
}

describe('opening the outbox file', () => {
  it('sets a file SQLite cannot read aside, says where, and opens an empty outbox in its place', () => {
    const path = outboxPath();
    const garbage = 'this is not a database, but the bytes of a half-written SD card block '.repeat(100);
    writeFileSync(path, garbage);
    const reported: DamagedFile[] = [];
    const outbox = openSqliteOutbox(path, {}, (d) => reported.push(d), AT);
    try {
      expect(reported).toEqual([
        {
          path,
          keptAs: `${path}.damaged-2026-12-07T02-03-04-005Z`,
          reason: expect.stringMatching(/^SQLITE_NOTADB/),
          at: '2026-12-07T02:03:04.005Z',
        },
      ]);
      expect(readFileSync(reported[0]!.keptAs, 'utf8')).toBe(garbage);
      expect(outbox.stats().pending).toBe(0);
    } finally {
      outbox.close();
    }
  });

  it('reads every entry back, with its state and duplicate key, past a garbled header', () => {
    const path = outboxPath();
    populated(path, 200);
    scribble(path, 0, 100);
    const reported: DamagedFile[] = [];
    const outbox = openSqliteOutbox(path, {}, (d) => reported.push(d), AT);
    try {
      expect(reported).toEqual([
        expect.objectContaining({
          path,
          reason: expect.stringMatching(/^SQLITE_NOTADB/),
          recovered: '200 entries (100 not yet confirmed by the clinic) read back, past a garbled header',
        }),
      ]);
      expect(outbox.stats()).toMatchObject({ pending: 100, total: 200 });
      expect(outbox.get('r-0')).toMatchObject({ state: 'received', seq: 1 });
      expect(outbox.get('r-199')).toMatchObject({ state: 'queued', seq: 200 });
      // The order goes on after the entries read back, and a record sent again is known.
      expect(outbox.add({ id: 'again', topic: 't', payload: '{}', dedupeKey: 'k-7' })).toBe(false);
      outbox.add({ id: 'r-200', topic: 't', payload: '{}' });
      expect(outbox.get('r-200')?.seq).toBe(201);
      // The damaged file is kept as it was for a person to look at.
      expect(readdirSync(join(path, '..')).filter((f) => f.includes('.damaged-'))).toEqual([
        'outbox.db.damaged-2026-12-07T02-03-04-005Z',
      ]);
    } finally {
      outbox.close();
    }
  });

  it('finds a damaged page in the middle at open, and keeps every entry of the other pages', () => {
    const path = outboxPath();
    populated(path, 400);
    scribble(path, 60 * PAGE, PAGE);
    const reported: DamagedFile[] = [];
    const outbox = openSqliteOutbox(path, {}, (d) => reported.push(d), AT);
    try {
      expect(reported).toHaveLength(1);
      expect(reported[0]?.reason).toMatch(/^SQLITE_CORRUPT/);
      const { present, missing } = ids(outbox, 400);
      // A page holds about four readings of this size: those are gone, not the rest.
      expect(missing).toBeGreaterThan(0);
      expect(missing).toBeLessThanOrEqual(8);
      expect(reported[0]?.recovered).toMatch(new RegExp(`^${400 - missing} entries .*unreadable$`));
      for (const entry of present) {
        const i = Number(entry!.id.slice(2));
        expect(entry!.state).toBe(i < 200 ? 'received' : 'queued');
      }
    } finally {
      outbox.close();
    }
  });

  it('survives a page damaged while it runs: the operation is done again on the recovered outbox', () => {
    const path = outboxPath();
    populated(path, 2000);
    const reported: DamagedFile[] = [];
    const outbox = openSqliteOutbox(path, {}, (d) => reported.push(d), AT);
    try {
      // A small page cache, so the damaged page is read from the file, as after days of running.
      (outbox as unknown as { current: { db: { pragma(s: string): void } } }).current.db.pragma(
        'cache_size = 8',
      );
      scribble(path, 300 * PAGE, PAGE);
      const waiting = Array.from({ length: 1000 }, (_, i) => `r-${1000 + i}`);
      outbox.markReceived(waiting);
      expect(reported).toEqual([
        expect.objectContaining({ reason: expect.stringMatching(/^SQLITE_CORRUPT/) }),
      ]);
      expect(outbox.add({ id: 'next', topic: 't', payload: '{}' })).toBe(true);
      const { present, missing } = ids(outbox, 2000);
      expect(missing).toBeLessThanOrEqual(8);
      expect(present.every((e) => e!.state === 'received')).toBe(true);
      expect(outbox.stats().pending).toBe(1);
    } finally {
      outbox.close();
    }
  });

  it('opens a sound file as it is, and throws anything else (another agent holds it) as it is', () => {
    const path = outboxPath();
    const reported: DamagedFile[] = [];
    const first = openSqliteOutbox(path, {}, (d) => reported.push(d));
    // Same process id, so pretend the owner is another, live process: the lease row names pid 1.
    (first as unknown as { current: { db: { prepare(s: string): { run(): void } } } }).current.db
      .prepare("UPDATE lease SET owner = 'other', pid = 1")
      .run();
    try {
      expect(() => openSqliteOutbox(path, {}, (d) => reported.push(d))).toThrow(
        expect.objectContaining({ code: 'OUTBOX_LOCKED' }),
      );
      expect(reported).toEqual([]);
    } finally {
      first.close();
    }
  });
});
