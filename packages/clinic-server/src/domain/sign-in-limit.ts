import { RateLimiter } from './rate-limit.js';

/**
 * Wrong passwords allowed before a sign-in must wait. Each bucket refills steadily over the window,
 * so a limit lifts by itself: after a storm, one attempt comes back every `windowSeconds / n`.
 */
export interface SignInLimits {
  /** Wrong passwords for one username from one address (default 5 per window). */
  failures: number;
  /** The window the counts refill over, in seconds (default 900: 15 minutes). */
  windowSeconds: number;
  /** Wrong passwords from one address, whatever the username (default 20): guessing many accounts. */
  addressFailures: number;
  /** Wrong passwords for one username from every address (default 50): a spread-out storm. */
  accountFailures: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  failures: 5,
  windowSeconds: 900,
  addressFailures: 20,
  accountFailures: 50,
};

/** Why a sign-in must wait, and how long. */
export interface SignInWait {
  seconds: number;
  reason: 'account-and-address' | 'address' | 'account';
}

/**
 * Counts failed sign-ins, keyed three ways. The tightest key is the username *and* the address: a
 * storm from one address against a person's username makes that address wait, while the person,
 * signing in from their own address, is held only by the much larger per-username count. Only
 * failures are counted, so a person who types the password right is never slowed. Pure: the clock
 * is handed in.
 */
export class SignInLimiter {
  private readonly pair: RateLimiter;
  private readonly address: RateLimiter;
  private readonly account: RateLimiter;

  constructor(readonly limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS) {
    const bucket = (n: number) => new RateLimiter(n, n / limits.windowSeconds);
    this.pair = bucket(limits.failures);
    this.address = bucket(limits.addressFailures);
    this.account = bucket(limits.accountFailures);
  }

  /** The wait before this sign-in may be tried, or undefined when it may go ahead. */
  wait(username: string, address: string, nowMs: number): SignInWait | undefined {
    const waits: SignInWait[] = [
      { seconds: this.pair.peek(`${username}\n${address}`, nowMs), reason: 'account-and-address' },
      { seconds: this.address.peek(address, nowMs), reason: 'address' },
      { seconds: this.account.peek(username, nowMs), reason: 'account' },
    ];
    const longest = waits.reduce((a, b) => (b.seconds > a.seconds ? b : a));
    return longest.seconds > 0 ? longest : undefined;
  }

  /** A wrong password (or unknown username): counted against every key. */
  failed(username: string, address: string, nowMs: number): void {
    this.pair.take(`${username}\n${address}`, nowMs);
    this.address.take(address, nowMs);
    this.account.take(username, nowMs);
  }
}
