import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ClinicError } from '../errors.js';
import { StoreUnavailableError } from '../store/store-unavailable.js';
import { sendError } from './errors.js';
import type { ApiApp } from './fastify.js';

// Errors that mean "the record is unreachable right now", not "this request is wrong".
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08006',
  'SQLITE_BUSY',
]);

function isUnavailable(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  const message = (error as Error)?.message ?? '';
  return /Connection terminated|connect ECONNREFUSED|pool is ended|database connection is not open/i.test(
    message,
  );
}

function fieldPath(where: string, instancePath: string | undefined): string {
  const path = (instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  return path ? `${where}.${path}` : where;
}

function describeZodIssues(
  error: { validation: { instancePath?: string; message?: string; params?: unknown }[] },
  where: string,
) {
  return error.validation
    .slice(0, 5)
    .map((issue) => {
      return `${fieldPath(where, issue.instancePath)}: ${issue.message ?? 'invalid'}`;
    })
    .join('; ');
}

/** Every error a route throws, and every unknown route, answered in the ApiError shape. */
export function registerErrorHandler(app: ApiApp): void {
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, 'NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`),
  );

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ClinicError) {
      return sendError(
        request,
        reply,
        error.code,
        error.message,
        error.details ? { details: error.details } : {},
      );
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'body';
      return sendError(request, reply, 'VALIDATION', describeZodIssues(error, where), {
        details: {
          issues: error.validation.map((i) => ({
            path: fieldPath(where, i.instancePath),
            message: i.message,
          })),
        },
      });
    }
    const e = error as { code?: string; statusCode?: number; message: string };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(
        request,
        reply,
        'PAYLOAD_TOO_LARGE',
        `the request body is larger than ${app.initialConfig.bodyLimit} bytes`,
      );
    }
    if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendError(
        request,
        reply,
        'UNSUPPORTED_MEDIA_TYPE',
        'send JSON (Content-Type: application/json)',
      );
    }
    if (isUnavailable(error)) {
      request.log.error({ err: error }, 'the clinic record is unreachable');
      const message =
        error instanceof StoreUnavailableError
          ? `the clinic record cannot do this now (${error.reason}); try again shortly`
          : 'the clinic record is unreachable; try again shortly';
      return sendError(request, reply, 'UNAVAILABLE', message, { retryAfterSeconds: 5 });
    }
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      return sendError(request, reply, 'BAD_REQUEST', e.message, {
        status: e.statusCode === 404 ? 404 : 400,
      });
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendError(
      request,
      reply,
      'INTERNAL',
      'an unexpected error; it has been logged under this requestId',
    );
  });
}
