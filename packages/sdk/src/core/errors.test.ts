import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  KlinikDesaError,
  NotFoundError,
  PermissionDeniedError,
  parseRetryAfterMs,
  RateLimitError,
  UnprocessableEntityError,
  ValidationError,
} from './errors.js';

const body = (code: string, extra: object = {}) => ({ code, message: 'm', requestId: 'r-1', ...extra });

describe('APIError.generate', () => {
  it.each([
    [400, 'BAD_REQUEST', BadRequestError],
    [400, 'VALIDATION', ValidationError],
    [401, 'UNAUTHENTICATED', AuthenticationError],
    [403, 'FORBIDDEN', PermissionDeniedError],
    [404, 'NOT_FOUND', NotFoundError],
    [409, 'PATIENT_EXISTS', ConflictError],
    [422, 'IDEMPOTENCY_KEY_REUSED', UnprocessableEntityError],
    [429, 'RATE_LIMITED', RateLimitError],
    [500, 'INTERNAL', InternalServerError],
    [503, 'UNAVAILABLE', InternalServerError],
    [413, 'PAYLOAD_TOO_LARGE', APIError],
  ] as const)('%i %s is a %o', (status, code, Class) => {
    const error = APIError.generate(status, body(code), new Headers(), 'GET /x');
    expect(error.constructor).toBe(Class);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ status, code, requestId: 'r-1', name: Class.brand });
  });

  it('marks what is worth retrying', () => {
    const retryable = (status: number, code: string) =>
      APIError.generate(status, body(code), new Headers(), 'GET /x').retryable;
    expect(retryable(503, 'UNAVAILABLE')).toBe(true);
    expect(retryable(429, 'RATE_LIMITED')).toBe(true);
    expect(retryable(409, 'IDEMPOTENCY_IN_PROGRESS')).toBe(true);
    expect(retryable(409, 'SCREENING_CLOSED')).toBe(false);
    expect(retryable(404, 'NOT_FOUND')).toBe(false);
  });

  it('lists the fields of a VALIDATION error', () => {
    const error = APIError.generate(
      400,
      body('VALIDATION', { details: { issues: [{ path: 'body.birthDate', message: 'Invalid date' }] } }),
      new Headers(),
      'POST /patients',
    ) as ValidationError;
    expect(error.issues).toEqual([{ path: 'body.birthDate', message: 'Invalid date' }]);
  });

  it('takes the requestId from the x-request-id header when the body has none', () => {
    const error = APIError.generate(502, 'Bad Gateway', new Headers({ 'x-request-id': 'h-1' }), 'GET /x');
    expect(error).toMatchObject({ requestId: 'h-1', code: 'API_ERROR', body: 'Bad Gateway' });
  });
});

describe('brand check', () => {
  it('narrows with is() and instanceof along the class chain', () => {
    const timeout: unknown = new APIConnectionTimeoutError(100);
    expect(APIConnectionTimeoutError.is(timeout)).toBe(true);
    expect(APIConnectionError.is(timeout)).toBe(true);
    expect(KlinikDesaError.is(timeout)).toBe(true);
    expect(APIError.is(timeout)).toBe(false);
    expect(timeout instanceof Error).toBe(true);
    expect(NotFoundError.is(new Error('x'))).toBe(false);
    expect(NotFoundError.is(null)).toBe(false);
    expect(NotFoundError.is({ code: 'NOT_FOUND' })).toBe(false);
  });

  it('recognises errors made by another copy of the SDK (its other build, another version)', async () => {
    // A query string makes the module loader treat the file as a different module: a second
    // copy of every class, as an app that loads both the ESM and the CJS build would have.
    const secondCopy = './errors.js?second-copy';
    const other = (await import(/* @vite-ignore */ secondCopy)) as typeof import('./errors.js');
    expect(other.NotFoundError).not.toBe(NotFoundError);
    const foreign = other.APIError.generate(404, body('NOT_FOUND'), new Headers(), 'GET /x');
    expect(foreign instanceof NotFoundError).toBe(true);
    expect(foreign instanceof APIError).toBe(true);
    expect(NotFoundError.is(foreign)).toBe(true);
    expect(foreign instanceof ConflictError).toBe(false);
    expect(
      new NotFoundError(404, body('NOT_FOUND'), new Headers(), 'GET /x') instanceof other.KlinikDesaError,
    ).toBe(true);
  });
});

describe('an app holding both the ESM and the CJS build', () => {
  it("recognises each other's errors", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-sdk-dual-'));
    try {
      const entry = fileURLToPath(new URL('../lite.ts', import.meta.url));
      for (const format of ['esm', 'cjs'] as const) {
        await build({
          entryPoints: [entry],
          bundle: true,
          format,
          platform: 'neutral',
          // The protocol's NIK check is bundled from its source, as the other tests take it.
          conditions: ['@klinik-desa/source'],
          outfile: join(dir, format === 'esm' ? 'sdk.mjs' : 'sdk.cjs'),
          logLevel: 'silent',
        });
      }
      type Sdk = typeof import('../lite.js');
      const esm = (await import(/* @vite-ignore */ pathToFileURL(join(dir, 'sdk.mjs')).href)) as Sdk;
      const cjs = createRequire(import.meta.url)(join(dir, 'sdk.cjs')) as Sdk;
      expect(cjs.NotFoundError).not.toBe(esm.NotFoundError);
      const fromCjs = cjs.APIError.generate(404, body('NOT_FOUND'), new Headers(), 'GET /x');
      expect(fromCjs instanceof esm.NotFoundError).toBe(true);
      expect(esm.APIError.is(fromCjs)).toBe(true);
      expect(fromCjs instanceof esm.RateLimitError).toBe(false);
      const fromEsm = new esm.APIUserAbortError();
      expect(fromEsm instanceof cjs.KlinikDesaError).toBe(true);
      expect(cjs.APIConnectionError.is(fromEsm)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-11-23T02:00:00Z');
  it.each([
    [{ 'retry-after': '3' }, 3_000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after-ms': '250', 'retry-after': '9' }, 250],
    [{ 'retry-after': 'Mon, 23 Nov 2026 02:00:07 GMT' }, 7_000],
    [{ 'retry-after': 'Mon, 23 Nov 2026 01:00:00 GMT' }, 0],
    [{ 'retry-after': 'soon' }, undefined],
    [{}, undefined],
  ])('%o is %s ms', (headers, expected) => {
    expect(parseRetryAfterMs(new Headers(headers), now)).toBe(expected);
  });
});
