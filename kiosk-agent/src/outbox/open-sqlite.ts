import { existsSync, renameSync } from 'node:fs';
import type { DamagedFile } from '../screening/index.js';
import { SqliteOutbox, type SqliteOutboxOptions } from './sqlite-outbox.js';

/** SQLite's words for a file that is not, or no longer, a database it can read. */
const DAMAGED = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

/**
 * Opens the outbox file. One that SQLite cannot read (a corrupt page after a power cut on a cheap SD
 * card, a file of something else) must not keep the kiosk from measuring: it is moved aside with its
 * WAL and shared-memory files as `<file>.damaged-<time>` for someone to recover what it holds,
 * reported through `onDamaged`, and a new, empty outbox is opened in its place. Any other failure
 * (another agent holds the lease, the disk is read-only) is thrown as it is.
 */
export function openSqliteOutbox(
  path: string,
  options: SqliteOutboxOptions,
  onDamaged: (damaged: DamagedFile) => void,
  now: () => Date = () => new Date(),
): SqliteOutbox {
  try {
    return new SqliteOutbox(path, options);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (path === ':memory:' || typeof code !== 'string' || !DAMAGED.has(code)) throw error;
    const keptAs = `${path}.damaged-${now().toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(`${path}${suffix}`)) renameSync(`${path}${suffix}`, `${keptAs}${suffix}`);
    }
    onDamaged({ path, keptAs, reason: `${code}: ${(error as Error).message}` });
    return new SqliteOutbox(path, options);
  }
}
