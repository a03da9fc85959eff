/** A bucket's size and refill: `burst` requests at once, then `perSecond`. */
export interface RateLimit {
  burst: number;
  perSecond: number;
}

/**
 * A token bucket per key (a verified client id, or the source address before sign-in). Pure: the
 * clock is passed in, so the refill arithmetic is tested without waiting.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    /** Requests allowed in a burst. */
    private readonly burst: number,
    /** Tokens added per second. */
    private readonly perSecond: number,
    private readonly maxKeys = 100_000,
  ) {}

  static of(limit: RateLimit, maxKeys?: number): RateLimiter {
    return new RateLimiter(limit.burst, limit.perSecond, maxKeys);
  }

  /** 0 when the request may go ahead; otherwise the whole seconds to wait before retrying. */
  take(key: string, nowMs: number): number {
    const bucket = this.refill(key, nowMs, true)!;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return this.waitOf(bucket.tokens);
  }

  /**
   * What `take` would answer, without taking: lets a caller refuse an address that is already out
   * of tokens before doing the work (a store read) that decides whether to charge it.
   */
  peek(key: string, nowMs: number): number {
    const bucket = this.refill(key, nowMs, false);
    if (!bucket || bucket.tokens >= 1) return 0;
    return this.waitOf(bucket.tokens);
  }

  private waitOf(tokens: number): number {
    return Math.max(1, Math.ceil((1 - tokens) / this.perSecond));
  }

  private refill(key: string, nowMs: number, create: boolean) {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (!create) return undefined;
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
      bucket = { tokens: this.burst, at: nowMs };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * this.perSecond);
    bucket.at = nowMs;
    return bucket;
  }
}
