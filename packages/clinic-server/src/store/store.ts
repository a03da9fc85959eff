import type { AccountStore } from './accounts-store.js';
import type { AuditStore } from './audit-store.js';
import type { ClientStore } from './clients-store.js';
import type { ClinicRegistryStore } from './clinics-store.js';
import type { FleetStore } from './fleet-store.js';
import type { ForwardingStore } from './forwarding-store.js';
import type { IdempotencyStore } from './idempotency-store.js';
import type { KioskActivityStore } from './kiosk-activity-store.js';
import type { KioskStore } from './kiosks-store.js';
import type { ObservationStore } from './observations-store.js';
import type { PatientStore } from './patients-store.js';
import type { PractitionerStore } from './practitioners-store.js';
import type { ReadingPartitionStore } from './readings-partitions.js';
import type { ReadingStore } from './readings-store.js';
import type { ReferralStore } from './referrals-store.js';
import type { ReportStore } from './report-store.js';
import type { ScreeningStore } from './screenings-store.js';
import type { Dialect } from './sql.js';
import type { StoreTrouble } from './store-condition.js';
import type { UnassignedReadingStore } from './unassigned-store.js';

export type { AccountRecord, SessionRecord } from './accounts-store.js';
export type * from './records.js';
export type {
  AccountStore,
  AuditStore,
  ClientStore,
  ClinicRegistryStore,
  FleetStore,
  ForwardingStore,
  IdempotencyStore,
  KioskActivityStore,
  KioskStore,
  ObservationStore,
  PatientStore,
  PractitionerStore,
  ReadingPartitionStore,
  ReadingStore,
  ReferralStore,
  ReportStore,
  ScreeningStore,
  UnassignedReadingStore,
};

/** Upkeep of the record as a whole: what no single part owns. */
export interface RecordUpkeep {
  readonly dialect: Dialect;
  /** Deletes expired tokens and sessions, and idempotency keys older than `idempotencyBefore`. */
  purge(now: string, idempotencyBefore: string): Promise<void>;
  ping(): Promise<void>;
  /**
   * The store-wide failure (full disk, read-only file, lost server) that statements met and that
   * is not over yet, or undefined when the record takes writes. Free while all is well; until a
   * write has worked since the last failure, each call tries one small committed write. The
   * trouble ends once writes work and no failure came for `TROUBLE_HOLD_MS`.
   */
  trouble(): Promise<StoreTrouble | undefined>;
  close(): Promise<void>;
}

/**
 * The clinic record: every part of it, for the places that need several. One implementation over
 * SQLite (default, one machine) and PostgreSQL (several server processes), and one contract test
 * suite that both must pass. Methods that change several rows do it in one transaction.
 * A consumer that needs one or two parts asks for those (`PatientStore & AuditStore`), not this.
 */
export interface ClinicStore
  extends ReadingStore,
    ReadingPartitionStore,
    PatientStore,
    PractitionerStore,
    ScreeningStore,
    ObservationStore,
    UnassignedReadingStore,
    ReferralStore,
    KioskStore,
    KioskActivityStore,
    FleetStore,
    ClientStore,
    ClinicRegistryStore,
    AccountStore,
    IdempotencyStore,
    ForwardingStore,
    AuditStore,
    ReportStore,
    RecordUpkeep {}
