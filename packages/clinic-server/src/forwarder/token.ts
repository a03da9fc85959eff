/**
 * SATUSEHAT's token answer: `expires_in` (seconds) and `issued_at` (epoch ms) come as strings
 * (domain.md). Parsed strictly, so an answer we misread fails loudly rather than as a token that
 * never expires.
 */
export interface SatusehatToken {
  accessToken: string;
  /** Epoch ms after which the token must not be used. */
  expiresAtMs: number;
  /** Epoch ms after which a new one should be fetched (before expiry, to survive clock skew). */
  refreshAtMs: number;
}

export class TokenAnswerError extends Error {
  override readonly name = 'TokenAnswerError';
  readonly code = 'SATUSEHAT_TOKEN_ANSWER';
}

function seconds(value: unknown, field: string): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value.trim())
        ? Number(value)
        : Number.NaN;
  if (!Number.isFinite(n) || n <= 0)
    throw new TokenAnswerError(`${field} is not a positive number of seconds: ${JSON.stringify(value)}`);
  return n;
}

export function parseTokenAnswer(body: unknown, receivedAtMs: number): SatusehatToken {
  if (!body || typeof body !== 'object') throw new TokenAnswerError('the token answer is not a JSON object');
  const b = body as Record<string, unknown>;
  if (typeof b['access_token'] !== 'string' || b['access_token'] === '') {
    throw new TokenAnswerError('the token answer has no access_token');
  }
  const lifetimeMs = seconds(b['expires_in'], 'expires_in') * 1000;
  // issued_at is the server's clock; ours may differ, so the lifetime counts from when we got it.
  const expiresAtMs = receivedAtMs + lifetimeMs;
  const margin = Math.min(5 * 60_000, lifetimeMs / 10);
  return { accessToken: b['access_token'], expiresAtMs, refreshAtMs: expiresAtMs - margin };
}
