import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newUuidV7 } from '@klinik-desa/protocol';
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { OutboxFullError } from '../disk/no-space.js';
import { SqliteOutbox } from './sqlite-outbox.js';

const open: SqliteOutbox[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});
const entry = (size = 10) => {
  const id = newUuidV7();
  return { id, topic: 'klinik-desa/v1/c/k/readings', payload: JSON.stringify({ id, pad: 'x'.repeat(size) }) };
};

/**
 * SQLite's own page limit makes its writes fail with SQLITE_FULL, as a full disk does, without
 * a disk to fill: the database may not grow past the pages it has now.
 */
function fillUp(outbox: SqliteOutbox): (pages?: number) => void {
  const db = (outbox as unknown as { db: Database.Database }).db;
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages}`);
  return (more = 1_000_000) => db.pragma(`max_page_count = ${pages + more}`);
}

describe('SqliteOutbox on a full disk', () => {
  it('refuses a new entry with OUTBOX_FULL, tells onNoSpace, and keeps its state as it was', () => {
    const noSpace: unknown[] = [];
    const outbox = new SqliteOutbox(join(mkdtempSync(join(tmpdir(), 'kd-full-')), 'outbox.db'), {
      onNoSpace: (error) => noSpace.push(error),
    });
    open.push(outbox);
    const first = entry();
    outbox.add(first);
    const free = fillUp(outbox);
    const big = entry(64 * 1024);
    expect(() => outbox.add(big)).toThrow(OutboxFullError);
    expect(noSpace).toEqual([expect.objectContaining({ code: 'SQLITE_FULL' })]);
    expect(outbox.get(big.id)).toBeUndefined();
    expect(outbox.nextToPublish(10).map((e) => e.id)).toEqual([first.id]);
    expect(outbox.stats()).toMatchObject({ pending: 1, total: 1 });
    // State changes that need no new page still work: the receipt of what is in it frees space.
    expect(outbox.markReceived([first.id])).toBe(1);

    free();
    expect(outbox.add(big)).toBe(true);
    expect(outbox.nextToPublish(10).map((e) => e.id)).toEqual([big.id]);
  });

  it('skips a state change that fails for lack of space instead of throwing, and does it later', () => {
    const noSpace: unknown[] = [];
    const outbox = new SqliteOutbox(':memory:', { onNoSpace: (error) => noSpace.push(error) });
    open.push(outbox);
    const entries = Array.from({ length: 50 }, () => entry(2000));
    outbox.addMany(entries);
    const ids = entries.map((e) => e.id);
    const db = (outbox as unknown as { db: Database.Database }).db;
    // The published state's index entries need pages too: with none to spare, the update fails.
    db.exec('CREATE INDEX attempts_by_time ON outbox (last_attempt_at, payload)');
    const free = fillUp(outbox);
    expect(() => outbox.markPublished(ids)).not.toThrow();
    expect(noSpace.length).toBeGreaterThan(0);
    expect(outbox.nextToPublish(100).every((e) => e.state === 'queued')).toBe(true);
    free();
    outbox.markPublished(ids);
    expect(outbox.nextToPublish(100).every((e) => e.state === 'published')).toBe(true);
  });

  it("keeps the clinic's receipts that found no room, and writes them with the next write", () => {
    const noSpace: unknown[] = [];
    const outbox = new SqliteOutbox(':memory:', { onNoSpace: (error) => noSpace.push(error) });
    open.push(outbox);
    const entries = Array.from({ length: 50 }, () => entry(2000));
    outbox.addMany(entries);
    const db = (outbox as unknown as { db: Database.Database }).db;
    db.exec('CREATE INDEX received_by_time ON outbox (received_at, payload)');
    const free = fillUp(outbox);
    expect(() => outbox.markReceived(entries.map((e) => e.id))).not.toThrow();
    expect(noSpace.length).toBeGreaterThan(0);
    expect(outbox.stats().pending).toBe(50);

    free();
    const later = entry();
    outbox.add(later);
    expect(outbox.stats().pending).toBe(1);
    expect(outbox.get(entries[0]?.id as string)?.state).toBe('received');
    expect(outbox.nextToPublish(100).map((e) => e.id)).toEqual([later.id]);
  });
});
