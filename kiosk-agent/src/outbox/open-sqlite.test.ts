import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DamagedFile } from '../screening/index.js';
import { openSqliteOutbox } from './open-sqlite.js';

const AT = () => new Date('2026-12-07T02:03:04.005Z');

describe('opening the outbox file', () => {
  it('sets a file SQLite cannot read aside, says where, and opens an empty outbox in its place', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kd-outbox-')), 'outbox.db');
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
        },
      ]);
      expect(readFileSync(reported[0]!.keptAs, 'utf8')).toBe(garbage);
      expect(outbox.stats().pending).toBe(0);
    } finally {
      outbox.close();
    }
  });

  it('opens a sound file as it is, and throws anything else (another agent holds it) as it is', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kd-outbox-')), 'outbox.db');
    const reported: DamagedFile[] = [];
    const first = openSqliteOutbox(path, {}, (d) => reported.push(d));
    // Same process id, so pretend the owner is another, live process: the lease row names pid 1.
    (first as unknown as { db: { prepare(s: string): { run(): void } } }).db
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
