import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A small tmpfs of its own, to fill and free as a village clinic's disk fills and is cleared. */
export interface SmallDisk {
  readonly dir: string;
  /** Writes a filler file until the disk refuses more (ENOSPC); returns the bytes it took. */
  fill(): number;
  /** Deletes the filler file: the space is back. */
  free(): void;
  unmount(): void;
}

/**
 * Mounts a tmpfs of `size` (`mount -t tmpfs -o size=…`), or says why it cannot: mounting needs
 * root (and CAP_SYS_ADMIN in a container); a test skips with that reason.
 */
export function mountSmallDisk(size: string): SmallDisk | { unavailable: string } {
  if (process.getuid?.() !== 0) return { unavailable: 'mounting a tmpfs needs root' };
  const dir = mkdtempSync(join(tmpdir(), 'kd-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmdirSync(dir);
    return {
      unavailable: `mount -t tmpfs failed: ${String((error as { stderr?: unknown }).stderr ?? error)}`,
    };
  }
  const filler = join(dir, 'filler');
  return {
    dir,
    fill() {
      // To the last byte: a disk with a few bytes left still takes a small write.
      const fd = openSync(filler, 'a');
      let written = 0;
      try {
        for (const size of [64 * 1024, 4096, 512, 1]) {
          const chunk = Buffer.alloc(size, 0x55);
          try {
            for (;;) written += writeSync(fd, chunk);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          }
        }
      } finally {
        closeSync(fd);
      }
      return written;
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      // Lazily, so a process still holding a file there does not keep the mount.
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      rmdirSync(dir);
    },
  };
}
