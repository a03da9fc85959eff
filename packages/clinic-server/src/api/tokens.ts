import { createHash, randomBytes } from 'node:crypto';
import type { Scope, TokenResponse } from '@klinik-desa/protocol';
import { RateLimiter } from '../domain/rate-limit.js';
import { grantScopes } from '../domain/scopes.js';
import { verifySecret } from '../domain/secrets.js';
import { ClinicError } from '../errors.js';
import type { ClientStore, TokenRecord } from '../store/store.js';

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** How many tokens a client may get; `false` in TokenService turns the limits off (tests). */
export interface TokenLimits {
  /** Tokens issued per client in a minute (default 10). */
  perMinute: number;
  /** Tokens of one client alive at once (default 20). */
  maxLive: number;
  /** Wrong secrets given for one client_id in a minute before it must wait (default 10). */
  failuresPerMinute: number;
}

export const DEFAULT_TOKEN_LIMITS: TokenLimits = { perMinute: 10, maxLive: 20, failuresPerMinute: 10 };

/** A token refused by a limit: the endpoint answers 429 with `Retry-After`. */
export class TokenLimitError extends ClinicError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('RATE_LIMITED', message, { retryAfterSeconds });
  }
}

/**
 * OAuth2 client credentials, as SATUSEHAT does it. Tokens are random and opaque; the record keeps
 * only their SHA-256, so several server processes accept each other's tokens and a stolen database
 * holds no usable token. A token found is cached for a short while to spare the store a read per
 * request; rotating a kiosk's secret therefore ends its old tokens within `cacheMs`.
 */
export class TokenService {
  private readonly cache = new Map<string, { record: TokenRecord; until: number }>();
  private readonly minted: RateLimiter | undefined;
  private readonly failures: RateLimiter | undefined;

  constructor(
    private readonly store: Pick<ClientStore, 'getClient' | 'saveToken' | 'liveTokens' | 'findToken'>,
    private readonly lifetimeSeconds = 3600,
    private readonly cacheMs = 30_000,
    private readonly limits: TokenLimits | false = DEFAULT_TOKEN_LIMITS,
  ) {
    if (limits) {
      this.minted = new RateLimiter(limits.perMinute, limits.perMinute / 60);
      this.failures = new RateLimiter(limits.failuresPerMinute, limits.failuresPerMinute / 60);
    }
  }

  async issue(
    clientId: string,
    clientSecret: string,
    scope: string | undefined,
    now: Date,
  ): Promise<TokenResponse> {
    const nowMs = now.getTime();
    // Guessing a client's secret costs a PBKDF2 each: a client_id given wrong secrets too often
    // waits, before the hash is computed. Its own kiosk waits too, which the Retry-After says.
    const blocked = this.failures?.peek(clientId, nowMs) ?? 0;
    if (blocked > 0) {
      throw new TokenLimitError(
        `too many wrong secrets for this client_id: try again in ${blocked} s`,
        blocked,
      );
    }
    const client = await this.store.getClient(clientId);
    // The same answer for an unknown client and a wrong secret: nothing to learn by guessing ids.
    // A revoked client too: whoever holds its secret learns nothing about the revocation.
    if (!client || client.revokedAt || !verifySecret(clientSecret, client.secretHash)) {
      this.failures?.take(clientId, nowMs);
      throw new ClinicError('INVALID_CLIENT', 'unknown client or wrong secret');
    }
    const scopes = grantScopes(client.role, scope);
    await this.checkMinting(client.id, now);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.lifetimeSeconds * 1000).toISOString();
    await this.store.saveToken(sha256(token), client.id, scopes, expiresAt);
    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: this.lifetimeSeconds,
      scope: scopes.join(' '),
    };
  }

  /**
   * A client gets at most `perMinute` tokens a minute and holds at most `maxLive` at once: a leaked
   * secret cannot fill the record with tokens, and a client that asks for a token per request (a
   * bug worth finding) hears so instead of slowing everyone.
   */
  private async checkMinting(clientId: string, now: Date): Promise<void> {
    if (!this.limits) return;
    const live = await this.store.liveTokens(clientId, now.toISOString());
    if (live.count >= this.limits.maxLive) {
      const wait = live.firstExpiry
        ? Math.max(1, Math.ceil((Date.parse(live.firstExpiry) - now.getTime()) / 1000))
        : 60;
      throw new TokenLimitError(
        `this client already holds ${live.count} live tokens (at most ${this.limits.maxLive}): reuse a token until it expires; the next one can be had in ${wait} s`,
        wait,
      );
    }
    const wait = this.minted?.take(clientId, now.getTime()) ?? 0;
    if (wait > 0) {
      throw new TokenLimitError(
        `at most ${this.limits.perMinute} tokens a minute per client: reuse the token you have (it lasts ${this.lifetimeSeconds} s); try again in ${wait} s`,
        wait,
      );
    }
  }

  /** Drops cached tokens of a client whose secret just changed, so they end at once here. */
  forgetClient(clientId: string): void {
    for (const [hash, entry] of this.cache) if (entry.record.clientId === clientId) this.cache.delete(hash);
  }

  async verify(token: string, now: Date): Promise<TokenRecord | undefined> {
    const hash = sha256(token);
    const nowMs = now.getTime();
    const cached = this.cache.get(hash);
    if (cached && cached.until > nowMs) return cached.record;
    const record = await this.store.findToken(hash, now.toISOString());
    if (!record) {
      this.cache.delete(hash);
      return undefined;
    }
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { record, until: Math.min(Date.parse(record.expiresAt), nowMs + this.cacheMs) });
    return record;
  }
}

export function hasScope(record: TokenRecord, scope: Scope): boolean {
  return record.scopes.includes(scope);
}
