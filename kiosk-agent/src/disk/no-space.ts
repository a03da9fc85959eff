import { AgentError } from '../errors.js';

/**
 * The outbox could not keep a reading because its disk is full (or failing to write). Retryable:
 * the agent holds or refuses what it was given and writes again once space is back.
 */
export class OutboxFullError extends AgentError {
  override readonly name = 'OutboxFullError';
  override readonly code = 'OUTBOX_FULL';
  override readonly retryable = true;
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}

/**
 * True for a write refused for lack of space: Node's ENOSPC (or EDQUOT, a quota), SQLite's
 * SQLITE_FULL, and its I/O errors (SQLITE_IOERR_WRITE, _SHMSIZE, _FSYNC...), which is how a full
 * disk reaches SQLite when the WAL or its shared-memory file cannot grow. A failing card gives the
 * same I/O errors; the answer is the same: hold, retry, say so.
 */
export function isNoSpaceError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR');
}
