import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.js';

describe('rate limiter peek', () => {
  it('says whether a key is out of tokens without taking one, and knows no bucket it never charged', () => {
    const limiter = RateLimiter.of({ burst: 2, perSecond: 0.5 });
    expect(limiter.peek('ip:a', 0)).toBe(0);
    expect([limiter.take('ip:a', 0), limiter.take('ip:a', 0)]).toEqual([0, 0]);
    expect(limiter.peek('ip:a', 0)).toBe(2);
    expect(limiter.peek('ip:a', 0)).toBe(2);
    expect(limiter.take('ip:a', 0)).toBe(2);
    expect(limiter.peek('ip:a', 2000)).toBe(0);
    expect(limiter.peek('ip:b', 0)).toBe(0);
  });
});
