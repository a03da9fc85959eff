import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

describe('Backoff', () => {
  it('grows, stays under the cap, and starts again after reset', () => {
    const upper = new Backoff(100, 1000, () => 1);
    expect([1, 2, 3, 4, 5, 6].map(() => upper.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    upper.reset();
    expect(upper.next()).toBe(100);
  });

  it('spreads retries: never below half the minimum', () => {
    const lower = new Backoff(100, 1000, () => 0);
    expect([1, 2, 3].map(() => lower.next())).toEqual([50, 50, 50]);
  });
});
