import { z } from 'zod';

/**
 * The one error body of the clinic API. `code` is stable and meant for programs; `message` is for
 * people and may change; `requestId` is the id the server logged the request under.
 */
export const ApiError = z
  .object({
    code: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
    message: z.string(),
    requestId: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .meta({ id: 'ApiError' });
export type ApiError = z.infer<typeof ApiError>;

/** Every stable error code the API answers with, so clients can switch on them. */
export const API_ERROR_CODES = [
  'BAD_REQUEST',
  'VALIDATION',
  'UNAUTHENTICATED',
  'INVALID_CLIENT',
  'INVALID_SCOPE',
  'UNSUPPORTED_GRANT_TYPE',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_IN_PROGRESS',
  'IDEMPOTENCY_SECRET_NOT_KEPT',
  'PATIENT_EXISTS',
  'KIOSK_EXISTS',
  'PRACTITIONER_EXISTS',
  'PRACTITIONER_NOT_FOUND',
  'PRACTITIONER_NOT_USABLE',
  'SCREENING_CLOSED',
  'SCREENING_EXISTS',
  'READING_NOT_UNASSIGNED',
  'SCREENING_OF_ANOTHER_CLINIC',
  'FHIR_NOT_READY',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** An opaque position in a list; pass `nextCursor` back to get the next page. */
export const Cursor = z.string().regex(/^[A-Za-z0-9_-]{1,512}$/, 'not a cursor this server gave out');

export const PageQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: Cursor.optional(),
  })
  .strict();
export type PageQuery = z.infer<typeof PageQuery>;

/** One page of a list: `nextCursor` is null on the last page. */
export function Page<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({ data: z.array(item), nextCursor: Cursor.nullable() })
    .strict()
    .meta({ id: `${name}Page` });
}
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** The `Idempotency-Key` request header accepted on every POST (1-255 printable ASCII characters). */
export const IdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, 'use 1-255 printable ASCII characters');
