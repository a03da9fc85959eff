import {
  ApiClient,
  ApiError,
  AuditEvent,
  ClinicId,
  Kiosk,
  KioskId,
  Observation,
  Page,
  Patient,
  ReadingId,
  Referral,
  ResourceId,
  type Scope,
  Screening,
  UnassignedReading,
} from '@klinik-desa/protocol';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type ClinicAccess, canActFor, checkClinic } from '../../domain/access.js';
import { ClinicError, notFound } from '../../errors.js';
import type { PatientStore, ScreeningStore, TokenRecord } from '../../store/store.js';
import type { AuditTrail } from '../audit.js';

// What the route files share: page and parameter schemas, error responses, and the caller's
// identity and clinics as every route reads them. The page schemas are made here, in this order,
// so that the OpenAPI document lists them as it always has.

export const PatientPage = Page(Patient, 'Patient');
export const ScreeningPage = Page(Screening, 'Screening');
export const ObservationPage = Page(Observation, 'Observation');
export const UnassignedReadingPage = Page(UnassignedReading, 'UnassignedReading');
export const ReferralPage = Page(Referral, 'Referral');
export const KioskPage = Page(Kiosk, 'Kiosk');
export const ApiClientPage = Page(ApiClient, 'ApiClient');
export const AuditEventPage = Page(AuditEvent, 'AuditEvent');
/** Client ids: the role, a dot and a UUIDv7 (`partner.0190…`), or a kiosk's `kiosk.<clinic>.<kiosk>`. */
export const ClientParams = z.object({ id: z.string().min(1).max(300) }).strict();

export const IdParams = z.object({ id: ResourceId }).strict();
export const ReadingParams = z.object({ id: ReadingId }).strict();
export const KioskParams = z.object({ clinicId: ClinicId, kioskId: KioskId }).strict();

export const IdempotencyHeader = z
  .object({
    'idempotency-key': z
      .string()
      .optional()
      .describe(
        'Any unique string (a UUID): a retry with the same key gets the first answer again, and does nothing twice.',
      ),
  })
  .loose();

export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(statuses.map((s) => [s, ApiError])) as Record<number, typeof ApiError>;
}

export const COMMON_ERRORS = [400, 401, 403, 429, 503];

export function security(scope: Scope) {
  return [{ oauth2: [scope] }];
}

/** The clinics the caller may act for; routes without a scope have no caller and reach no clinic. */
export function accessOfRequest(request: FastifyRequest): ClinicAccess {
  return request.auth?.access ?? { all: false, clinicIds: [] };
}

/** The caller's one clinic, for an audit line of a request that names none (a patient read). */
export function soleClinic(access: ClinicAccess): string | null {
  return !access.all && access.clinicIds.length === 1 ? access.clinicIds[0]! : null;
}

/** Kiosk credentials act only for their own kiosk: a stolen kiosk token cannot open screenings elsewhere. */
export function checkOwnKiosk(auth: TokenRecord | undefined, clinicId: string, kioskId: string): void {
  if (auth?.role === 'kiosk' && (auth.clinicId !== clinicId || auth.kioskId !== kioskId)) {
    throw new ClinicError(
      'FORBIDDEN',
      `kiosk credentials of ${auth.clinicId}/${auth.kioskId} cannot act for ${clinicId}/${kioskId}`,
    );
  }
}

/** What every route file uses to read who calls and to write the audit log. */
export interface RouteContext {
  /** Now, as the record writes times. */
  at: () => string;
  /** The calling client's id. */
  who: (request: FastifyRequest) => string;
  audit: (
    request: FastifyRequest,
    action: string,
    resourceType: string,
    resourceId: string | null,
    patientId?: string | null,
    clinicId?: string | null,
  ) => Promise<void>;
  access: (request: FastifyRequest) => ClinicAccess;
  /**
   * A list filtered by another clinic, or by a patient or screening the caller does not see, is
   * refused rather than answered empty: an empty page would still tell that the id exists.
   */
  checkListFilters: (
    request: FastifyRequest,
    query: {
      clinicId?: string | undefined;
      patientId?: string | undefined;
      screeningId?: string | undefined;
    },
  ) => Promise<void>;
  /** Kiosks of the caller's clinics; kiosk credentials see their own kiosk only. */
  canSeeKiosk: (request: FastifyRequest, clinicId: string, kioskId: string) => boolean;
}

export function routeContext(options: {
  store: Pick<PatientStore, 'getPatient'> & Pick<ScreeningStore, 'getScreening'>;
  now: () => Date;
  auditTrail: AuditTrail;
}): RouteContext {
  const { store, now } = options;
  const at = () => now().toISOString();
  const who = (request: FastifyRequest) => request.auth?.clientId ?? 'unknown';
  const audit: RouteContext['audit'] = async (
    request: FastifyRequest,
    action: string,
    resourceType: string,
    resourceId: string | null,
    patientId: string | null = null,
    clinicId: string | null = soleClinic(accessOfRequest(request)),
  ) =>
    options.auditTrail.record(
      {
        clientId: who(request),
        action,
        resourceType,
        resourceId,
        patientId,
        clinicId,
        requestId: String(request.id),
      },
      at(),
    );
  const access = accessOfRequest;
  /**
   * A list filtered by another clinic, or by a patient or screening the caller does not see, is
   * refused rather than answered empty: an empty page would still tell that the id exists.
   */
  const checkListFilters: RouteContext['checkListFilters'] = async (
    request: FastifyRequest,
    query: {
      clinicId?: string | undefined;
      patientId?: string | undefined;
      screeningId?: string | undefined;
    },
  ) => {
    const mine = access(request);
    if (query.clinicId !== undefined) checkClinic(mine, query.clinicId);
    if (query.patientId !== undefined && !(await store.getPatient(query.patientId, mine))) {
      throw notFound('patient', query.patientId);
    }
    if (query.screeningId !== undefined && !(await store.getScreening(query.screeningId, mine))) {
      throw notFound('screening', query.screeningId);
    }
  };
  /** Kiosks of the caller's clinics; kiosk credentials see their own kiosk only. */
  const canSeeKiosk = (request: FastifyRequest, clinicId: string, kioskId: string) => {
    const auth = request.auth;
    if (auth?.role === 'kiosk') return auth.clinicId === clinicId && auth.kioskId === kioskId;
    return canActFor(access(request), clinicId);
  };
  return { at, who, audit, access, checkListFilters, canSeeKiosk };
}
