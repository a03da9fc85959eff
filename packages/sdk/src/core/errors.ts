import type { ApiErrorCode } from '@klinik-desa/protocol';

/**
 * A program may hold two copies of this SDK (its ESM and CJS builds, or two versions in one
 * bundle), and a class from one copy is not the class from the other, so a plain `instanceof`
 * would miss errors thrown by the other copy. Every error therefore carries the names of its
 * classes under a registry-wide symbol, and `instanceof` and `is()` check those names.
 */
const BRAND: unique symbol = Symbol.for('@klinik-desa/sdk/error-classes') as never;

type ErrorClass = { readonly brand: string };

function brandsOf(value: unknown): readonly string[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const brands = (value as { [BRAND]?: unknown })[BRAND];
  return Array.isArray(brands) ? brands : undefined;
}

/** The stable codes of the errors the SDK raises itself (the API's own codes are `ApiErrorCode`). */
export type SdkErrorCode =
  | 'CONNECTION_ERROR'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'RESPONSE_VALIDATION'
  | 'INVALID_ARGUMENT'
  | 'INVALID_NIK'
  | 'API_ERROR';

/** The base class of every error this SDK throws: one `catch` and a `code` to switch on. */
export class KlinikDesaError extends Error {
  /** The class name as the brand check knows it; every subclass sets its own. */
  static readonly brand: string = 'KlinikDesaError';
  declare readonly [BRAND]: readonly string[];
  /** Stable, for programs: an `ApiErrorCode` from the server, or an `SdkErrorCode`. */
  readonly code: ApiErrorCode | SdkErrorCode | (string & {});
  /** Whether sending the same request again may succeed (the SDK already retried it if so). */
  readonly retryable: boolean;

  constructor(code: string, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    const brands: string[] = [];
    for (let c: unknown = new.target; typeof c === 'function'; c = Object.getPrototypeOf(c)) {
      if (Object.hasOwn(c, 'brand')) brands.push((c as unknown as ErrorClass).brand);
      if (c === KlinikDesaError) break;
    }
    Object.defineProperty(this, BRAND, { value: Object.freeze(brands) });
    Object.defineProperty(this, 'name', { value: brands[0], writable: true, configurable: true });
  }

  /** `err instanceof NotFoundError` holds for errors thrown by any copy of this SDK. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass being tested against.
    return brandsOf(value)?.includes((this as unknown as ErrorClass).brand) ?? false;
  }

  /** The same check as `instanceof`, as a type guard: `if (NotFoundError.is(err)) ...`. */
  static is<C extends abstract new (...args: never[]) => KlinikDesaError>(
    this: C,
    value: unknown,
  ): value is InstanceType<C> {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass `is` was called on.
    return brandsOf(value)?.includes((this as unknown as ErrorClass).brand) ?? false;
  }
}

/** An argument the SDK refused before sending anything (a malformed NIK, an empty id). */
export class InvalidArgumentError extends KlinikDesaError {
  static override readonly brand: string = 'InvalidArgumentError';
  /** The argument at fault, e.g. `nik` or `options.baseUrl`. */
  readonly field: string;
  constructor(field: string, message: string, code: 'INVALID_ARGUMENT' | 'INVALID_NIK' = 'INVALID_ARGUMENT') {
    super(code, `${field}: ${message}`);
    this.field = field;
  }
}

/** The request did not reach the server, or its answer did not come back (DNS, refused, reset). */
export class APIConnectionError extends KlinikDesaError {
  static override readonly brand: string = 'APIConnectionError';
  constructor(
    message = 'could not reach the clinic server',
    options: { cause?: unknown; code?: string } = {},
  ) {
    super(options.code ?? 'CONNECTION_ERROR', message, { cause: options.cause, retryable: true });
  }
}

