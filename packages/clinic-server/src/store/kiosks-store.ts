import type { Kiosk, KioskStatus, Page } from '@klinik-desa/protocol';
import { type ClinicAccess, clinicCondition } from '../domain/access.js';
import { decodeCursor, pageOf } from '../domain/cursor.js';
import { ClinicError, notFound } from '../errors.js';
import { where } from './query.js';
import type { KioskSecret, PageRequest } from './records.js';
import type { SqlExecutor } from './sql.js';

/**
 * Whether the registry has a kiosk, remembered between batches and shared by the kiosk and the
 * reading parts: kiosks are never deleted, so once it has one it always has one, and ingest need
 * not ask the record again for every batch.
 */
export interface KioskRegistry {
  nonEmpty: boolean;
}

interface KioskRow {
  clinic_id: string;
  kiosk_id: string;
  name: string | null;
  registered_at: string;
  rotated_at: string;
  status: string | null;
  last_reading_at: string | null;
}

const toKiosk = (r: KioskRow): Kiosk => ({
  clinicId: r.clinic_id,
  kioskId: r.kiosk_id,
  name: r.name,
  registeredAt: r.registered_at,
  credentialsRotatedAt: r.rotated_at,
  status: r.status === null ? null : (JSON.parse(r.status) as KioskStatus),
  lastReadingAt: r.last_reading_at,
});

/** The kiosk registry: each kiosk, its MQTT credentials, and its latest status as `KioskActivityStore` keeps it. */
export interface KioskStore {
  registerKiosk(
    input: { clinicId: string; kioskId: string; name: string | null },
    clientId: string,
    secretHash: string,
    at: string,
  ): Promise<Kiosk>;
  rotateKioskSecret(clinicId: string, kioskId: string, secretHash: string, at: string): Promise<Kiosk>;
  getKiosk(clinicId: string, kioskId: string): Promise<Kiosk | undefined>;
  listKiosks(
    query: { clinicId?: string | undefined },
    page: PageRequest,
    access: ClinicAccess,
  ): Promise<Page<Kiosk>>;
  kioskSecrets(): Promise<KioskSecret[]>;
  /** True when at least one kiosk is registered: from then on unknown kiosks are refused. */
  hasKiosks(): Promise<boolean>;
  /** True when a kiosk, reading, practitioner or patient of the record names this clinic. */
  clinicKnown(clinicId: string): Promise<boolean>;
}

export class SqlKioskStore implements KioskStore {
  constructor(
    private readonly db: SqlExecutor,
    private readonly registry: KioskRegistry,
  ) {}

