import type {
  ApiClient,
  ApiClientListQuery,
  AuditEvent,
  AuditEventListQuery,
  ClientRole,
  Kiosk,
  KioskStatus,
  Observation,
  ObservationListQuery,
  Page,
  Patient,
  PatientCreate,
  PatientUpdate,
  Practitioner,
  PractitionerCreate,
  PractitionerRecord,
  PractitionerUpdate,
  Reading,
  Referral,
  ReferralListQuery,
  Scope,
  Screening,
  ScreeningDetail,
  ScreeningListQuery,
  UnassignedReading,
} from '@klinik-desa/protocol';
import type { ClinicAccess } from '../domain/access.js';
import type { Dialect } from './sql.js';

export type InsertOutcome = 'stored' | 'duplicate';

export type IngestOutcome =
  | { status: 'stored' | 'duplicate' }
  /**
   * UNKNOWN_KIOSK: not in the registry; UNSTORABLE: the record refused this one reading;
   * FOREIGN_SCREENING / FOREIGN_PATIENT: it names another clinic's screening or patient.
   */
  | {
      status: 'rejected';
      code: 'UNKNOWN_KIOSK' | 'UNSTORABLE' | 'FOREIGN_SCREENING' | 'FOREIGN_PATIENT';
      message: string;
    };

export interface IngestOptions {
  /** Reject readings of kiosks not in the registry even while the registry is empty. */
  requireRegisteredKiosks?: boolean;
  /** No registry check: the reading did not come from a kiosk over MQTT (a manual reading). */
  skipKioskCheck?: boolean;
}

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export interface ApiClientRecord {
  id: string;
  role: ClientRole;
  name: string;
  secretHash: string;
  clinicId: string | null;
  kioskId: string | null;
  /** The clinics it may act for; a kiosk's own, or what an administrator granted. */
  access: ClinicAccess;
  createdAt: string;
  /** Set once the client is revoked; absent or null while it may sign in. */
  revokedAt?: string | null;
}

export interface TokenRecord {
  clientId: string;
  role: ClientRole;
  scopes: Scope[];
  expiresAt: string;
  clinicId: string | null;
  kioskId: string | null;
  /** The clinics its client may act for, as of the token's last check. */
  access: ClinicAccess;
}

export type IdempotencyBegin =
  | { state: 'new' }
  | { state: 'replay'; statusCode: number; response: string }
  | { state: 'in-progress' }
  | { state: 'mismatch' };

export interface KioskSecret {
  clinicId: string;
  kioskId: string;
  username: string;
  secretHash: string;
}

export interface ForwardingClaim {
  screeningId: string;
  attempts: number;
}

export type ForwardingResult =
  | { outcome: 'sent'; httpStatus: number }
  | {
      outcome: 'retry';
      httpStatus: number | null;
      detail: unknown;
      nextAttemptAt: string;
    }
  | { outcome: 'failed'; httpStatus: number | null; detail: unknown };

export interface FhirSource {
  screening: Screening;
  patient: Patient;
  /** The registered health worker the screening names by `practitionerId`; null when none. */
  practitioner: PractitionerRecord | null;
  readings: Reading[];
}

export interface AuditEntry {
  clientId: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  /** The patient whose record it touched; null when it touched none (a client, a kiosk). */
  patientId: string | null;
  /** The clinic whose record it touched (or the caller's only clinic); null for none. */
  clinicId: string | null;
  requestId: string | null;
}

/**
 * The clinic record. One interface with one implementation over SQLite (default, one machine) and
 * PostgreSQL (several server processes), and one contract test suite that both must pass.
 * Methods that change several rows do it in one transaction.
 */
export interface ClinicStore {
  readonly dialect: Dialect;

  // --- readings (MQTT ingest) ---
  /**
   * Stores a batch in one transaction, idempotently by reading id: a reading already in the record
   * is `duplicate` and left as it was. Each stored reading is bound to its open screening (or kept
   * as unassigned), split into observations, and its refer/urgent flags become referrals.
   * Outcomes come back in input order.
   */
  ingestReadings(readings: readonly Reading[], options?: IngestOptions): Promise<IngestOutcome[]>;
  /** The foundation's entry point: `ingestReadings` without the kiosk registry check. */
  insertReadings(readings: readonly Reading[]): Promise<InsertOutcome[]>;
  /** Every stored reading, oldest id first. */
  exportReadings(): AsyncIterable<Reading>;
  countReadings(): Promise<number>;
  getReading(id: string): Promise<Reading | undefined>;

