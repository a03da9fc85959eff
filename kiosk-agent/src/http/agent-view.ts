import type { EventEmitter } from 'node:events';
import type { Reading } from '@klinik-desa/protocol';
import type { LiveReading, RecentReading, RejectionDetails } from '../readings/index.js';
import type {
  ClosedScreening,
  OpenScreening,
  OpenScreeningRequest,
  PatientCard,
  PractitionerList,
} from '../screening/index.js';
import type { LocalStatus, Metric } from '../status/index.js';

/**
 * What the kiosk page hears on its event stream, one server-sent event per update, named by
 * `type`. The names are the page's (`session` for the open screening included): they stay.
 */
export type AgentUpdate =
  | { type: 'reading'; state: 'queued'; reading: Reading }
  | { type: 'received'; ids: readonly string[] }
  | { type: 'rejected'; id: string; code: string; message: string }
  | {
      type: 'measurement-rejected';
      deviceId: string;
      code: string;
      message: string;
      details: RejectionDetails;
    }
  | { type: 'status'; status: LocalStatus }
  | { type: 'session'; session: OpenScreening | null }
  | ({ type: 'live' } & LiveReading);

/** What `resendRejected` put back in the outbox's queue. */
export interface ResendOutcome {
  readings: number;
  /** Screening opens and finishes. */
  requests: number;
}

export interface AgentEvents {
  update: [update: AgentUpdate];
}

/** What the agent shows its local API: read-only views plus the screening the worker opens and closes. */
export interface AgentView {
  /** Finds and registers patients at the clinic, with the kiosk's own credentials. */
  patients: {
    search(query: unknown): Promise<PatientCard[]>;
    register(body: unknown): Promise<PatientCard>;
    get(id: string): Promise<PatientCard>;
  };
  /** The clinic's active health workers, for "who is doing this check". */
  practitioners: { list(): Promise<PractitionerList> };
  status(): LocalStatus;
  /** The screening open now, if any. */
  screening: { current(): OpenScreening | undefined };
  /** Opens a screening (at the clinic when it can be reached), binding the next readings to it. */
  openScreening(request: OpenScreeningRequest): Promise<OpenScreening>;
  /** Closes the open screening and finishes it at the clinic; undefined when none was open. */
  closeScreening(): Promise<ClosedScreening | undefined>;
  /** Assigns an earlier unassigned reading to the open screening at the clinic; returns it. */
  assignToScreening(readingId: string): Promise<OpenScreening>;
  recent(limit: number): RecentReading[];
  /** Keeps a value typed in on the kiosk page; throws ManualReadingError when it cannot. */
  addManual(input: unknown): Reading;
  /**
   * Sends again the outbox entries the clinic rejected with one of `codes` (a rejection that was
   * the clinic's own trouble, such as `UNSTORABLE`); says how many went back in the queue.
   */
  resendRejected(codes: readonly string[]): ResendOutcome;
  metrics(): Metric[];
  /** Every new reading, receipt, status and screening change, for the event stream. */
  events: EventEmitter<AgentEvents>;
}
