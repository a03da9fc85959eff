import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskGuard } from './disk-guard.js';

const KB = 1024;

function guard(free: { bytes: number }, limits: Partial<ConstructorParameters<typeof DiskGuard>[0]> = {}) {
  const outboxPath = join(mkdtempSync(join(tmpdir(), 'kd-disk-')), 'outbox.db');
  return new DiskGuard({
    outboxPath,
    reserveBytes: 100 * KB,
    warnFreeBytes: 500 * KB,
    warnOutboxBytes: 10_000 * KB,
    freeBytes: () => free.bytes,
    ...limits,
  });
}

describe('DiskGuard', () => {
  it('makes the reserve beside the outbox, real blocks of zeros, and says ok or low by free space', () => {
    const free = { bytes: 10_000 * KB };
    const g = guard(free);
    expect(g.open().state).toBe('ok');
    expect(statSync(g.reservePath).size).toBe(100 * KB);
    expect(statSync(g.reservePath).blocks * 512).toBeGreaterThanOrEqual(100 * KB);
    free.bytes = 400 * KB;
    expect(g.check().state).toBe('low');
    expect(g.writable).toBe(true);
  });

  it('gives the reserve back when a write fails for lack of space, and stays full until there is room for it and as much again', () => {
    const free = { bytes: 10_000 * KB };
    const g = guard(free);
    g.open();
    g.noSpace(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
    expect(existsSync(g.reservePath)).toBe(false);
    expect(g.writable).toBe(false);
    free.bytes = 150 * KB;
    expect(g.check()).toMatchObject({ state: 'full', lastError: 'SQLITE_FULL' });
    expect(existsSync(g.reservePath)).toBe(false);
    free.bytes = 250 * KB;
    expect(g.check().state).toBe('low');
    expect(g.writable).toBe(true);
    expect(statSync(g.reservePath).size).toBe(100 * KB);
  });

  it('warns when the outbox itself grows past its threshold', () => {
    const g = guard({ bytes: 10_000 * KB }, { warnOutboxBytes: 3 * KB });
    const outboxPath = g.reservePath.replace(/\.reserve$/, '');
    writeFileSync(outboxPath, Buffer.alloc(2 * KB));
    expect(g.open()).toMatchObject({ state: 'ok', outboxBytes: 2 * KB });
    writeFileSync(`${outboxPath}-wal`, Buffer.alloc(2 * KB));
    expect(g.check()).toMatchObject({ state: 'low', outboxBytes: 4 * KB });
  });
});
