// The argument types of the SDK's methods, taken from the zod schemas of @klinik-desa/protocol
// (the ones the server validates with), as their *input* types: a field with a default there,
// such as `flags` of a manual reading, is optional here. Type-only imports: nothing of zod or of
// the schemas reaches the SDK's JavaScript.
import type {
  AccountCreate,
  ApiClientCreate,
  ApiClientListQuery,
  AuditEventListQuery,
  ClinicCreate,
  ClinicListQuery,
  ClinicUpdate,
  FleetQuery,
  KioskCreate,
  KioskEventListQuery,
  KioskListQuery,
  ManualReadingCreate,
  ObservationListQuery,
  PatientCreate,
  PatientSearch,
  PatientUpdate,
  PractitionerCreate,
  PractitionerListQuery,
  PractitionerUpdate,
  PuskesmasCreate,
  PuskesmasUpdate,
  QuarterlyReportQuery,
  ReadingAssign,
  ReadingDiscard,
  ReferralAcknowledge,
  ReferralListQuery,
  ScreeningCreate,
  ScreeningFinish,
  ScreeningListQuery,
  UnassignedListQuery,
  z,
} from '@klinik-desa/protocol';

export type {
  Account,
  AccountRole,
  ApiClient,
  ApiClientCredentials,
  ApiErrorCode,
  AuditEvent,
  ClientRole,
  Clinic,
  ClinicGrant,
  FhirBundle,
  Flag,
  FleetAlert,
  FleetClinic,
  FleetKiosk,
  FleetOverview,
  Forwarding,
  ForwardingStatus,
  Kiosk,
  KioskCredentials,
  KioskEvent,
  KioskEventRecord,
  KioskEventType,
  KioskPresence,
  KioskStatus,
  ManualReadingCreated,
  Observation,
  Patient,
  Practitioner,
  PractitionerRecord,
  Puskesmas,
  QuarterlyReport,
  ReadingKind,
  ReadingValue,
  Referral,
  ReferralStatus,
  ReportCount,
  ReportTable,
  Scope,
  Screening,
  ScreeningDetail,
  ScreeningStatus,
  Severity,
  Sex,
  TokenResponse,
  UnassignedReading,
} from '@klinik-desa/protocol';

/** Paging of every list: `limit` items a page (1-500, default 50), from `cursor` on. */
export interface PageParams {
  limit?: number | undefined;
  /** A `nextCursor` from an earlier page, to continue a list where it stopped. */
  cursor?: string | undefined;
}

export type ClientCreateParams = z.input<typeof ApiClientCreate>;
export type ClientListParams = z.input<typeof ApiClientListQuery> & PageParams;
/** By patient (their access log), client, resource, action, or time range (`from` ≤ at < `to`). */
export type AuditEventListParams = z.input<typeof AuditEventListQuery> & PageParams;
export type PatientCreateParams = z.input<typeof PatientCreate>;
/** The fields to change, at least one; `null` removes a wrong NIK or IHS number. */
export type PatientUpdateParams = z.input<typeof PatientUpdate>;
/** By NIK, or by name and birth date. */
export type PatientSearchParams = z.input<typeof PatientSearch> & PageParams;
export type ScreeningCreateParams = z.input<typeof ScreeningCreate>;
export type ScreeningListParams = z.input<typeof ScreeningListQuery> & PageParams;
export type ScreeningFinishParams = z.input<typeof ScreeningFinish>;
export type ObservationListParams = z.input<typeof ObservationListQuery> & PageParams;
/** A manual reading: values measured without a connected device, for an open screening. */
export type ObservationCreateParams = z.input<typeof ManualReadingCreate>;
export type UnassignedReadingListParams = z.input<typeof UnassignedListQuery> & PageParams;
export type UnassignedReadingAssignParams = z.input<typeof ReadingAssign>;
export type UnassignedReadingDiscardParams = z.input<typeof ReadingDiscard>;
export type ReferralListParams = z.input<typeof ReferralListQuery> & PageParams;
export type ReferralAcknowledgeParams = z.input<typeof ReferralAcknowledge>;
/**
 * A health worker of a clinic: `clinicId`, `name`, and the `nik` they know (the clinic then finds
 * their SATUSEHAT IHS number itself) or their `ihsNumber`; at least one of the two.
 */
export type PractitionerCreateParams = z.input<typeof PractitionerCreate>;
/**
 * The fields to change, at least one: `name`, `nik`, `ihsNumber` (`null` removes a wrong one, as
 * long as the other is left), or `active: false` for someone who has left the clinic.
 */
export type PractitionerUpdateParams = z.input<typeof PractitionerUpdate>;
/** By clinic, and `active: true` for those a new screening may name. */
export type PractitionerListParams = Omit<z.input<typeof PractitionerListQuery>, 'active'> & {
  /** `true`: those still working at the clinic; `false`: those who have left. Both when left out. */
  active?: boolean | undefined;
} & PageParams;
/**
 * `quarter` (`2026-Q4`, a quarter that has begun) and, optionally, one of your clinics. `format`
 * is the document's; the SDK reads JSON only (`csv` is an InvalidArgumentError).
 */
export type ReportQuarterlyParams = z.input<typeof QuarterlyReportQuery>;
export type KioskCreateParams = z.input<typeof KioskCreate>;
export type KioskListParams = z.input<typeof KioskListQuery> & PageParams;
/** By event `type`, and `since` (the kiosk's time of the event at or after). */
export type KioskEventListParams = z.input<typeof KioskEventListQuery> & PageParams;
/**
 * The fleet of one clinic of the caller's, or (without) a page of all of them: `limit` clinics
 * (default 10, at most 100), `cursor` from `nextCursor`; `summary: true` for each clinic's counts
 * and its own alerts without its kiosks.
 */
export type FleetParams = Omit<z.input<typeof FleetQuery>, 'summary' | 'limit'> & {
  summary?: boolean | undefined;
} & PageParams;
export type ClinicCreateParams = z.input<typeof ClinicCreate>;
export type ClinicUpdateParams = z.input<typeof ClinicUpdate>;
/** By the puskesmas that supervises them. */
export type ClinicListParams = z.input<typeof ClinicListQuery> & PageParams;
export type PuskesmasCreateParams = z.input<typeof PuskesmasCreate>;
export type PuskesmasUpdateParams = z.input<typeof PuskesmasUpdate>;
/** A person's account: username, display name, role, the clinics or puskesmas it acts for, and a password. */
export type AccountCreateParams = z.input<typeof AccountCreate>;
