import type {
  AccountRole,
  ClientRole,
  Patient,
  PractitionerRecord,
  Reading,
  Scope,
  Screening,
} from '@klinik-desa/protocol';
import type { ClinicAccess } from '../domain/access.js';

/** The records the clinic store takes and gives, shared by its parts and their callers. */

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

/** Who a request comes from: an API client's token, or a person's session (`clientId` `account.<username>`). */
export interface TokenRecord {
  clientId: string;
  role: ClientRole | AccountRole;
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
  /** The screening's clinic's own SATUSEHAT organization and location; null where it has none. */
  clinic: { organizationId: string | null; location: { id: string; display: string } | null };
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