  async registerKiosk(
    input: { clinicId: string; kioskId: string; name: string | null },
    clientId: string,
    secretHash: string,
    at: string,
  ) {
    await this.db.transaction(async (tx) => {
      const inserted = await tx.run(
        `INSERT INTO kiosks (clinic_id, kiosk_id, name, registered_at, rotated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
        [input.clinicId, input.kioskId, input.name, at, at],
      );
      if (inserted === 0) {
        throw new ClinicError(
          'KIOSK_EXISTS',
          `kiosk ${input.clinicId}/${input.kioskId} is already registered`,
        );
      }
      await tx.run(
        `INSERT INTO api_clients (id, role, name, secret_hash, clinic_id, kiosk_id, clinics, created_at) VALUES (?, 'kiosk', ?, ?, ?, ?, ?, ?)`,
        [
          clientId,
          `kiosk ${input.clinicId}/${input.kioskId}`,
          secretHash,
          input.clinicId,
          input.kioskId,
          JSON.stringify([input.clinicId]),
          at,
        ],
      );
    });
    this.registry.nonEmpty = true;
    return (await this.getKiosk(input.clinicId, input.kioskId))!;
  }

  async rotateKioskSecret(clinicId: string, kioskId: string, secretHash: string, at: string) {
    await this.db.transaction(async (tx) => {
      const changed = await tx.run('UPDATE kiosks SET rotated_at = ? WHERE clinic_id = ? AND kiosk_id = ?', [
        at,
        clinicId,
        kioskId,
      ]);
      if (changed === 0) throw notFound('kiosk', `${clinicId}/${kioskId}`);
      await tx.run(
        `UPDATE api_clients SET secret_hash = ? WHERE role = 'kiosk' AND clinic_id = ? AND kiosk_id = ?`,
        [secretHash, clinicId, kioskId],
      );
      // Tokens issued with the old secret end with it.
      await tx.run(
        `DELETE FROM access_tokens WHERE client_id IN (SELECT id FROM api_clients WHERE role = 'kiosk' AND clinic_id = ? AND kiosk_id = ?)`,
        [clinicId, kioskId],
      );
    });
    return (await this.getKiosk(clinicId, kioskId))!;
  }

  async getKiosk(clinicId: string, kioskId: string) {
    const row = await this.db.get<KioskRow>('SELECT * FROM kiosks WHERE clinic_id = ? AND kiosk_id = ?', [
      clinicId,
      kioskId,
    ]);
    return row && toKiosk(row);
  }

  async listKiosks(query: { clinicId?: string | undefined }, page: PageRequest, access: ClinicAccess) {
    // The cursor is "clinic/kiosk" (neither id holds a '/'); the page walks the primary key in its
    // own order from there and stops at the page's end, instead of sorting every kiosk per request.
    const cursor = decodeCursor(page.cursor);
    const cut = cursor === undefined ? -1 : cursor.indexOf('/');
    if (cursor !== undefined && cut < 0) {
      throw new ClinicError('VALIDATION', 'cursor: not a cursor of GET /kiosks; start again without one', {
        field: 'cursor',
      });
    }
    const after: string[] =
      cursor === undefined ? [] : [cursor.slice(0, cut), cursor.slice(0, cut), cursor.slice(cut + 1)];
    const w = where([['clinic_id = ?', query.clinicId]]);
    const c = clinicCondition(access, 'clinic_id');
    const from = cursor === undefined ? '' : ' AND (clinic_id > ? OR (clinic_id = ? AND kiosk_id > ?))';
    const rows = await this.db.all<KioskRow>(
      `SELECT * FROM kiosks WHERE 1 = 1${from}${w.sql}${c.sql} ORDER BY clinic_id, kiosk_id LIMIT ?`,
      [...after, ...w.params, ...c.params, page.limit + 1],
    );
    return pageOf(rows, page.limit, (r) => `${r.clinic_id}/${r.kiosk_id}`, toKiosk);
  }

  async kioskSecrets() {
    return (
      await this.db.all<{ id: string; clinic_id: string; kiosk_id: string; secret_hash: string }>(
        `SELECT id, clinic_id, kiosk_id, secret_hash FROM api_clients WHERE role = 'kiosk' AND revoked_at IS NULL ORDER BY id`,
      )
    ).map((r) => ({ clinicId: r.clinic_id, kioskId: r.kiosk_id, username: r.id, secretHash: r.secret_hash }));
  }

  async clinicKnown(clinicId: string) {
    // Each EXISTS is answered from an index that starts with clinic_id.
    const row = await this.db.get<{ known: number }>(
      `SELECT CASE WHEN EXISTS (SELECT 1 FROM kiosks WHERE clinic_id = ?)
         OR EXISTS (SELECT 1 FROM readings WHERE clinic_id = ?)
         OR EXISTS (SELECT 1 FROM practitioners WHERE clinic_id = ?)
         OR EXISTS (SELECT 1 FROM patient_clinics WHERE clinic_id = ?) THEN 1 ELSE 0 END AS known`,
      [clinicId, clinicId, clinicId, clinicId],
    );
    return Number(row?.known) === 1;
  }

  async hasKiosks() {
    return (await this.db.get('SELECT 1 AS one FROM kiosks LIMIT 1')) !== undefined;
  }
}
