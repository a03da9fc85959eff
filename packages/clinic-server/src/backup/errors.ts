/**
 * A backup or restore that cannot be done as asked. `code` is stable for scripts:
 * `BACKUP_SOURCE_MISSING`, `BACKUP_TARGET_EXISTS`, `BACKUP_NOT_A_BACKUP`, `BACKUP_WRONG_KIND`,
 * `BACKUP_TOOL_MISSING`, `BACKUP_TOOL_FAILED`, `BACKUP_DAMAGED`. The message names what was wrong
 * and how to fix it.
 */
export class BackupError extends Error {
  override readonly name = 'BackupError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
