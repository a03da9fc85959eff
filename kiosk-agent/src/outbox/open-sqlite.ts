import type { DamagedFile } from '../files/damaged-file.js';
import type { Outbox } from './outbox.js';
import { RecoveringOutbox } from './recovering-outbox.js';
import { SqliteOutbox, type SqliteOutboxOptions } from './sqlite-outbox.js';

/**
 * Opens the outbox file: one that SQLite cannot read, at open or later, is set aside, reported
 * through `onDamaged` and replaced by a new outbox holding what could be read out of it
 * (`RecoveringOutbox`). Any other failure (another agent holds the lease, the disk is read-only)
 * is thrown as it is.
 */
export function openSqliteOutbox(
  path: string,
  options: SqliteOutboxOptions,
  onDamaged: (damaged: DamagedFile) => void,
  now: () => Date = () => new Date(),
): Outbox {
  if (path === ':memory:') return new SqliteOutbox(path, options);
  return new RecoveringOutbox(path, options, onDamaged, now);
}
