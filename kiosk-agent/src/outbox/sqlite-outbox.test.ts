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
