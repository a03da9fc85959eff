import { existsSync } from 'node:fs';
import { isNoSpaceError } from '../disk/no-space.js';
import { type DamagedFile, setAside } from '../files/damaged-file.js';
import { writeFileDurably } from '../files/durable-write.js';
import type { OpenScreening } from './open-screening.js';
import { readStateFile } from './state-file.js';

export type { DamagedFile } from '../files/damaged-file.js';
export { OpenScreening } from './open-screening.js';

/**
 * Holds the open screening (not a queue: what waits for the clinic is in the outbox) and keeps it
 * in a small file beside the outbox, so an agent restarted in the middle of a screening binds the
 * next readings to the same patient. Written to a temporary file, flushed to the disk, renamed, and
 * the folder flushed, so a crash or a power cut leaves the old or the new screening, never half of
 * one. A file that cannot be read or trusted (a disk that lied, a hand edit, a folder in its place)
 * never stops the agent: it is moved aside as `<file>.damaged-<time>` for inspection, reported
 * through `onDamaged`, and the agent starts with what could be trusted of it (an open screening
 * whose ids are intact), or with no screening open.
 */
export class ScreeningState {
  private screening: OpenScreening | undefined;
  /** Finishes an earlier agent's state file still listed, until the outbox takes them. */
  private legacyFinishes: string[] = [];

  constructor(
    private readonly file: string | undefined,
    onDamaged: (damaged: DamagedFile) => void = () => {},
    now: () => Date = () => new Date(),
    /** The file could not be written for lack of space: free some (the reserve); it is tried once more. */
    private readonly onNoSpace?: (error: unknown) => void,
  ) {
    if (!file || !existsSync(file)) return;
    const read = readStateFile(file);
    const state = read.ok ? read.state : read.salvaged;
    this.screening = state?.session ?? undefined;
    this.legacyFinishes = state?.pendingFinishes ?? [];
    if (read.ok) return;
    const at = now();
    let keptAs: string;
    let moved = true;
    try {
      keptAs = setAside(file, at);
    } catch (error) {
      moved = false;
      // Even a file that cannot be moved must not stop the kiosk: it is named, and every write
      // of the state from now on will say why it fails.
      keptAs = `(left in place: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    }
    onDamaged({
      path: file,
      keptAs,
      reason: read.reason,
      at: at.toISOString(),
      ...(read.recovered ? { recovered: read.recovered } : {}),
    });
    // What was salvaged is written whole at once, so the next start reads it cleanly.
    if (state && moved) this.persist();
  }

  /**
   * Hands the finishes an earlier agent's file listed to `keep` (which keeps them in the outbox),
   * and forgets them only once it returned: a `keep` that throws (a full disk) leaves them in the
   * file for the next start.
   */
  takeLegacyFinishes(keep: (screeningIds: readonly string[]) => void): void {
    const taken = this.legacyFinishes;
    if (taken.length === 0) return;
    keep(taken);
    this.legacyFinishes = [];
    this.persist();
  }

  current(): OpenScreening | undefined {
    return this.screening;
  }

  open(screening: OpenScreening): void {
    this.screening = screening;
    this.persist();
  }

  /** The clinic has opened the screening that was opened here while it could not be reached. */
  openedAtClinic(screeningId: string): void {
    if (this.screening?.sessionId !== screeningId) return;
    const { openQueued: _, ...rest } = this.screening;
    this.screening = { ...rest, onServer: true };
    this.persist();
  }

  /** Notes a reading assigned to the open screening at the clinic, so the page lists it there. */
  noteAssigned(readingId: string): void {
    if (!this.screening) return;
    const assigned = this.screening.assigned ?? [];
    if (!assigned.includes(readingId))
      this.screening = { ...this.screening, assigned: [...assigned, readingId] };
    this.persist();
  }

  close(): OpenScreening | undefined {
    const closed = this.screening;
    this.screening = undefined;
    this.persist();
    return closed;
  }

  private persist(): void {
    try {
      this.write();
    } catch (error) {
      if (!isNoSpaceError(error) || !this.onNoSpace) throw error;
      this.onNoSpace(error);
      this.write();
    }
  }

  private write(): void {
    if (!this.file) return;
    writeFileDurably(
      this.file,
      JSON.stringify({
        session: this.screening ?? null,
        ...(this.legacyFinishes.length > 0 ? { pendingFinishes: this.legacyFinishes } : {}),
      }),
    );
  }
}
