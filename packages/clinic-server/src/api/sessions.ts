import { randomBytes } from 'node:crypto';
import { ACCOUNT_ROLE_SCOPES, type Account } from '@klinik-desa/protocol';
import { hashOfNoPassword, verifyPassword } from '../domain/passwords.js';
import { DEFAULT_SIGN_IN_LIMITS, SignInLimiter, type SignInLimits } from '../domain/sign-in-limit.js';
import { ClinicError } from '../errors.js';
import { type AccountStore, toAccount } from '../store/accounts-store.js';
import type { TokenRecord } from '../store/store.js';
import { sha256 } from './tokens.js';

/**
 * Every session token starts so: a request's 401 can then say "sign in again" rather than "get a
 * token". The dot is not in base64url, so no API token (32 random bytes in base64url) starts so.
 */
export const SESSION_PREFIX = 'kds.';
export const SESSION_COOKIE = 'kd_session';

export interface SessionLifetimes {
  /** A session unused this long ends (default 1800 s: 30 minutes). */
  idleSeconds: number;
  /** A session ends this long after sign-in, used or not (default 43200 s: 12 hours, one working day). */
  absoluteSeconds: number;
}

export const DEFAULT_SESSION_LIFETIMES: SessionLifetimes = { idleSeconds: 1800, absoluteSeconds: 43_200 };

/** A sign-in refused by the limit: the endpoint answers 429 with `Retry-After`. */
export class SignInLimitError extends ClinicError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('RATE_LIMITED', message, { retryAfterSeconds });
  }
}

const WAIT_MESSAGES = {
  'account-and-address': 'too many wrong passwords for this username from this address',
  address: 'too many wrong passwords from this address',
  account: 'too many wrong passwords for this username',
} as const;

export interface SignedIn {
  token: string;
  account: Account;
  expiresAt: string;
}

/**
 * People's sessions. A session token is random and opaque; the record keeps only its SHA-256, as
 * for API tokens. A session ends when unused for `idleSeconds` or `absoluteSeconds` after sign-in,
 * whichever comes first; the idle end moves forward at most once a minute, so a busy page does not
 * write to the record on every request.
 */
export class SessionService {
  private readonly limiter: SignInLimiter | undefined;

  constructor(
    private readonly store: AccountStore,
    private readonly lifetimes: SessionLifetimes = DEFAULT_SESSION_LIFETIMES,
    limits: SignInLimits | false = DEFAULT_SIGN_IN_LIMITS,
  ) {
    this.limiter = limits ? new SignInLimiter(limits) : undefined;
  }

  async signIn(username: string, password: string, address: string, now: Date): Promise<SignedIn> {
    const nowMs = now.getTime();
    const key = username.trim().toLowerCase();
    // Refused before the hash is computed: a storm costs the server no scrypt.
    const wait = this.limiter?.wait(key, address, nowMs);
    if (wait) {
      throw new SignInLimitError(
        `${WAIT_MESSAGES[wait.reason]}: try again in ${wait.seconds} s (the limit lifts by itself; ask an operator if you forgot the password)`,
        wait.seconds,
      );
    }
    const account = await this.store.getAccount(key);
    // An unknown username costs the same scrypt as a wrong password: timing tells nothing.
    const right = await verifyPassword(password, account?.passwordHash ?? (await hashOfNoPassword()));
    if (!account || !right) {
      this.limiter?.failed(key, address, nowMs);
      throw new ClinicError('UNAUTHENTICATED', 'wrong username or password');
    }
    if (account.disabledAt) {
      // Said only to whoever knows the password: a disabled account is no secret from its owner.
      throw new ClinicError('UNAUTHENTICATED', disabledMessage(account.username));
    }
    const token = `${SESSION_PREFIX}${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(nowMs + this.lifetimes.absoluteSeconds * 1000).toISOString();
    await this.store.saveSession(
      sha256(token),
      account.username,
      now.toISOString(),
      this.idleEnd(nowMs),
      expiresAt,
    );
    return { token, account: toAccount(account), expiresAt };
  }

  get idleSeconds(): number {
    return this.lifetimes.idleSeconds;
  }

  /** The session as an identity for the auth hook (which resolves a puskesmas to its clinics). */
  async verify(token: string, now: Date): Promise<TokenRecord | undefined> {
    const hash = sha256(token);
    const session = await this.store.findSession(hash, now.toISOString());
    if (!session) return undefined;
    if (session.account.disabledAt)
      throw new ClinicError('UNAUTHENTICATED', disabledMessage(session.account.username));
    const nowMs = now.getTime();
    const idleEnd = Date.parse(session.idleExpiresAt);
    if (idleEnd - nowMs < (this.lifetimes.idleSeconds - 60) * 1000) {
      await this.store.touchSession(hash, this.idleEnd(nowMs));
    }
    const { account } = session;
    return {
      clientId: `account.${account.username}`,
      role: account.role,
      scopes: [...ACCOUNT_ROLE_SCOPES[account.role]],
      expiresAt: session.expiresAt,
      clinicId: null,
      kioskId: null,
      access: account.access,
    };
  }

  async signOut(token: string): Promise<void> {
    await this.store.endSession(sha256(token));
  }

  private idleEnd(nowMs: number): string {
    return new Date(nowMs + this.lifetimes.idleSeconds * 1000).toISOString();
  }
}

/** What a disabled account's sign-in and sessions are told. */
export function disabledMessage(username: string): string {
  return `account ${username} is disabled: its sessions have ended and it cannot sign in; ask an operator to enable it`;
}

/** The session token of a request's `Cookie` header, if it has one. */
export function sessionCookie(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}
