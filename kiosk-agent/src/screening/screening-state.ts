import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { OpaqueId } from '@klinik-desa/protocol';
import { z } from 'zod';
import { isNoSpaceError } from '../disk/no-space.js';

/** The screening open at this kiosk: who is being screened, and by whom. Opaque ids only, never a NIK. */
export const OpenScreening = z
  .object({
    /** The screening's id (the clinic's when opened there). Named as the Reading's field, the page and the state file name it. */
    sessionId: OpaqueId,
    patientId: OpaqueId,
    operatorId: OpaqueId.optional(),
    /**
     * The health worker doing the check, by the clinic's id (`GET /practitioners`): the clinic puts
     * them on the screening, and SATUSEHAT's Encounter names them.
     */
    practitionerId: OpaqueId.optional(),
    /** For the waist and adult-only thresholds; not an identifier. */
    sex: z.enum(['male', 'female']).optional(),
    ageYears: z.number().int().min(0).max(130).optional(),
    /** The worker's word that the patient has fasted (it wins over the meter's meal marker). */
    glucoseContext: z.enum(['fasting', 'random']).optional(),
    /** Opened as a screening on the clinic server, not only here. */
    onServer: z.boolean().optional(),
    /** Opened here while the clinic could not be reached; its open waits in the outbox. */
    openQueued: z.boolean().optional(),
    /** Readings taken before it was opened that the worker assigned to it at the clinic. */
    assigned: z.array(z.string()).optional(),
    openedAt: z.iso.datetime({ offset: true }),
  })
  .strict();
export type OpenScreening = z.infer<typeof OpenScreening>;

/**
 * The state file (`<outbox>.session.json`). Its key `session` and `sessionId` inside are the words
 * of files kiosks already keep, read again after an update: they stay. Finishes waiting for the
 * clinic were kept here by earlier agents (`pendingFinishes`); they are in the outbox now, and
 * such a file's are handed over to it once, at start.
 */
const StateFile = z.object({
  session: OpenScreening.nullable(),
  pendingFinishes: z.array(z.string()).optional(),
});

/** A state file that could not be read, moved aside so a person can look at it. */
export interface DamagedFile {
  path: string;
  keptAs: string;
  reason: string;
}

/**
 * Holds the open screening (not a queue: what waits for the clinic is in the outbox) and keeps it
 * in a small file beside the outbox, so an agent restarted in
 * the middle of a screening binds the next readings to the same patient. Written to a temporary
 * file, flushed to the disk, and renamed, so a crash or a power cut leaves the old or the new
 * screening, never half of one. A file that cannot be read (a disk that lied, a hand edit) does not
 * stop the agent: it is moved aside as `<file>.damaged-<time>` for inspection, reported through
 * `onDamaged`, and the agent starts with no screening open.
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
    const reason = this.load(file);
    if (reason === undefined) return;
    const keptAs = `${file}.damaged-${now().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(file, keptAs);
    onDamaged({ path: file, keptAs, reason });
  }

  /** Reads the file; says what is wrong with it, or nothing when it was read. */
  private load(file: string): string | undefined {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8') || 'null');
    } catch (error) {
      return `not JSON (${(error as Error).message})`;
    }
    const parsed = StateFile.safeParse(json);
    if (!parsed.success)
      return `not a state file: ${parsed.error.issues[0]?.message ?? 'unexpected content'}`;
    this.screening = parsed.data.session ?? undefined;
    this.legacyFinishes = parsed.data.pendingFinishes ?? [];
    return undefined;
  }

  /**
   * The finishes an earlier agent's file listed, to be kept in the outbox: the caller keeps them
   * there before the file is written again without them.
   */
  takeLegacyFinishes(): string[] {
    const taken = this.legacyFinishes;
    this.legacyFinishes = [];
    if (taken.length > 0) this.persist();
    return taken;
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
    const tmp = `${this.file}.tmp`;
    const text = JSON.stringify({
      session: this.screening ?? null,
      ...(this.legacyFinishes.length > 0 ? { pendingFinishes: this.legacyFinishes } : {}),
    });
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    // The rename itself is durable only once the folder is flushed too.
    const dir = openSync(dirname(this.file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
}
