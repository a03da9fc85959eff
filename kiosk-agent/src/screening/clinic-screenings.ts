import { type Flag, newUuidV7, type Severity } from '@klinik-desa/protocol';
import type { ClinicClient } from '@klinik-desa/sdk/lite';
import type { KioskConfig } from '../config/config.js';
import { OutboxFullError } from '../disk/no-space.js';
import type { Logger } from '../logger.js';
import type { Outbox } from '../outbox/outbox.js';
import { askClinic, ClinicRequestError, clinicRefusal } from './clinic-client.js';
import { isFinalRefusal, type OpenRequest, requestId, ScreeningRequests } from './screening-requests.js';
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
 * and closes them at the kiosk. The village network may be down: then the screening is opened here
 * under an id of its own, and its open and its finish wait in the outbox with the readings, each
 * delivered in order (the open before the readings that name it, the finish after the readings it
 * closes), however long the network stays away.
 */
export class ClinicScreenings {
  private readonly requests: ScreeningRequests | undefined;

  constructor(
    private readonly config: KioskConfig,
    private readonly state: ScreeningState,
    private readonly log: Logger,
    private readonly client: ClinicClient | undefined,
    outbox: Outbox,
    /** How long closing waits for the finish (and the readings before it) before answering. */
    private readonly finishWaitMs = 5000,
    /** A request was done or refused: the readings it held back may be published now. */
    onRequestSettled: () => void = () => {},
  ) {
    this.requests = client ? new ScreeningRequests(outbox, client, log, onRequestSettled) : undefined;
    this.requests?.onEachSettled((_id, outcome, entry) => {
      if (entry.kind === 'open-screening' && outcome === 'done') {
        this.state.openedAtClinic((JSON.parse(entry.payload) as OpenRequest).id);
      }
    });
  }

  /**
   * Takes over what an earlier agent left: finishes still listed in its state file, and a screening
   * it had closed (its finish kept) just before it stopped; then delivers what waits.
   */
  start(): void {
    const requests = this.requests;
    try {
      if (requests)
        this.state.takeLegacyFinishes((ids) => {
          for (const id of ids) requests.queueFinish(id);
        });
    } catch (error) {
      if (!(error instanceof OutboxFullError)) throw error;
      this.log.warn(
        { err: error.message },
        'finishes an earlier agent left stay in its state file until the disk has room; the next start hands them over',
      );
    }
    const open = this.state.current();
    if (open && this.requests?.has(requestId('finish-screening', open.sessionId))) this.state.close();
    this.requests?.wake();
  }

  stop(): void {
    this.requests?.stop();
  }

  /** Receipts came in, or the broker is back: a request that waited for them may go now. */
  wake(): void {
    this.requests?.wake();
  }

  async open(request: OpenScreeningRequest): Promise<OpenScreening & { onServer: boolean }> {
    const given = request.sessionId;
    const screeningId = given ?? newUuidV7();
    let onServer = false;
    let openQueued = false;
    if (!given && this.client && this.requests) {
      const body: OpenRequest = {
        id: screeningId,
        patientId: request.patientId,
        clinicId: this.config.kiosk.clinicId,
        kioskId: this.config.kiosk.id,
        ...(request.practitionerId ? { practitionerId: request.practitionerId } : {}),
      };
      try {
        await this.client.screenings.create(body);
        onServer = true;
      } catch (error) {
        const refusal = clinicRefusal(error);
        // The clinic refuses the chosen health worker (left the clinic since the page listed them):
        // choosing again fixes it, where opening here would only defer the same refusal.
        if (refusal?.code.startsWith('PRACTITIONER_')) throw refusal;
        if (refusal && isFinalRefusal(error)) {
          this.log.warn(
            { code: refusal.code, status: refusal.status },
            'the clinic refused to open the screening; opened here, its readings will arrive unassigned',
          );
        } else {
          this.requests.queueOpen(body);
          openQueued = true;
          this.log.warn(
            { err: (error as Error).message, code: (error as { code?: string }).code },
            'could not open the screening at the clinic; opened here, and kept to open there when it can be reached',
          );
        }
      }
    }
    const opened: OpenScreening = {
      sessionId: screeningId,
      patientId: request.patientId,
      ...(request.operatorId ? { operatorId: request.operatorId } : {}),
      ...(request.practitionerId ? { practitionerId: request.practitionerId } : {}),
      ...(request.sex ? { sex: request.sex } : {}),
      ...(request.ageYears !== undefined ? { ageYears: request.ageYears } : {}),
      ...(request.glucoseContext ? { glucoseContext: request.glucoseContext } : {}),
      ...(onServer ? { onServer: true } : {}),
      ...(openQueued ? { openQueued: true } : {}),
      openedAt: new Date().toISOString(),
    };
    this.state.open(opened);
    return { ...opened, onServer };
  }

  /**
   * Closes the open screening here and keeps its finish in the outbox, after its readings; waits a
   * few seconds for the clinic to do it, so the worker can tell the patient the clinic's verdict.
   */
  async close(): Promise<ClosedScreening | undefined> {
    const open = this.state.current();
    if (!open) return undefined;
    if (!this.requests || !(open.onServer || open.openQueued)) {
      this.state.close();
      return { ...open, finished: false };
    }
    // Kept before the screening is closed here: a power cut in between leaves the finish to do.
    const finish = this.requests.queueFinish(open.sessionId);
    this.state.close();
    const outcome = await this.requests.settled(finish, this.finishWaitMs);
    if (outcome !== 'done') return { ...open, finished: false };
    const summary = await this.summary(open.sessionId);
    return { ...open, finished: true, ...(summary ? { summary } : {}) };
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
}
