import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newUuidV7 } from '@klinik-desa/protocol';
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
  it('hands readings out oldest first and forgets them only on receipt', () => {
    const o = outbox();
    const a = entry();
    const b = entry();
    o.add(a);
    o.add(b);
    o.add(a); // the same reading twice is kept once
    expect(o.depth()).toBe(2);
    expect(o.nextToPublish(10, new Set()).map((e) => e.id)).toEqual([a.id, b.id]);
    o.markPublished(a.id);
    expect(o.get(a.id)).toMatchObject({ state: 'published', attempts: 1 });
    expect(o.depth()).toBe(2);
    expect(o.acknowledge([a.id, 'unknown'])).toBe(1);
    expect(o.nextToPublish(10, new Set()).map((e) => e.id)).toEqual([b.id]);
  });

  it('skips what is in flight and keeps rejected readings without sending them again', () => {
    const o = outbox();
    const [a, b, c] = [entry(), entry(), entry()];
    for (const e of [a, b, c]) o.add(e);
    expect(o.nextToPublish(1, new Set([a.id])).map((e) => e.id)).toEqual([b.id]);
    o.reject(b.id, 'SCHEMA', 'bad');
    expect(o.nextToPublish(10, new Set()).map((e) => e.id)).toEqual([a.id, c.id]);
    expect(o.get(b.id)?.state).toBe('rejected');
    expect(o.depth()).toBe(3);
  });

  it('is a private file that survives reopening', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kd-outbox-')), 'outbox.db');
    const first = new SqliteOutbox(path);
    const e = entry();
    first.add(e);
    first.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(outbox(path).get(e.id)?.payload).toBe(e.payload);
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
