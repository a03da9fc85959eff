import { createHash, randomBytes } from 'node:crypto';
import type { Scope, TokenResponse } from '@klinik-desa/protocol';
import { grantScopes } from '../domain/scopes.js';
import { verifySecret } from '../domain/secrets.js';
import { ClinicError } from '../errors.js';
import type { ClinicStore, TokenRecord } from '../store/store.js';

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * OAuth2 client credentials, as SATUSEHAT does it. Tokens are random and opaque; the record keeps
 * only their SHA-256, so several server processes accept each other's tokens and a stolen database
 * holds no usable token. A token found is cached for a short while to spare the store a read per
 * request; rotating a kiosk's secret therefore ends its old tokens within `cacheMs`.
 */
export class TokenService {
  private readonly cache = new Map<string, { record: TokenRecord; until: number }>();

  constructor(
    private readonly store: ClinicStore,
    private readonly lifetimeSeconds = 3600,
    private readonly cacheMs = 30_000,
  ) {}

  async issue(
    clientId: string,
    clientSecret: string,
    scope: string | undefined,
    now: Date,
  ): Promise<TokenResponse> {
    const client = await this.store.getClient(clientId);
    // The same answer for an unknown client and a wrong secret: nothing to learn by guessing ids.
    // A revoked client too: whoever holds its secret learns nothing about the revocation.
    if (!client || client.revokedAt || !verifySecret(clientSecret, client.secretHash)) {
      throw new ClinicError('INVALID_CLIENT', 'unknown client or wrong secret');
    }
    const scopes = grantScopes(client.role, scope);
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
