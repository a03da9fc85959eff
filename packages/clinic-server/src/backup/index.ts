export { type BackupResult, backupClinicRecord } from './backup.js';
export { BackupError } from './errors.js';
export { backupKind, type RestoreOptions, type RestoreResult, restoreClinicRecord } from './restore.js';
