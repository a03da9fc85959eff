import type {
  Account,
  ApiClient,
  ApiClientCredentials,
  AuditEvent,
  Clinic,
  FhirBundle,
  FleetOverview,
  Kiosk,
  KioskCredentials,
  KioskEventRecord,
  KioskPresence,
  ManualReadingCreated,
  Observation,
  Page,
  Patient,
  PractitionerRecord,
  Puskesmas,
  QuarterlyReport,
  Referral,
  Screening,
  ScreeningDetail,
  TokenResponse,
  UnassignedReading,
} from '@klinik-desa/protocol';

/**
 * Every answer body of the clinic API, by the name of its schema in docs/openapi.yaml. The
 * validator of `@klinik-desa/sdk/validate` is typed against this map, so a schema that drifts
 * from the type the SDK returns is a compile error there.
 */
export interface ResponseTypes {
  TokenResponse: TokenResponse;
  ApiClientCredentials: ApiClientCredentials;
  ApiClient: ApiClient;
  ApiClientPage: Page<ApiClient>;
  AuditEventPage: Page<AuditEvent>;
  Patient: Patient;
  PatientPage: Page<Patient>;
  Screening: Screening;
  ScreeningDetail: ScreeningDetail;
  ScreeningPage: Page<Screening>;
  FhirBundle: FhirBundle;
  Observation: Observation;
  ObservationPage: Page<Observation>;
  ManualReadingCreated: ManualReadingCreated;
  UnassignedReading: UnassignedReading;
  UnassignedReadingPage: Page<UnassignedReading>;
  Referral: Referral;
  ReferralPage: Page<Referral>;
  PractitionerRecord: PractitionerRecord;
  PractitionerPage: Page<PractitionerRecord>;
  Kiosk: Kiosk;
  KioskPage: Page<Kiosk>;
  KioskCredentials: KioskCredentials;
  KioskPresence: KioskPresence;
  KioskEventRecordPage: Page<KioskEventRecord>;
  FleetOverview: FleetOverview;
  QuarterlyReport: QuarterlyReport;
  Clinic: Clinic;
  ClinicPage: Page<Clinic>;
  Puskesmas: Puskesmas;
  PuskesmasPage: Page<Puskesmas>;
  Account: Account;
  AccountPage: Page<Account>;
}

export type SchemaName = keyof ResponseTypes;

/** The answer of a validator: the value to hand to the caller, or what is wrong with it. */
export type ValidationResult =
  | { ok: true; value: unknown }
  | { ok: false; issues: { path: string; message: string }[] };

/**
 * Checks an answer body against the API's schema for it. The SDK's core knows only this
 * interface, so it carries no schema library; `protocolValidator` from `@klinik-desa/sdk/validate`
 * implements it with the zod schemas of `@klinik-desa/protocol`.
 */
export interface ResponseValidator {
  validate(schema: SchemaName, body: unknown): ValidationResult;
}
