import { createHash, randomBytes } from 'node:crypto';
import { verifyPagePin } from '../config/page-pin.js';
import { LocalApiError } from './local-api-error.js';

/** Wrong PINs in a row before the unlock is refused for a while. */
export const PIN_TRIES = 5;
const FIRST_PAUSE_MS = 30_000;
/** The pause doubles with each further wrong PIN, up to this: a worker who forgot waits, not forever. */
const MAX_PAUSE_MS = 3_600_000;
/** Page sessions held at once: the kiosk's screen and perhaps a second one; the oldest goes first. */
const MAX_SESSIONS = 4;

export interface PageLockOptions {
  /** From kiosk.yaml `http.page.pinHash`; without it nothing unlocks. */
  pinHash: string | undefined;
  lockAfterMs: number;
  now?: () => number;
  verify?: (pin: string, hash: string) => Promise<boolean>;
}

export const PIN_NOT_SET_MESSAGE =
  'no PIN is set for the kiosk page; fix: run `kiosk-agent set-pin --config kiosk.yaml` on the kiosk and restart the agent';

/**
 * The page sessions: what stands between the kiosk's local API and any other program on the
 * machine. A session starts with the health worker's PIN and ends when the page locks, after
 * `lockAfterMs` without a request from the page, or when the agent restarts (held in memory only).
 * Wrong PINs are counted for the kiosk, not per caller: a local program can change its address.
 */
export class PageLock {
  /** sha256(token) → last request: a lookup by the token's hash leaks nothing about the token by timing. */
  private readonly sessions = new Map<string, { lastSeen: number; onEnd: Set<() => void> }>();
  private failures = 0;
  private refusedUntil = 0;
  /** One PIN check at a time, so parallel tries cannot get past the count. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;
  private readonly verify: (pin: string, hash: string) => Promise<boolean>;

  constructor(private readonly options: PageLockOptions) {
    // Durations only, on the monotonic clock: a kiosk clock stepped back must not keep the page unlocked.
    this.now = options.now ?? (() => performance.now());
    this.verify = options.verify ?? verifyPagePin;
  }

  get lockAfterMs(): number {
    return this.options.lockAfterMs;
  }

  get pinSet(): boolean {
    return this.options.pinHash !== undefined;
  }

  /** Checks the PIN; returns a new session's token, or throws PIN_WRONG, PIN_PAUSED, PAGE_PIN_NOT_SET. */
  unlock(pin: unknown): Promise<string> {
    const attempt = this.queue.then(() => this.tryPin(pin));
    this.queue = attempt.catch(() => undefined);
    return attempt;
  }

  private async tryPin(pin: unknown): Promise<string> {
    const hash = this.options.pinHash;
    if (hash === undefined) throw new LocalApiError(403, 'PAGE_PIN_NOT_SET', PIN_NOT_SET_MESSAGE);
    const wait = this.refusedUntil - this.now();
    if (wait > 0) throw paused(wait);
    if (typeof pin !== 'string' || !(await this.verify(pin, hash))) {
      this.failures += 1;
      if (this.failures >= PIN_TRIES)
        this.refusedUntil =
          this.now() + Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (this.failures - PIN_TRIES));
      throw new LocalApiError(
        401,
        'PIN_WRONG',
        this.failures >= PIN_TRIES
          ? `wrong PIN, ${this.failures} times in a row: try again in ${Math.ceil((this.refusedUntil - this.now()) / 1000)} s`
          : 'wrong PIN: type the health worker PIN set with `kiosk-agent set-pin`',
      );
    }
    this.failures = 0;
    const token = randomBytes(32).toString('base64url');
    if (this.sessions.size >= MAX_SESSIONS) {
      const oldest = [...this.sessions.entries()].sort((a, b) => a[1].lastSeen - b[1].lastSeen)[0];
      if (oldest) this.end(oldest[0]);
    }
    this.sessions.set(keyOf(token), { lastSeen: this.now(), onEnd: new Set() });
    return token;
  }

  /**
   * The session of a request from the page, refreshed; throws PAGE_LOCKED (or PAGE_PIN_NOT_SET)
   * when there is none. Returns its key, for `onEnd`.
   */
  check(token: string | undefined): string {
    if (!this.pinSet) throw new LocalApiError(403, 'PAGE_PIN_NOT_SET', PIN_NOT_SET_MESSAGE);
    this.sweep();
    const key = token === undefined ? undefined : keyOf(token);
    const session = key === undefined ? undefined : this.sessions.get(key);
    if (key === undefined || session === undefined)
      throw new LocalApiError(
        401,
        'PAGE_LOCKED',
        "the kiosk page is locked: unlock the kiosk page with the health worker's PIN",
      );
    session.lastSeen = this.now();
    return key;
  }

  /** Ends the session of this token (the page's "Kunci" button, or the page's own idle timer). */
  lock(token: string | undefined): void {
    if (token !== undefined) this.end(keyOf(token));
  }

  /** Runs `fn` once the session ends (the event stream closes then); returns the unsubscribe. */
  onEnd(key: string, fn: () => void): () => void {
    const session = this.sessions.get(key);
    if (!session) {
      fn();
      return () => {};
    }
    session.onEnd.add(fn);
    return () => session.onEnd.delete(fn);
  }

  /** Ends every session idle for `lockAfterMs`; called on each request and by a timer. */
  sweep(): void {
    const oldest = this.now() - this.options.lockAfterMs;
    for (const [key, session] of this.sessions) if (session.lastSeen <= oldest) this.end(key);
  }

  get openSessions(): number {
    return this.sessions.size;
  }

  private end(key: string): void {
    const session = this.sessions.get(key);
    if (!session) return;
    this.sessions.delete(key);
    for (const fn of session.onEnd) fn();
  }
}

function keyOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function paused(waitMs: number): LocalApiError {
  const seconds = Math.ceil(waitMs / 1000);
  return new LocalApiError(
    429,
    'PIN_PAUSED',
    `too many wrong PINs: the kiosk page opens again for a PIN in ${seconds} s`,
    { 'retry-after': String(seconds) },
  );
}
