import { describe, expect, it } from 'vitest';
import { SignInLimiter } from './sign-in-limit.js';

const limits = { failures: 5, windowSeconds: 900, addressFailures: 20, accountFailures: 50 };
const MIN = 60_000;

describe('SignInLimiter', () => {
  it('lets five wrong passwords through, then makes that username at that address wait', () => {
    const limiter = new SignInLimiter(limits);
    for (let i = 0; i < 5; i++) {
      expect(limiter.wait('siti', '10.0.0.9', 0)).toBeUndefined();
      limiter.failed('siti', '10.0.0.9', 0);
    }
    expect(limiter.wait('siti', '10.0.0.9', 0)).toEqual({ seconds: 180, reason: 'account-and-address' });
  });

  it('lifts by itself: one attempt comes back after a fifth of the window', () => {
    const limiter = new SignInLimiter(limits);
    for (let i = 0; i < 5; i++) limiter.failed('siti', '10.0.0.9', 0);
    expect(limiter.wait('siti', '10.0.0.9', 2 * MIN)?.seconds).toBe(60);
    expect(limiter.wait('siti', '10.0.0.9', 3 * MIN)).toBeUndefined();
  });

  it('does not hold the person at their own address while another address storms their username', () => {
    const limiter = new SignInLimiter(limits);
    for (let i = 0; i < 30; i++) limiter.failed('siti', '203.0.113.7', 0);
    expect(limiter.wait('siti', '203.0.113.7', 0)).toBeDefined();
    expect(limiter.wait('siti', '10.0.0.9', 0)).toBeUndefined();
  });

  it('holds a username stormed from many addresses, and an address guessing many usernames', () => {
    const limiter = new SignInLimiter(limits);
    for (let i = 0; i < 50; i++) limiter.failed('siti', `198.51.100.${i}`, 0);
    expect(limiter.wait('siti', '10.0.0.9', 0)?.reason).toBe('account');
    for (let i = 0; i < 20; i++) limiter.failed(`user${i}`, '192.0.2.1', 0);
    expect(limiter.wait('someone-else', '192.0.2.1', 0)?.reason).toBe('address');
  });
});
