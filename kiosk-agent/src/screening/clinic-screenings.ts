import { type Flag, newUuidV7, type Severity } from '@klinik-desa/protocol';
import type { ClinicClient } from '@klinik-desa/sdk/lite';
import type { KioskConfig } from '../config/config.js';
import type { Logger } from '../logger.js';
import { askClinic, ClinicRequestError, clinicRefusal } from './clinic-client.js';
import type { OpenScreening, ScreeningState } from './screening-state.js';

/** The clinic's verdict on a finished screening, as the kiosk page shows it. */
export interface ScreeningSummary {
  severity: Severity;
  computed: { kind: string; name: string; value: number | null; unit: string; flags: Flag[] }[];
}

/** A screening the worker closed: finished at the clinic or not (then kept to finish later). */
export type ClosedScreening = OpenScreening & { finished: boolean; summary?: ScreeningSummary };

/** What the kiosk page asks for when it opens a screening; `sessionId` names an existing one. */
export interface OpenScreeningRequest {
  patientId: string;
  sessionId?: string | undefined;
  operatorId?: string | undefined;
  practitionerId?: string | undefined;
  sex?: 'male' | 'female' | undefined;
  ageYears?: number | undefined;
  glucoseContext?: 'fasting' | 'random' | undefined;
}

/**
 * Opens and finishes screenings on the clinic server (through the SDK) as the health worker opens
 * and closes them at the kiosk. The village network may be down: then the screening is opened
 * locally with an id of its own, its readings reach the clinic as unassigned ones for staff to
 * assign, and a finish that could not be sent is kept and retried, never forgotten.
 */
export class ClinicScreenings {
  private retryTimer: NodeJS.Timeout | undefined;
  private retrying = false;

  constructor(
    private readonly config: KioskConfig,
    private readonly state: ScreeningState,
    private readonly log: Logger,
    private readonly client: ClinicClient | undefined,
    /**
     * True once the clinic has every reading this kiosk kept (rejected ones aside). The clinic
     * computes the visit's BMI and mean blood pressure when a screening is finished, from the
     * readings it has: a height typed a second before "Selesai" must be there first.
     */
    private readonly allDelivered: () => boolean = () => true,
    private readonly deliveryWaitMs = 5000,
  ) {}

  start(): void {
    this.retryTimer = setInterval(() => void this.retryFinishes(), 60_000);
    this.retryTimer.unref();
    void this.retryFinishes();
  }

  stop(): void {
    clearInterval(this.retryTimer);
  }

  async open(request: OpenScreeningRequest): Promise<OpenScreening & { onServer: boolean }> {
    let screeningId = request.sessionId;
    let onServer = false;
    if (!screeningId && this.client) {
      try {
        const screening = await this.client.screenings.create({
          patientId: request.patientId,
          clinicId: this.config.kiosk.clinicId,
          kioskId: this.config.kiosk.id,
          ...(request.practitionerId ? { practitionerId: request.practitionerId } : {}),
        });
        screeningId = screening.id;
        onServer = true;
      } catch (error) {
        // The clinic refuses the chosen health worker (left the clinic since the page listed them):
        // opening here instead would send the check's readings in unassigned for nothing, when
        // choosing again fixes it.
        const refusal = clinicRefusal(error);
        if (refusal?.code.startsWith('PRACTITIONER_')) throw refusal;
        this.log.warn(
          { err: (error as Error).message, code: (error as { code?: string }).code },
          'could not open the screening at the clinic; opened here, its readings will arrive unassigned',
        );
      }
    }
    const opened: OpenScreening = {
      sessionId: screeningId ?? newUuidV7(),
      patientId: request.patientId,
      ...(request.operatorId ? { operatorId: request.operatorId } : {}),
      ...(request.practitionerId ? { practitionerId: request.practitionerId } : {}),
      ...(request.sex ? { sex: request.sex } : {}),
      ...(request.ageYears !== undefined ? { ageYears: request.ageYears } : {}),
      ...(request.glucoseContext ? { glucoseContext: request.glucoseContext } : {}),
      ...(onServer ? { onServer: true } : {}),
      openedAt: new Date().toISOString(),
    };
    this.state.open(opened);
    return { ...opened, onServer };
  }

  async close(): Promise<ClosedScreening | undefined> {
    const closed = this.state.close();
    if (!closed) return undefined;
    if (!closed.onServer || !this.client) return { ...closed, finished: false };
    const finished = (await this.delivered(this.deliveryWaitMs)) && (await this.finish(closed.sessionId));
    if (!finished) {
      this.state.queueFinish(closed.sessionId);
      return { ...closed, finished };
    }
    const summary = await this.summary(closed.sessionId);
    return { ...closed, finished, ...(summary ? { summary } : {}) };
  }

  /**
   * What the clinic made of the finished screening, for the health worker to tell the patient: the
   * worst flag and the values it computed (BMI, the mean blood pressure). Nothing when it cannot be
   * read: the finish itself is done.
   */
  private async summary(id: string): Promise<ScreeningSummary | undefined> {
    try {
      const detail = await (this.client as ClinicClient).screenings.retrieve(id);
      return {
        severity: detail.severity,
        computed: detail.observations
          .filter((o) => o.derivedFrom !== undefined)
          .map((o) => ({ kind: o.kind, name: o.name, value: o.value, unit: o.unit, flags: o.flags })),
      };
    } catch (error) {
      this.log.warn(
        { err: (error as Error).message, screening: id },
        'could not read the finished screening',
      );
      return undefined;
    }
  }

  private async finish(id: string): Promise<boolean> {
    if (!this.client) return false;
    try {
      await this.client.screenings.finish(id);
      return true;
    } catch (error) {
      // Already finished (by staff, or by an earlier try whose answer was lost): done.
      if ((error as { code?: string }).code === 'SCREENING_CLOSED') return true;
      this.log.warn(
        { err: (error as Error).message, screening: id },
        'could not finish the screening at the clinic; will try again',
      );
      return false;
    }
  }

  private async delivered(waitMs: number): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    while (!this.allDelivered()) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return true;
  }

  /**
   * Assigns a reading taken before the screening was opened (the worker weighed first) to the open
   * screening, at the clinic, where the reading already is: the kiosk's own copy never changes.
   */
  async assign(readingId: string): Promise<OpenScreening> {
    const screening = this.state.current();
    if (!screening?.onServer) {
      throw new ClinicRequestError(
        409,
        'NO_CLINIC_SCREENING',
        'no screening is open at the clinic: open one for the patient first (the clinic assigns the reading otherwise)',
      );
    }
    await askClinic(
      this.client,
      'reading assignment',
      (client) => client.unassignedReadings.assign(readingId, { screeningId: screening.sessionId }),
      this.log,
    );
    this.state.noteAssigned(readingId);
    return this.state.current() as OpenScreening;
  }

  /**
   * Receipts came in: a finish that waited for its readings goes out now rather than at the next
   * minute's retry, so the clinic's BMI and mean BP appear as soon as the network is back.
   */
  receiptsArrived(): void {
    if (this.state.pendingFinishes().length > 0) void this.retryFinishes();
  }

  private async retryFinishes(): Promise<void> {
    // One pass at a time: receipts arrive in bursts, and a finish must not be sent twice at once.
    if (this.retrying || !this.allDelivered()) return;
    this.retrying = true;
    try {
      for (const id of this.state.pendingFinishes()) {
        if (await this.finish(id)) this.state.finishDone(id);
      }
    } finally {
      this.retrying = false;
    }
  }
}