  // --- patients: each seen by the clinics that registered or screened them ---
  /**
   * Registers a patient at `clinicId`. A NIK the record has already answers PATIENT_EXISTS: with
   * the patient's id when `clinicId` sees them, or when the name and birth date given are theirs
   * (the person is at this clinic with their KTP: from now on it sees them); without an id otherwise.
   */
  createPatient(input: PatientCreate, id: string, at: string, clinicId: string): Promise<Patient>;
  getPatient(id: string, access: ClinicAccess): Promise<Patient | undefined>;
  /** Changes the fields given; NOT_FOUND for an unknown or unseen id, PATIENT_EXISTS for another's NIK. */
  updatePatient(id: string, changes: PatientUpdate, access: ClinicAccess): Promise<Patient>;
  findPatientByNik(nik: string, access: ClinicAccess): Promise<Patient | undefined>;
  /**
   * Gives a patient the IHS number SATUSEHAT has for their NIK, only while they still have none and
   * still carry that NIK: a number or NIK a person set meanwhile wins. True when it was set.
   */
  adoptIhsNumber(id: string, nik: string, ihsNumber: string): Promise<boolean>;
  searchPatients(
    name: string,
    birthDate: string,
    page: PageRequest,
    access: ClinicAccess,
  ): Promise<Page<Patient>>;

  // --- practitioners (the clinic's health workers) ---
  /** PRACTITIONER_EXISTS (with the `practitionerId`) for a NIK already registered in that clinic. */
  createPractitioner(input: PractitionerCreate, id: string, at: string): Promise<PractitionerRecord>;
  getPractitioner(id: string, access: ClinicAccess): Promise<PractitionerRecord | undefined>;
  listPractitioners(
    query: { clinicId?: string | undefined; active?: boolean | undefined },
    page: PageRequest,
    access: ClinicAccess,
  ): Promise<Page<PractitionerRecord>>;
  /**
   * Changes the fields given; NOT_FOUND for an unknown id, PRACTITIONER_EXISTS for a NIK another
   * health worker of the clinic has, VALIDATION when neither a NIK nor an IHS number would be left.
   */
  updatePractitioner(
    id: string,
    changes: PractitionerUpdate,
    at: string,
    access: ClinicAccess,
  ): Promise<PractitionerRecord>;
  /**
   * Gives a health worker the IHS number SATUSEHAT has for their NIK, only while they still have
   * none and still carry that NIK: a number or NIK a person set meanwhile wins. True when it was set.
   */
  adoptPractitionerIhsNumber(id: string, nik: string, ihsNumber: string): Promise<boolean>;

  // --- screenings ---
  /**
   * NOT_FOUND for an unknown patient or one its clinic does not see; PRACTITIONER_NOT_FOUND for an unknown `practitionerId`,
   * PRACTITIONER_NOT_USABLE for one of another clinic or no longer active.
   */
  createScreening(
    input: {
      patientId: string;
      clinicId: string;
      kioskId: string;
      practitioner: Practitioner | null;
      practitionerId: string | null;
    },
    id: string,
    at: string,
  ): Promise<Screening>;
  getScreening(id: string, access: ClinicAccess): Promise<Screening | undefined>;
  getScreeningDetail(id: string, access: ClinicAccess): Promise<ScreeningDetail | undefined>;
  listScreenings(
    query: ScreeningListQuery,
    page: PageRequest,
    access: ClinicAccess,
  ): Promise<Page<Screening>>;
  /** Finishes an open screening; `forward` queues its Bundle for SATUSEHAT. */
  finishScreening(id: string, at: string, forward: boolean): Promise<Screening>;
  fhirSource(id: string): Promise<FhirSource | undefined>;

  // --- observations ---
  listObservations(
    query: ObservationListQuery,
    page: PageRequest,
    access: ClinicAccess,
  ): Promise<Page<Observation>>;
  observationsOfReading(readingId: string): Promise<Observation[]>;

