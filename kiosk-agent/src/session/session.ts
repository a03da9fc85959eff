import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { OpaqueId } from '@klinik-desa/protocol';
import { z } from 'zod';

/** The screening open at this kiosk: who is being screened, and by whom. Opaque ids only, never a NIK. */
export const ScreeningSession = z
  .object({
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
    /** Opened as a screening on the clinic server (its id is the server's), not only here. */
    onServer: z.boolean().optional(),
    /** Readings taken before it was opened that the worker assigned to it at the clinic. */
    assigned: z.array(z.string()).optional(),
    openedAt: z.iso.datetime({ offset: true }),
  })
  .strict();
export type ScreeningSession = z.infer<typeof ScreeningSession>;

/**
 * Holds the open session and keeps it in a small file beside the outbox, so an agent restarted in
 * the middle of a screening binds the next readings to the same patient. Written to a temporary
 * file and renamed, so a crash leaves the old or the new session, never half of one.
 */
const StateFile = z.object({ session: ScreeningSession.nullable(), pendingFinishes: z.array(z.string()) });

export class SessionState {
  private session: ScreeningSession | undefined;
  /** Screenings closed here whose finish has not reached the clinic yet. */
  private finishes: string[] = [];

  constructor(private readonly file: string | undefined) {
    if (file && existsSync(file)) {
      const parsed = StateFile.safeParse(JSON.parse(readFileSync(file, 'utf8') || 'null'));
      if (parsed.success) {
        this.session = parsed.data.session ?? undefined;
        this.finishes = parsed.data.pendingFinishes;
      }
    }
  }

  pendingFinishes(): readonly string[] {
    return [...this.finishes];
  }

  queueFinish(sessionId: string): void {
    if (!this.finishes.includes(sessionId)) this.finishes.push(sessionId);
    this.persist();
  }

  finishDone(sessionId: string): void {
    this.finishes = this.finishes.filter((id) => id !== sessionId);
    this.persist();
  }

  current(): ScreeningSession | undefined {
    return this.session;
  }

  open(session: ScreeningSession): void {
    this.session = session;
    this.persist();
  }

  /** Notes a reading assigned to the open session at the clinic, so the page lists it there. */
  noteAssigned(readingId: string): void {
    if (!this.session) return;
    const assigned = this.session.assigned ?? [];
    if (!assigned.includes(readingId)) this.session = { ...this.session, assigned: [...assigned, readingId] };
    this.persist();
  }

  close(): ScreeningSession | undefined {
    const closed = this.session;
    this.session = undefined;
    this.persist();
    return closed;
  }

  private persist(): void {
    if (!this.file) return;
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ session: this.session ?? null, pendingFinishes: this.finishes }), {
      mode: 0o600,
    });
    renameSync(tmp, this.file);
  }
}