/** No answer within `timeout` milliseconds (for the last attempt, after any retries). */
export class APIConnectionTimeoutError extends APIConnectionError {
  static override readonly brand: string = 'APIConnectionTimeoutError';
  constructor(timeoutMs: number) {
    super(`no answer from the clinic server within ${timeoutMs} ms`, { code: 'TIMEOUT' });
  }
}

/** The caller's `signal` aborted the call. Never retried. */
export class APIUserAbortError extends KlinikDesaError {
  static override readonly brand: string = 'APIUserAbortError';
  constructor(options: { cause?: unknown } = {}) {
    super('ABORTED', 'the request was aborted', options);
  }
}

export interface ResponseIssue {
  /** Where in the answer, e.g. `data.3.measuredAt` (empty for the whole answer). */
  path: string;
  message: string;
}

/**
 * The server answered 2xx with a body that does not match the API's schema: a server of another
 * version, or a proxy's page. Values are left out of the message: they may be personal data.
 */
export class ResponseValidationError extends KlinikDesaError {
  static override readonly brand: string = 'ResponseValidationError';
  readonly schema: string;
  readonly issues: readonly ResponseIssue[];
  readonly status: number;
  readonly requestId: string | undefined;
  constructor(args: {
    schema: string;
    issues: readonly ResponseIssue[];
    status: number;
    requestId: string | undefined;
    route: string;
  }) {
    const shown = args.issues
      .slice(0, 5)
      .map((i) => `${i.path || '(the whole answer)'}: ${i.message}`)
      .join('; ');
    const more = args.issues.length > 5 ? ` (and ${args.issues.length - 5} more)` : '';
    super(
      'RESPONSE_VALIDATION',
      `${args.route}: the server's answer is not a valid ${args.schema}: ${shown}${more}`,
    );
    this.schema = args.schema;
    this.issues = args.issues;
    this.status = args.status;
    this.requestId = args.requestId;
  }

  /** The first field at fault, e.g. `birthDate`. */
  get field(): string {
    return this.issues[0]?.path ?? '';
  }
}

interface ApiErrorBody {
  code?: unknown;
  message?: unknown;
  requestId?: unknown;
  details?: unknown;
  error_description?: unknown;
}

function bodyField(body: unknown, key: keyof ApiErrorBody): unknown {
  return typeof body === 'object' && body !== null ? (body as ApiErrorBody)[key] : undefined;
}

// 409s that describe the record, not a race: sending the same request again cannot succeed.
const FINAL_CONFLICTS: ReadonlySet<string> = new Set([
  'CONFLICT',
  'PATIENT_EXISTS',
  'KIOSK_EXISTS',
  'SCREENING_CLOSED',
  'SCREENING_EXISTS',
  'READING_NOT_UNASSIGNED',
  'FHIR_NOT_READY',
  'IDEMPOTENCY_SECRET_NOT_KEPT',
]);

/** Whether an answer with this status and code is worth sending again. */
export function isRetryableStatus(status: number, code: string | undefined): boolean {
  if (status === 409) return code === undefined || !FINAL_CONFLICTS.has(code);
  return status === 408 || status === 429 || status >= 500;
}

/** The server answered with an error status. `code`, `requestId` and `details` come from its body. */
export class APIError extends KlinikDesaError {
  static override readonly brand: string = 'APIError';
  readonly status: number;
  /** The id the server logged this request under: quote it when asking the operator. */
  readonly requestId: string | undefined;
  readonly headers: Headers;
  /** The parsed error body (the API's `ApiError` shape), or its text when it was not JSON. */
  readonly body: unknown;
  readonly details: Record<string, unknown> | undefined;
  declare readonly code: ApiErrorCode | (string & {});

