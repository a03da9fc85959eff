import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newUuidV7 } from '@klinik-desa/protocol';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { OutboxLockedError } from './outbox.js';
import { SqliteOutbox } from './sqlite-outbox.js';

const open: SqliteOutbox[] = [];
function outbox(path = ':memory:', options = {}) {
  const o = new SqliteOutbox(path, options);
  open.push(o);
  return o;
}
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});
const entry = (id = newUuidV7()) => ({ id, topic: 'klinik-desa/v1/c/k/readings', payload: `{"id":"${id}"}` });

describe('SqliteOutbox', () => {
  it('is a private file that survives reopening', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kd-outbox-')), 'outbox.db');
    const first = new SqliteOutbox(path);
    const e = entry();
    first.add(e);
    first.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(outbox(path).get(e.id)?.payload).toBe(e.payload);
  });

  it('hands out from its memory of the newest readings exactly what the file holds', () => {
    // The publisher is served the readings this process just added from memory; after a restart
    // the same questions are answered from the file. Both must give the same answers, also past
    // the 2000 readings kept in memory, with receipts and rejections spread among them.
    const path = join(mkdtempSync(join(tmpdir(), 'kd-outbox-')), 'outbox.db');
    const live = new SqliteOutbox(path);
    const ids: string[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const es = Array.from({ length: 250 }, () => entry());
      live.addMany(es);
      ids.push(...es.map((e) => e.id));
      live.markPublished(ids.filter((_, i) => i % 3 === 0));
      live.markReceived(ids.filter((_, i) => i % 5 === 0 && i < ids.length - 100));
      if (batch % 2 === 0) live.reject(ids.at(-7) as string, 'SCHEMA', 'bad');
    }
    live.markReceived(ids.slice(0, 300)); // the front: memory lets go of it
    const pages = (o: SqliteOutbox) => {
      const seen: unknown[] = [];
      for (
        let cursor = 0, page = o.nextToPublish(333, 0);
        page.length > 0;
        page = o.nextToPublish(333, cursor)
      ) {
        seen.push(...page);
        cursor = (page.at(-1) as { seq: number }).seq;
      }
      return seen;
    };
    const fromMemory = pages(live);
    const lateCursor = live.nextToPublish(5, (fromMemory.at(-50) as { seq: number }).seq);
    live.close();
    const reopened = outbox(path);
    expect(fromMemory.length).toBeGreaterThan(1500);
    expect(pages(reopened)).toEqual(fromMemory);
    expect(reopened.nextToPublish(5, (fromMemory.at(-50) as { seq: number }).seq)).toEqual(lateCursor);
  });

  it('keeps a waiting request, and the readings it holds back, across a restart', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kd-outbox-')), 'outbox.db');
    const first = new SqliteOutbox(path);
    const [a, b] = [entry(), entry()];
    first.add(a);
    first.add({ id: 'finish-screening:s1', kind: 'finish-screening', topic: 'POST', payload: '{}' });
    first.add(b);
    first.close();
    const again = outbox(path);
    expect(again.nextToPublish(10).map((e) => e.id)).toEqual([a.id]);
    again.markReceived([a.id]);
    expect(again.nextRequest()?.id).toBe('finish-screening:s1');
    again.markReceived(['finish-screening:s1']);
    expect(again.nextToPublish(10).map((e) => e.id)).toEqual([b.id]);
  });

  it('opens an outbox written before it kept requests, its readings as they were', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kd-outbox-')), 'outbox.db');
    const old = new Database(path);
    old.exec(`CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, dedupe_key TEXT,
        topic TEXT NOT NULL, payload TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'queued',
        attempts INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, last_attempt_at INTEGER,
        received_at INTEGER, reject_code TEXT, reject_message TEXT);
      INSERT INTO outbox (id, topic, payload, created_at) VALUES ('r-1', 't', '{}', 1);`);
    old.close();
    const o = outbox(path);
    expect(o.nextToPublish(10)).toMatchObject([{ id: 'r-1', kind: 'reading', state: 'queued' }]);
    o.add({ id: 'open-screening:s2', kind: 'open-screening', topic: 'POST', payload: '{}' });
    o.add(entry());
    expect(o.nextToPublish(10).map((e) => e.id)).toEqual(['r-1']);
  });

  it('lets one live agent own it, and takes over from a dead one', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kd-outbox-')), 'outbox.db');
    const a = outbox(path);
    // Same process id, so pretend the owner is another, live process: the lease row names pid 1.
    (a as unknown as { db: { prepare(s: string): { run(...a: unknown[]): void } } }).db
      .prepare("UPDATE lease SET owner = 'other', pid = 1")
      .run();
    expect(() => new SqliteOutbox(path)).toThrow(OutboxLockedError);
    (a as unknown as { db: { prepare(s: string): { run(...a: unknown[]): void } } }).db
      .prepare('UPDATE lease SET pid = 999999')
      .run();
    expect(() => outbox(path)).not.toThrow();
  });
});
