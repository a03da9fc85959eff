/**
 * A token bucket per key (the client id, or the address before authentication). Pure: the clock is
 * passed in, so the refill arithmetic is tested without waiting.
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

  /** 0 when the request may go ahead; otherwise the whole seconds to wait before retrying. */
  take(key: string, nowMs: number): number {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
      bucket = { tokens: this.burst, at: nowMs };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * this.perSecond);
    bucket.at = nowMs;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
  }
}