  constructor(status: number, body: unknown, headers: Headers, route: string) {
    const bodyCode = bodyField(body, 'code');
    const code = typeof bodyCode === 'string' ? bodyCode : 'API_ERROR';
    const bodyMessage = bodyField(body, 'message') ?? bodyField(body, 'error_description');
    const text = typeof bodyMessage === 'string' ? bodyMessage : typeof body === 'string' ? body : '';
    const requestId = bodyField(body, 'requestId');
    const id =
      typeof requestId === 'string' ? requestId : (headers.get('x-request-id') ?? undefined) || undefined;
    super(
      code,
      `${status} ${code}${text ? `: ${text.slice(0, 500)}` : ''} (${route}${id ? `, requestId ${id}` : ''})`,
      { retryable: isRetryableStatus(status, typeof bodyCode === 'string' ? bodyCode : undefined) },
    );
    this.status = status;
    this.requestId = id;
    this.headers = headers;
    this.body = body;
    const details = bodyField(body, 'details');
    this.details =
      typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : undefined;
  }

  /** Picks the subclass for a status (and, for 400, the code). */
  static generate(status: number, body: unknown, headers: Headers, route: string): APIError {
    const Class = errorClassFor(status, bodyField(body, 'code'));
    return new Class(status, body, headers, route);
  }
}

/** 400: the request is malformed. */
export class BadRequestError extends APIError {
  static override readonly brand: string = 'BadRequestError';
}

/** 400 `VALIDATION`: a field of the request broke the API's schema; `issues` says which. */
export class ValidationError extends BadRequestError {
  static override readonly brand: string = 'ValidationError';
  /** The server's list of fields at fault, e.g. `[{ path: 'body.birthDate', message: ... }]`. */
  get issues(): readonly ResponseIssue[] {
    const issues = this.details?.['issues'];
    if (!Array.isArray(issues)) return [];
    return issues.map((i: { path?: unknown; message?: unknown }) => ({
      path: typeof i?.path === 'string' ? i.path : '',
      message: typeof i?.message === 'string' ? i.message : 'invalid',
    }));
  }
}

/** 401: the token was refused even after getting a new one, or the client id or secret is wrong. */
export class AuthenticationError extends APIError {
  static override readonly brand: string = 'AuthenticationError';
}

/** 403: the token lacks a scope (`details.scope`), or kiosk credentials acted for another kiosk. */
export class PermissionDeniedError extends APIError {
  static override readonly brand: string = 'PermissionDeniedError';
}

/** 404: no such patient, screening, reading, referral or kiosk. */
export class NotFoundError extends APIError {
  static override readonly brand: string = 'NotFoundError';
}

/** 409: the record forbids it as it stands (`PATIENT_EXISTS`, `SCREENING_CLOSED`...). */
export class ConflictError extends APIError {
  static override readonly brand: string = 'ConflictError';
}

/** 422: well-formed but not doable, e.g. `IDEMPOTENCY_KEY_REUSED` for a different request. */
export class UnprocessableEntityError extends APIError {
  static override readonly brand: string = 'UnprocessableEntityError';
}

/** 429: too many requests; the SDK already waited and retried as the server asked. */
export class RateLimitError extends APIError {
  static override readonly brand: string = 'RateLimitError';
  /** How long the server asked to wait, from `Retry-After`. */
  get retryAfterMs(): number | undefined {
    return parseRetryAfterMs(this.headers, Date.now());
  }
}

/** 5xx: the server or the clinic record is in trouble (`UNAVAILABLE`, `INTERNAL`). */
export class InternalServerError extends APIError {
  static override readonly brand: string = 'InternalServerError';
}

type APIErrorClass = new (status: number, body: unknown, headers: Headers, route: string) => APIError;

function errorClassFor(status: number, code: unknown): APIErrorClass {
  if (status === 400) return code === 'VALIDATION' ? ValidationError : BadRequestError;
  if (status === 401) return AuthenticationError;
  if (status === 403) return PermissionDeniedError;
  if (status === 404) return NotFoundError;
  if (status === 409) return ConflictError;
  if (status === 422) return UnprocessableEntityError;
  if (status === 429) return RateLimitError;
  if (status >= 500) return InternalServerError;
  return APIError;
}

/** `Retry-After-Ms`, else `Retry-After` as seconds or an HTTP date, in milliseconds. */
export function parseRetryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
