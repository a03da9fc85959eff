// `@klinik-desa/sdk/validate`: the zod schemas of @klinik-desa/protocol as a ResponseValidator.
// Kept apart from the core so that a browser app that does not want zod's weight does not get it:
// `@klinik-desa/sdk/lite` plus `validate: protocolValidator` is the same as `@klinik-desa/sdk`.

import type { z } from '@klinik-desa/protocol';
import {
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
  PractitionerPage,
  PractitionerRecord,
  Puskesmas,
  QuarterlyReport,
  Referral,
  Screening,
  ScreeningDetail,
  TokenResponse,
  UnassignedReading,
} from '@klinik-desa/protocol';
import type { ResponseTypes, ResponseValidator, SchemaName, ValidationResult } from './core/validation.js';

// Typed against ResponseTypes: a schema whose output drifts from the type the SDK promises for
// that answer does not compile.
const SCHEMAS: { [K in SchemaName]: z.ZodType<ResponseTypes[K]> } = {
  TokenResponse,
  ApiClientCredentials,
  ApiClient,
  ApiClientPage: Page(ApiClient, 'ApiClient'),
  AuditEventPage: Page(AuditEvent, 'AuditEvent'),
  Patient,
  PatientPage: Page(Patient, 'Patient'),
  Screening,
  ScreeningDetail,
  ScreeningPage: Page(Screening, 'Screening'),
  FhirBundle,
  Observation,
  ObservationPage: Page(Observation, 'Observation'),
  ManualReadingCreated,
  UnassignedReading,
  UnassignedReadingPage: Page(UnassignedReading, 'UnassignedReading'),
  Referral,
  ReferralPage: Page(Referral, 'Referral'),
  PractitionerRecord,
  PractitionerPage,
  Kiosk,
  KioskPage: Page(Kiosk, 'Kiosk'),
  KioskCredentials,
  KioskPresence,
  KioskEventRecordPage: Page(KioskEventRecord, 'KioskEventRecord'),
  FleetOverview,
  QuarterlyReport,
  Clinic,
  ClinicPage: Page(Clinic, 'Clinic'),
  Puskesmas,
  PuskesmasPage: Page(Puskesmas, 'Puskesmas'),
  Account,
  AccountPage: Page(Account, 'Account'),
};

function validate(schema: SchemaName, body: unknown): ValidationResult {
  const result = SCHEMAS[schema].safeParse(body);
  if (result.success) return { ok: true, value: result.data };
  // The protocol's schemas are strict (they refuse unknown keys), which is right for what a
  // server accepts but would make every older SDK fail the day the server adds a field to an
  // answer. A field the SDK does not know is therefore let through; every other problem is not.
  const issues = result.error.issues.filter((issue) => issue.code !== 'unrecognized_keys');
  if (issues.length === 0) return { ok: true, value: body };
  return {
    ok: false,
    issues: issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  };
}

/** Checks every answer with the schemas the server itself is built on. */
export const protocolValidator: ResponseValidator = { validate };
