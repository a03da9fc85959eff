import { closeSync, fsyncSync, openSync, statfsSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { isNoSpaceError } from './no-space.js';

/**
 * `ok`; `low`: free space or the outbox's size passed a warning threshold, everything still works;
 * `full`: a write failed for lack of space, new readings are not written until space is back.
 */
export type DiskState = 'ok' | 'low' | 'full';

export interface DiskLimits {
  /** Bytes kept free for receipts, pruning, the lease and the state file (the reserve file). */
  reserveBytes: number;
  /** `low` below this much free space. */
  warnFreeBytes: number;
  /** `low` once the outbox's files (database and WAL) are this large. */
  warnOutboxBytes: number;
}

export interface DiskReport {
  state: DiskState;
  freeBytes: number;
  outboxBytes: number;
  /** The code of the write that failed, while `full`. */
  lastError?: string;
}

export interface DiskGuardOptions extends DiskLimits {
  /** The outbox file: its folder's filesystem is watched, the reserve sits beside it. */
  outboxPath: string;
  /** Free bytes of the filesystem holding `dir` (statfs); tests hand in their own. */
  freeBytes?: (dir: string) => number;
}

/** Writing the reserve costs one buffer of zeros at a time. */
const CHUNK = 64 * 1024;
/** Room for readings beyond the reserve before `full` ends, however small the reserve. */
const MIN_RESUME_BYTES = 64 * 1024;

const statfsFree = (dir: string): number => {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
};

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * Watches the outbox's disk and owns the reserve: a file of zeros beside the outbox
 * (`<outbox>.reserve`). When a write fails for lack of space the reserve is deleted, so the writes
 * that free space or only change state (receipts, pruning, the lease, the open screening's file)
 * have room, while new readings wait: they are written again only once the disk has room for the
 * reserve and as much again, and the reserve is made anew first. Zeros are written, not a sparse
 * file, because a sparse file holds no blocks to give back.
 */
export class DiskGuard {
  readonly reservePath: string;
  private readonly dir: string;
  private readonly freeBytes: (dir: string) => number;
  private state: DiskState = 'ok';
  private lastError: string | undefined;

  constructor(private readonly options: DiskGuardOptions) {
    this.reservePath = `${options.outboxPath}.reserve`;
    this.dir = dirname(options.outboxPath);
    this.freeBytes = options.freeBytes ?? statfsFree;
  }

  /** Makes the reserve if it is missing; on a disk already full, starts `full` instead of failing. */
  open(): DiskReport {
    if (this.state !== 'full' && !this.makeReserve()) this.markFull('ENOSPC');
    return this.check();
  }

  /** New readings may be written: the disk is not known to be full. */
  get writable(): boolean {
    return this.state !== 'full';
  }

  /**
   * Looks at the disk now. While `full`, ends it when there is room for the reserve and as much
   * again, and the reserve could be made; otherwise `low` or `ok` by the thresholds.
   */
  check(): DiskReport {
    const outboxBytes = this.outboxBytes();
    let free = this.freeBytes(this.dir);
    if (this.state === 'full') {
      const resumeAt = this.options.reserveBytes + Math.max(this.options.reserveBytes, MIN_RESUME_BYTES);
      if (free < resumeAt || !this.makeReserve()) return this.report(free, outboxBytes);
      free = this.freeBytes(this.dir);
      this.lastError = undefined;
    }
    const low = free < this.options.warnFreeBytes || outboxBytes >= this.options.warnOutboxBytes;
    this.state = low ? 'low' : 'ok';
    return this.report(free, outboxBytes);
  }

  /** A write failed for lack of space: give the reserve back and stop new readings. */
  noSpace(error: unknown): DiskReport {
    const code = (error as { code?: unknown } | null)?.code;
    this.markFull(typeof code === 'string' ? code : 'ENOSPC');
    return this.report(this.freeBytes(this.dir), this.outboxBytes());
  }

  private outboxBytes(): number {
    return sizeOf(this.options.outboxPath) + sizeOf(`${this.options.outboxPath}-wal`);
  }

  private markFull(code: string): void {
    this.state = 'full';
    this.lastError = code;
    try {
      unlinkSync(this.reservePath);
    } catch {
      // Already gone: given back before, or never made on a disk that was full at start.
    }
  }

  private report(freeBytes: number, outboxBytes: number): DiskReport {
    return {
      state: this.state,
      freeBytes,
      outboxBytes,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
    };
  }

  /** True when the reserve is there (made now or before); a partial one is removed. */
  private makeReserve(): boolean {
    const want = this.options.reserveBytes;
    if (want <= 0 || sizeOf(this.reservePath) >= want) return true;
    let fd: number | undefined;
    try {
      fd = openSync(this.reservePath, 'w', 0o600);
      const zeros = Buffer.alloc(Math.min(CHUNK, want));
      for (let written = 0; written < want; ) {
        written += writeSync(fd, zeros, 0, Math.min(zeros.length, want - written));
      }
      fsyncSync(fd);
      return true;
    } catch (error) {
      if (!isNoSpaceError(error)) throw error;
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      unlinkSync(this.reservePath);
      return false;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
}
