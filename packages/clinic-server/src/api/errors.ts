import type { ApiError, ApiErrorCode } from '@klinik-desa/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The HTTP status of each error code: one table, so the code decides the status everywhere. */
export const STATUS_OF: Readonly<Record<ApiErrorCode, number>> = {
  BAD_REQUEST: 400,
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  INVALID_CLIENT: 401,
  INVALID_SCOPE: 400,
  UNSUPPORTED_GRANT_TYPE: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_IN_PROGRESS: 409,
  IDEMPOTENCY_SECRET_NOT_KEPT: 409,
  PATIENT_EXISTS: 409,
  KIOSK_EXISTS: 409,
  PRACTITIONER_EXISTS: 409,
  // A body naming a resource that is not there answers 404, as an unknown patientId does.
  PRACTITIONER_NOT_FOUND: 404,
  PRACTITIONER_NOT_USABLE: 422,
  SCREENING_CLOSED: 409,
  SCREENING_EXISTS: 409,
  READING_NOT_UNASSIGNED: 409,
  SCREENING_OF_ANOTHER_CLINIC: 422,
  FHIR_NOT_READY: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export function statusOf(code: string): number {
  return STATUS_OF[code as ApiErrorCode] ?? 500;
}

export function errorBody(
  request: FastifyRequest,
  code: string,
  message: string,
  details?: Record<string, unknown>,
): ApiError {
  return { code, message, requestId: String(request.id), ...(details ? { details } : {}) };
}

/** Sends the one error shape; 429 and 503 carry `Retry-After`. */
export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  code: string,
  message: string,
  options: { details?: Record<string, unknown>; retryAfterSeconds?: number; status?: number } = {},
): FastifyReply {
  const status = options.status ?? statusOf(code);
  if (options.retryAfterSeconds !== undefined) reply.header('retry-after', String(options.retryAfterSeconds));
  else if (status === 429 || status === 503) reply.header('retry-after', '5');
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .serializer(JSON.stringify)
    .send(errorBody(request, code, message, options.details));
}
