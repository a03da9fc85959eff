export { type DiskGuard, diskGuardFor, openBesideReserve } from './disk-guard-for.js';
export { type DiskReport, type DiskState } from './disk-guard.js';
export { DiskPressure } from './disk-pressure.js';
export { isNoSpaceError, OutboxFullError } from './no-space.js';
