export type { DiskReport, DiskState } from './disk-guard.js';
export { type DiskGuard, diskGuardFor, openBesideReserve } from './disk-guard-for.js';
export { DiskPressure } from './disk-pressure.js';
export { isNoSpaceError, OutboxFullError } from './no-space.js';
