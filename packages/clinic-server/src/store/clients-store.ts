import type { ApiClient, ApiClientListQuery, ClinicGrant, Page, Scope } from '@klinik-desa/protocol';
import { accessOf, type ClinicAccess, grantOf } from '../domain/access.js';
import { decodeCursor, pageOf } from '../domain/cursor.js';
import { ClinicError, notFound } from '../errors.js';
import { grantCondition } from './grant-condition.js';
import { where } from './query.js';
import type { ApiClientRecord, PageRequest, TokenRecord } from './records.js';
import type { SqlExecutor } from './sql.js';

interface ClientRow {
  id: string;
  role: string;
  name: string;
  secret_hash: string;
  clinic_id: string | null;
  kiosk_id: string | null;
  clinics: string;
  created_at: string;
  revoked_at: string | null;
}

/** The `clinics` column: JSON, `"*"` or a list of clinic ids. */
function parseClinics(text: string): ClinicAccess {
  return accessOf(JSON.parse(text) as ClinicGrant);
}

const toClientRecord = (r: ClientRow): ApiClientRecord => ({
  id: r.id,
  role: r.role as ApiClientRecord['role'],
  name: r.name,
  secretHash: r.secret_hash,
  clinicId: r.clinic_id,
  kioskId: r.kiosk_id,
  access: parseClinics(r.clinics),
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

/** What the API shows of a client: everything but the secret's hash. */
const toApiClient = (c: ApiClientRecord): ApiClient => ({
  clientId: c.id,
  role: c.role,
  name: c.name,
  clinicId: c.clinicId,
  kioskId: c.kioskId,
  clinics: grantOf(c.access),
  createdAt: c.createdAt,
  revokedAt: c.revokedAt ?? null,
});

/** API clients (partners, administrators, kiosks) and the access tokens they sign in for. */
export interface ClientStore {
  createClient(client: ApiClientRecord): Promise<void>;
  getClient(id: string): Promise<ApiClientRecord | undefined>;
  /** Clients that act for at least one of `access`'s clinics (every client, for every clinic). */
  listClients(query: ApiClientListQuery, page: PageRequest, access: ClinicAccess): Promise<Page<ApiClient>>;
  /** Changes the clinics a partner or administrator may act for. */
  grantClinics(id: string, access: ClinicAccess): Promise<ApiClient>;
  /** Ends a client: its tokens at once, and every sign-in after. Revoking again changes nothing. */
  revokeClient(id: string, at: string): Promise<ApiClient>;
  saveToken(tokenHash: string, clientId: string, scopes: readonly Scope[], expiresAt: string): Promise<void>;
  findToken(tokenHash: string, now: string): Promise<TokenRecord | undefined>;
  /** How many unexpired tokens a client holds, and when the first of them expires (null: none). */
  liveTokens(clientId: string, now: string): Promise<{ count: number; firstExpiry: string | null }>;
}

export class SqlClientStore implements ClientStore {
  constructor(private readonly db: SqlExecutor) {}

  async createClient(c: ApiClientRecord) {
    const inserted = await this.db.run(
      `INSERT INTO api_clients (id, role, name, secret_hash, clinic_id, kiosk_id, clinics, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
      [
        c.id,
        c.role,
        c.name,
        c.secretHash,
        c.clinicId,
        c.kioskId,
        JSON.stringify(grantOf(c.access)),
        c.createdAt,
      ],
    );
    if (inserted === 0) throw new ClinicError('CONFLICT', `client ${c.id} exists already`);
  }

  async getClient(id: string) {
    const r = await this.db.get<ClientRow>('SELECT * FROM api_clients WHERE id = ?', [id]);
    return r && toClientRecord(r);
  }

  async listClients(query: ApiClientListQuery, page: PageRequest, access: ClinicAccess) {
    const after = decodeCursor(page.cursor) ?? '';
    const w = where([['role = ?', query.role]]);
    const mine = grantCondition(access, 'clinics');
    const rows = await this.db.all<ClientRow>(
      `SELECT * FROM api_clients WHERE id > ?${w.sql}${mine.sql} ORDER BY id LIMIT ?`,
      [after, ...w.params, ...mine.params, page.limit + 1],
    );
    return pageOf(
      rows,
      page.limit,
      (r) => r.id,
      (r) => toApiClient(toClientRecord(r)),
    );
  }

  async revokeClient(id: string, at: string) {
    return this.db.transaction(async (tx) => {
      const row = await tx.get<ClientRow>('SELECT * FROM api_clients WHERE id = ?', [id]);
      if (!row) throw notFound('client', id);
      // Revoking again keeps the first time: that is when access ended.
      if (row.revoked_at === null) {
        await tx.run('UPDATE api_clients SET revoked_at = ? WHERE id = ?', [at, id]);
        await tx.run('DELETE FROM access_tokens WHERE client_id = ?', [id]);
      }
      return toApiClient(toClientRecord({ ...row, revoked_at: row.revoked_at ?? at }));
    });
  }

  async grantClinics(id: string, access: ClinicAccess) {
    return this.db.transaction(async (tx) => {
      const row = await tx.get<ClientRow>('SELECT * FROM api_clients WHERE id = ?', [id]);
      if (!row) throw notFound('client', id);
      if (row.role === 'kiosk') {
        throw new ClinicError('CONFLICT', `client ${id} is a kiosk: it acts for its own clinic only`);
      }
      const clinics = JSON.stringify(grantOf(access));
      await tx.run('UPDATE api_clients SET clinics = ? WHERE id = ?', [clinics, id]);
      return toApiClient(toClientRecord({ ...row, clinics }));
    });
  }

  async saveToken(tokenHash: string, clientId: string, scopes: readonly Scope[], expiresAt: string) {
    await this.db.run(
      'INSERT INTO access_tokens (token_hash, client_id, scopes, expires_at) VALUES (?, ?, ?, ?)',
      [tokenHash, clientId, scopes.join(' '), expiresAt],
    );
  }

  async findToken(tokenHash: string, now: string): Promise<TokenRecord | undefined> {
    const r = await this.db.get<{
      client_id: string;
      scopes: string;
      expires_at: string;
      role: string;
      clinic_id: string | null;
      kiosk_id: string | null;
      clinics: string;
    }>(
      `SELECT t.client_id, t.scopes, t.expires_at, c.role, c.clinic_id, c.kiosk_id, c.clinics
       FROM access_tokens t JOIN api_clients c ON c.id = t.client_id
       WHERE t.token_hash = ? AND t.expires_at > ? AND c.revoked_at IS NULL`,
      [tokenHash, now],
    );
    return (
      r && {
        clientId: r.client_id,
        role: r.role as TokenRecord['role'],
        scopes: r.scopes.split(' ').filter(Boolean) as Scope[],
        expiresAt: r.expires_at,
        clinicId: r.clinic_id,
        kioskId: r.kiosk_id,
        access: parseClinics(r.clinics),
      }
    );
  }

  async liveTokens(clientId: string, now: string) {
    const r = await this.db.get<{ n: number | string; first: string | null }>(
      'SELECT count(*) AS n, min(expires_at) AS first FROM access_tokens WHERE client_id = ? AND expires_at > ?',
      [clientId, now],
    );
    return { count: Number(r?.n ?? 0), firstExpiry: r?.first ?? null };
  }
}
