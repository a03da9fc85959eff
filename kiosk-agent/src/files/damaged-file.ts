import { existsSync, renameSync } from 'node:fs';
import { fsyncDir } from './durable-write.js';

/** A file the agent could not trust, moved aside so a person can look at it. */
export interface DamagedFile {
  /** Where the agent keeps the file. */
  path: string;
  /** Where the damaged copy is now. */
  keptAs: string;
  reason: string;
  /** What the agent read back out of the damaged copy, in words; absent when nothing could be. */
  recovered?: string;
  /** When it was found, ISO 8601. */
  at: string;
}

/**
 * Moves `path` (and its companions, e.g. SQLite's `-wal` and `-shm`) to `<path>.damaged-<time>`,
 * where nothing of the agent writes again, and returns that name. The folder is flushed, so after a
 * power cut the agent does not find the damaged file back in its place.
 */
export function setAside(path: string, at: Date, companions: readonly string[] = []): string {
  const keptAs = `${path}.damaged-${at.toISOString().replace(/[:.]/g, '-')}`;
  for (const suffix of ['', ...companions]) {
    if (existsSync(`${path}${suffix}`)) renameSync(`${path}${suffix}`, `${keptAs}${suffix}`);
  }
  fsyncDir(path);
  return keptAs;
}
