import type { KioskConfig } from '../config/config.js';
import { DiskGuard } from './disk-guard.js';
import { isNoSpaceError } from './no-space.js';

export { DiskGuard };

const MB = 1024 * 1024;

/** The guard of the outbox's disk as kiosk.yaml sets it; none for an outbox in memory. */
export function diskGuardFor(outbox: KioskConfig['outbox']): DiskGuard | undefined {
  if (outbox.path === ':memory:') return undefined;
  const { disk } = outbox;
  return new DiskGuard({
    outboxPath: outbox.path,
    reserveBytes: Math.round(disk.reserveMb * MB),
    warnFreeBytes: Math.round(disk.warnFreeMb * MB),
    warnOutboxBytes: Math.round(disk.warnOutboxMb * MB),
  });
}

/**
 * Opens the outbox; when that fails for lack of space (an agent restarted on a full disk: the
 * WAL's shared-memory file, a new file's schema), gives the reserve back and tries once more, so
 * the agent starts and works in the degraded state instead of exiting again and again.
 */
export function openBesideReserve<T>(guard: DiskGuard | undefined, open: () => T): T {
  try {
    return open();
  } catch (error) {
    if (!guard || !isNoSpaceError(error)) throw error;
    guard.noSpace(error);
    return open();
  }
}
