import {
  closeSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

/**
 * Flushes the folder holding `path`: a rename or a new file is durable only once its folder is on
 * disk too; without it a power cut can bring the old name back.
 */
export function fsyncDir(path: string): void {
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * Replaces `path` with `text` so that a crash or a power cut leaves the old or the new content,
 * never half of one: written to `<path>.tmp` with `mode` (whatever the umask) and `owner` when
 * given, flushed, renamed over, and the folder flushed. A failure leaves `path` as it was.
 */
export function writeFileDurably(
  path: string,
  text: string,
  mode = 0o600,
  owner?: { uid: number; gid: number },
): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    fchmodSync(fd, mode);
    const made = fstatSync(fd);
    if (owner && (made.uid !== owner.uid || made.gid !== owner.gid)) fchownSync(fd, owner.uid, owner.gid);
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(tmp, path);
  fsyncDir(path);
}
