import type { Account, AccountRole, ClinicGrant, Page } from '@klinik-desa/protocol';
import { accessOf, type ClinicAccess, grantOf } from '../domain/access.js';
import { decodeCursor, pageOf } from '../domain/cursor.js';
import { ClinicError } from '../errors.js';
import { grantCondition } from './grant-condition.js';
import type { PageRequest } from './records.js';
import type { SqlExecutor } from './sql.js';

/** A person's account as the record keeps it: the password only as its scrypt hash. */
export interface AccountRecord {
  username: string;
  displayName: string;
  role: AccountRole;
  access: ClinicAccess;
  passwordHash: string;
  createdAt: string;
  /** When it was disabled; null (or absent, for one being made) while it works. */
  disabledAt?: string | null;
}

/** A live session, found by its token's hash, with its account. */
export interface SessionRecord {
  account: AccountRecord;
  createdAt: string;
  idleExpiresAt: string;
  expiresAt: string;
}

interface AccountRow {
  username: string;
  display_name: string;
  role: string;
  clinics: string;
  password_hash: string;
  created_at: string;
  disabled_at: string | null;
}

const toAccountRecord = (r: AccountRow): AccountRecord => ({
  username: r.username,
  displayName: r.display_name,
  role: r.role as AccountRole,
  access: accessOf(JSON.parse(r.clinics) as ClinicGrant),
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  disabledAt: r.disabled_at,
});

/** What the API shows of an account: never the password's hash. */
export const toAccount = (a: AccountRecord): Account => ({
  username: a.username,
  displayName: a.displayName,
  role: a.role,
  clinics: grantOf(a.access),
  createdAt: a.createdAt,
  disabledAt: a.disabledAt ?? null,
});

/** People's accounts and their sessions. */
export interface AccountStore {
  createAccount(account: AccountRecord): Promise<void>;
  getAccount(username: string): Promise<AccountRecord | undefined>;
  /** Accounts acting for at least one of `access`'s clinics (or its puskesmas). */
  listAccounts(page: PageRequest, access: ClinicAccess): Promise<Page<Account>>;
  saveSession(
    tokenHash: string,
    username: string,
    createdAt: string,
    idleExpiresAt: string,
    expiresAt: string,
  ): Promise<void>;
  /** The session, while neither of its ends has passed. */
  findSession(tokenHash: string, now: string): Promise<SessionRecord | undefined>;
  /** Moves the idle end of a live session forward. */
  touchSession(tokenHash: string, idleExpiresAt: string): Promise<void>;
  /** Ends a session (signing out); ending one that is gone changes nothing. */
  endSession(tokenHash: string): Promise<void>;
  /**
   * Disables an account (`at`) or enables it again (null). Its sessions are kept, so that one sent
   * again is told the account is disabled; they serve nothing while it is. False for no such account.
   */
  setAccountDisabled(username: string, at: string | null): Promise<boolean>;
  /**
   * Sets an account's password hash and ends its sessions, all but `keep` (the one of a person
   * changing their own). False for no such account.
   */
  setAccountPassword(username: string, passwordHash: string, at: string, keep?: string): Promise<boolean>;
}

export class SqlAccountStore implements AccountStore {
  constructor(private readonly db: SqlExecutor) {}

  async createAccount(a: AccountRecord) {
    const inserted = await this.db.run(
      `INSERT INTO accounts (username, display_name, role, clinics, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
      [a.username, a.displayName, a.role, JSON.stringify(grantOf(a.access)), a.passwordHash, a.createdAt],
    );
    if (inserted === 0) {
      throw new ClinicError('CONFLICT', `account ${a.username} exists already: choose another username`);
    }
  }

  async getAccount(username: string) {
    const r = await this.db.get<AccountRow>('SELECT * FROM accounts WHERE username = ?', [username]);
    return r && toAccountRecord(r);
  }

  async listAccounts(page: PageRequest, access: ClinicAccess) {
    const after = decodeCursor(page.cursor) ?? '';
    const mine = grantCondition(access, 'clinics');
    const rows = await this.db.all<AccountRow>(
      `SELECT * FROM accounts WHERE username > ?${mine.sql} ORDER BY username LIMIT ?`,
      [after, ...mine.params, page.limit + 1],
    );
    return pageOf(
      rows,
      page.limit,
      (r) => r.username,
      (r) => toAccount(toAccountRecord(r)),
    );
  }

  async saveSession(
    tokenHash: string,
    username: string,
    createdAt: string,
    idleExpiresAt: string,
    expiresAt: string,
  ) {
    await this.db.run(
      'INSERT INTO sessions (token_hash, username, created_at, idle_expires_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      [tokenHash, username, createdAt, idleExpiresAt, expiresAt],
    );
  }

  async findSession(tokenHash: string, now: string): Promise<SessionRecord | undefined> {
    const r = await this.db.get<
      AccountRow & { s_created_at: string; idle_expires_at: string; expires_at: string }
    >(
      `SELECT a.*, s.created_at AS s_created_at, s.idle_expires_at, s.expires_at
       FROM sessions s JOIN accounts a ON a.username = s.username
       WHERE s.token_hash = ? AND s.expires_at > ? AND s.idle_expires_at > ?`,
      [tokenHash, now, now],
    );
    return (
      r && {
        account: toAccountRecord(r),
        createdAt: r.s_created_at,
        idleExpiresAt: r.idle_expires_at,
        expiresAt: r.expires_at,
      }
    );
  }

  async touchSession(tokenHash: string, idleExpiresAt: string) {
    await this.db.run('UPDATE sessions SET idle_expires_at = ? WHERE token_hash = ?', [
      idleExpiresAt,
      tokenHash,
    ]);
  }

  async setAccountDisabled(username: string, at: string | null) {
    return (await this.db.run('UPDATE accounts SET disabled_at = ? WHERE username = ?', [at, username])) > 0;
  }

  async setAccountPassword(username: string, passwordHash: string, at: string, keep?: string) {
    return this.db.transaction(async (tx) => {
      const changed = await tx.run(
        'UPDATE accounts SET password_hash = ?, password_changed_at = ? WHERE username = ?',
        [passwordHash, at, username],
      );
      if (changed === 0) return false;
      await tx.run('DELETE FROM sessions WHERE username = ? AND token_hash <> ?', [username, keep ?? '']);
      return true;
    });
  }

  async endSession(tokenHash: string) {
    await this.db.run('DELETE FROM sessions WHERE token_hash = ?', [tokenHash]);
  }
}
