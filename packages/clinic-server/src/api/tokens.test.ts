import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../domain/secrets.js';
import { ClinicError } from '../errors.js';
import type { SqlClinicStore } from '../store/sql-store.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { TokenLimitError, TokenService } from './tokens.js';

let store: SqlClinicStore;
const T0 = new Date('2030-01-01T00:00:00.000Z');
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClinicError);
  return error as ClinicError;
}

beforeEach(async () => {
  store = openSqliteStore(':memory:');
  await store.createClient({
    id: 'partner.p',
    role: 'partner',
    name: 'p',
    secretHash: hashSecret('s'),
    clinicId: null,
    kioskId: null,
    // The clinics it may act for (clinic scoping); not what these tests are about.
    access: { all: true },
    createdAt: T0.toISOString(),
  } as Parameters<SqlClinicStore['createClient']>[0]);
});
afterEach(async () => store.close());

describe('token limits', () => {
  it('issues at most perMinute tokens a minute per client, then says to wait', async () => {
    const tokens = new TokenService(store, 3600, 30_000, {
      perMinute: 3,
      maxLive: 100,
      failuresPerMinute: 10,
    });
    for (let i = 0; i < 3; i++) await tokens.issue('partner.p', 's', undefined, T0);
    const refused = await refusal(tokens.issue('partner.p', 's', undefined, T0));
    expect(refused).toBeInstanceOf(TokenLimitError);
    expect(refused.message).toMatch(/at most 3 tokens a minute per client/);
    expect((refused as TokenLimitError).retryAfterSeconds).toBe(20);
    await tokens.issue('partner.p', 's', undefined, later(20));
  });

  it('lets a client hold at most maxLive live tokens, until the first expires', async () => {
    const tokens = new TokenService(store, 600, 30_000, {
      perMinute: 100,
      maxLive: 2,
      failuresPerMinute: 10,
    });
    await tokens.issue('partner.p', 's', undefined, T0);
    await tokens.issue('partner.p', 's', undefined, later(100));
    const refused = await refusal(tokens.issue('partner.p', 's', undefined, later(200)));
    expect(refused.message).toMatch(/already holds 2 live tokens \(at most 2\)/);
    expect((refused as TokenLimitError).retryAfterSeconds).toBe(400);
    await tokens.issue('partner.p', 's', undefined, later(600));
  });

  it('makes a client_id given wrong secrets wait, without checking the secret meanwhile', async () => {
    const tokens = new TokenService(store, 600, 30_000, {
      perMinute: 100,
      maxLive: 100,
      failuresPerMinute: 2,
    });
    expect((await refusal(tokens.issue('partner.p', 'x', undefined, T0))).code).toBe('INVALID_CLIENT');
    expect((await refusal(tokens.issue('partner.p', 'x', undefined, T0))).code).toBe('INVALID_CLIENT');
    const refused = await refusal(tokens.issue('partner.p', 's', undefined, T0));
    expect(refused.code).toBe('RATE_LIMITED');
    expect(refused.message).toMatch(/too many wrong secrets for this client_id/);
    await tokens.issue('partner.p', 's', undefined, later(30));
  });
});