  // --- unassigned readings ---
  listUnassigned(
    query: { clinicId?: string | undefined; kioskId?: string | undefined },
    page: PageRequest,
    access: ClinicAccess,
  ): Promise<Page<UnassignedReading>>;
  getReadingAssignment(readingId: string, access: ClinicAccess): Promise<UnassignedReading | undefined>;
  /** SCREENING_OF_ANOTHER_CLINIC when the screening is not of the reading's clinic. */
  assignReading(readingId: string, screeningId: string, by: string, at: string): Promise<UnassignedReading>;
  discardReading(readingId: string, reason: string, by: string, at: string): Promise<UnassignedReading>;

  // --- referrals ---
  listReferrals(query: ReferralListQuery, page: PageRequest, access: ClinicAccess): Promise<Page<Referral>>;
  acknowledgeReferral(
    id: string,
    by: string,
    note: string | undefined,
    at: string,
    access: ClinicAccess,
  ): Promise<Referral>;

  // --- kiosks ---
  registerKiosk(
    input: { clinicId: string; kioskId: string; name: string | null },
    clientId: string,
    secretHash: string,
    at: string,
  ): Promise<Kiosk>;
  rotateKioskSecret(clinicId: string, kioskId: string, secretHash: string, at: string): Promise<Kiosk>;
  getKiosk(clinicId: string, kioskId: string): Promise<Kiosk | undefined>;
  listKiosks(
    query: { clinicId?: string | undefined },
    page: PageRequest,
    access: ClinicAccess,
  ): Promise<Page<Kiosk>>;
  /** Keeps the newest status message of a registered kiosk (older ones are ignored). */
  recordKioskStatus(status: KioskStatus): Promise<void>;
  kioskSecrets(): Promise<KioskSecret[]>;
  /** True when at least one kiosk is registered: from then on unknown kiosks are refused. */
  hasKiosks(): Promise<boolean>;

  // --- API clients and tokens ---
  createClient(client: ApiClientRecord): Promise<void>;
  getClient(id: string): Promise<ApiClientRecord | undefined>;
  /** Clients that act for at least one of `access`'s clinics (every client, for every clinic). */
  listClients(query: ApiClientListQuery, page: PageRequest, access: ClinicAccess): Promise<Page<ApiClient>>;
  /** Changes the clinics a partner or administrator may act for. */
  grantClinics(id: string, access: ClinicAccess): Promise<ApiClient>;
  /** Ends a client: its tokens at once, and every sign-in after. Revoking again changes nothing. */
  revokeClient(id: string, at: string): Promise<ApiClient>;
  saveToken(tokenHash: string, clientId: string, scopes: readonly Scope[], expiresAt: string): Promise<void>;
  findToken(tokenHash: string, now: string): Promise<TokenRecord | undefined>;
  /** How many unexpired tokens a client holds, and when the first of them expires (null: none). */
  liveTokens(clientId: string, now: string): Promise<{ count: number; firstExpiry: string | null }>;

  // --- idempotency keys ---
  beginIdempotent(
    clientId: string,
    key: string,
    fingerprint: { method: string; path: string; bodyHash: string },
    at: string,
  ): Promise<IdempotencyBegin>;
  completeIdempotent(clientId: string, key: string, statusCode: number, response: string): Promise<void>;
  abandonIdempotent(clientId: string, key: string): Promise<void>;

  // --- SATUSEHAT forwarding ---
  /** Leases screenings due for sending so that one process sends each; the lease ends at `leaseUntil`. */
  claimForwarding(now: string, leaseUntil: string, limit: number): Promise<ForwardingClaim[]>;
  recordForwarding(screeningId: string, result: ForwardingResult, at: string): Promise<void>;
  /** Puts a failed screening back in the queue. */
  requeueForwarding(screeningId: string, at: string): Promise<Screening>;

  // --- housekeeping ---
  /** Appends entries to the audit log, in one transaction. */
  audit(entries: readonly (AuditEntry & { at: string })[]): Promise<void>;
  /** The audit log in the order it was written (by id), filtered. */
  listAuditEvents(
    query: AuditEventListQuery,
    page: PageRequest,
    access: ClinicAccess,
  ): Promise<Page<AuditEvent>>;
  /** Deletes expired tokens and idempotency keys older than `before`. */
  purge(now: string, idempotencyBefore: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
