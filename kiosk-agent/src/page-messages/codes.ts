// Every code that can reach the kiosk page, by where it comes from. The page shows the table's
// words for a code (`messages.ts`), never the English sentence that came with it.
import { API_ERROR_CODES, NIK_PROBLEMS, type NikProblemCode } from '@klinik-desa/protocol';
import { REJECTION_CODES, type RejectionCode } from '@klinik-desa/screening';

/** What the local API itself answers with: `LocalApiError` codes and the routes' own 404 and 500. */
export const LOCAL_API_CODES = [
  'TOO_LARGE',
  'INVALID_JSON',
  'BAD_SESSION',
  'BAD_RESEND',
  'NOT_FOUND',
  'NO_SESSION',
  'INTERNAL',
  'FOREIGN_HOST',
  'FOREIGN_ORIGIN',
  'PAGE_PIN_NOT_SET',
  'PAGE_LOCKED',
  'PIN_WRONG',
  'PIN_PAUSED',
  'LOOKUP_RATE',
] as const;
export type LocalApiCode = (typeof LOCAL_API_CODES)[number];

/** The agent's own refusals of what the page asked of the clinic (`ClinicRequestError`). */
export const CLINIC_REQUEST_CODES = [
  'BAD_PATIENT',
  'NO_CLINIC_API',
  'CLINIC_UNREACHABLE',
  'NO_CLINIC_SCREENING',
] as const;
export type ClinicRequestCode = (typeof CLINIC_REQUEST_CODES)[number];

/** A value typed on the page that the agent did not keep (`ManualReadingError`, `OutboxFullError`). */
export const MANUAL_READING_CODES = ['BAD_MEASUREMENT', ...REJECTION_CODES] as const;
export type ManualReadingCode = 'BAD_MEASUREMENT' | RejectionCode;
export const OUTBOX_CODES = ['OUTBOX_FULL'] as const;
/** A device's measurement the agent refused before it became a reading (the `refused` event). */
export const DEVICE_REFUSAL_CODES = ['INCOMPLETE_MEASUREMENT'] as const;

/**
 * What exactly is wrong in the patient form: `details.problem` of a `BAD_PATIENT` answer. A NIK's
 * problem is the protocol's own code; the other fields have these.
 */
export const PATIENT_FORM_PROBLEMS = [
  'NAME_INVALID',
  'SEARCH_NAME_TOO_SHORT',
  'BIRTH_DATE_INVALID',
  'SEX_INVALID',
] as const;
export type PatientFormProblem = (typeof PATIENT_FORM_PROBLEMS)[number] | NikProblemCode;
export const NIK_PROBLEM_CODES = Object.keys(NIK_PROBLEMS) as NikProblemCode[];

/**
 * Why the clinic refused a reading on its receipts topic (the page shows it beside the reading).
 * The server keeps no exported list: these are the codes its ingest and readings store answer with
 * (packages/clinic-server/src/ingest/validation.ts, kiosk-reports.ts, ingest.ts,
 * store/readings-store.ts and domain/readings.ts).
 */
export const RECEIPT_REJECT_CODES = [
  'SCHEMA',
  'INVALID_JSON',
  'TOO_LARGE',
  'WRONG_TOPIC',
  'UNSTORABLE',
  'UNKNOWN_KIOSK',
  'FOREIGN_SCREENING',
  'FOREIGN_PATIENT',
] as const;

/** Every code the page can be given, each once. */
export const PAGE_CODES = [
  ...new Set<string>([
    ...LOCAL_API_CODES,
    ...CLINIC_REQUEST_CODES,
    ...API_ERROR_CODES,
    ...MANUAL_READING_CODES,
    ...OUTBOX_CODES,
    ...DEVICE_REFUSAL_CODES,
    ...NIK_PROBLEM_CODES,
    ...PATIENT_FORM_PROBLEMS,
    ...RECEIPT_REJECT_CODES,
  ]),
];
