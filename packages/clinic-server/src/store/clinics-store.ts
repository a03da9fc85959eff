import type {
  Clinic,
  ClinicCreate,
  ClinicListQuery,
  ClinicUpdate,
  Page,
  Puskesmas,
  PuskesmasUpdate,
} from '@klinik-desa/protocol';
import { type ClinicAccess, clinicCondition } from '../domain/access.js';
import { decodeCursor, pageOf } from '../domain/cursor.js';
import { ClinicError, notFound } from '../errors.js';
import { where } from './query.js';
import type { PageRequest } from './records.js';
import type { SqlExecutor } from './sql.js';

interface ClinicRow {
  id: string;
  name: string;
  village: string | null;
  organization_id: string | null;
  location_id: string | null;
  location_display: string | null;
  puskesmas_id: string | null;
  created_at: string;
  updated_at: string;
}

interface PuskesmasRow {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
}

const toClinic = (r: ClinicRow): Clinic => ({
  id: r.id,
  name: r.name,
  village: r.village,
  organizationId: r.organization_id,
  location:
    r.location_id !== null && r.location_display !== null
      ? { id: r.location_id, display: r.location_display }
      : null,
  puskesmasId: r.puskesmas_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/**
 * Clinics as records (a name, a village, SATUSEHAT ids) and the puskesmas that supervise them. A
 * clinic is supervised by one puskesmas at most; a puskesmas's clinics are the clinics naming it.
 */
export interface ClinicRegistryStore {
  createClinic(clinic: ClinicCreate, at: string): Promise<Clinic>;
  /** A clinic of `access` (undefined for another clinic's, as for one that does not exist). */
  getClinic(id: string, access: ClinicAccess): Promise<Clinic | undefined>;
  listClinics(query: ClinicListQuery, page: PageRequest, access: ClinicAccess): Promise<Page<Clinic>>;
  updateClinic(id: string, patch: ClinicUpdate, at: string): Promise<Clinic>;
  createPuskesmas(
    puskesmas: { id: string; name: string; clinicIds: readonly string[] },
    at: string,
  ): Promise<Puskesmas>;
  /** A puskesmas the caller reaches: its own, or one supervising a clinic of its. */
  getPuskesmas(id: string, access: ClinicAccess): Promise<Puskesmas | undefined>;
  listPuskesmas(page: PageRequest, access: ClinicAccess): Promise<Page<Puskesmas>>;
  updatePuskesmas(id: string, patch: PuskesmasUpdate, at: string): Promise<Puskesmas>;
  /** The ids of the clinics a puskesmas supervises now. */
  clinicsOfPuskesmas(id: string): Promise<string[]>;
}

export class SqlClinicRegistryStore implements ClinicRegistryStore {
  constructor(private readonly db: SqlExecutor) {}

  async createClinic(c: ClinicCreate, at: string) {
    return this.db.transaction(async (tx) => {
      if (c.puskesmasId) await mustHavePuskesmas(tx, c.puskesmasId);
      const inserted = await tx.run(
        `INSERT INTO clinics (id, name, village, organization_id, location_id, location_display, puskesmas_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [
          c.id,
          c.name,
          c.village ?? null,
          c.organizationId ?? null,
          c.location?.id ?? null,
          c.location?.display ?? null,
          c.puskesmasId ?? null,
          at,
          at,
        ],
      );
      if (inserted === 0)
        throw new ClinicError(
          'CONFLICT',
          `clinic ${c.id} exists already: change it with PATCH /clinics/${c.id}`,
        );
      return toClinic((await tx.get<ClinicRow>('SELECT * FROM clinics WHERE id = ?', [c.id]))!);
    });
  }

  async getClinic(id: string, access: ClinicAccess) {
    const mine = clinicCondition(access, 'id');
    const r = await this.db.get<ClinicRow>(`SELECT * FROM clinics WHERE id = ?${mine.sql}`, [
      id,
      ...mine.params,
    ]);
    return r && toClinic(r);
  }

  async listClinics(query: ClinicListQuery, page: PageRequest, access: ClinicAccess) {
    const after = decodeCursor(page.cursor) ?? '';
    const w = where([['puskesmas_id = ?', query.puskesmasId]]);
    const mine = clinicCondition(access, 'id');
    const rows = await this.db.all<ClinicRow>(
      `SELECT * FROM clinics WHERE id > ?${w.sql}${mine.sql} ORDER BY id LIMIT ?`,
      [after, ...w.params, ...mine.params, page.limit + 1],
    );
    return pageOf(rows, page.limit, (r) => r.id, toClinic);
  }

  async updateClinic(id: string, patch: ClinicUpdate, at: string) {
    return this.db.transaction(async (tx) => {
      const row = await tx.get<ClinicRow>('SELECT * FROM clinics WHERE id = ?', [id]);
      if (!row) throw notFound('clinic', id);
      if (patch.puskesmasId) await mustHavePuskesmas(tx, patch.puskesmasId);
      const next: ClinicRow = {
        ...row,
        name: patch.name ?? row.name,
        village: patch.village === undefined ? row.village : patch.village,
        organization_id: patch.organizationId === undefined ? row.organization_id : patch.organizationId,
        location_id: patch.location === undefined ? row.location_id : (patch.location?.id ?? null),
        location_display:
          patch.location === undefined ? row.location_display : (patch.location?.display ?? null),
        puskesmas_id: patch.puskesmasId === undefined ? row.puskesmas_id : patch.puskesmasId,
        updated_at: at,
      };
      await tx.run(
        `UPDATE clinics SET name = ?, village = ?, organization_id = ?, location_id = ?, location_display = ?,
         puskesmas_id = ?, updated_at = ? WHERE id = ?`,
        [
          next.name,
          next.village,
          next.organization_id,
          next.location_id,
          next.location_display,
          next.puskesmas_id,
          at,
          id,
        ],
      );
      return toClinic(next);
    });
  }

  async createPuskesmas(p: { id: string; name: string; clinicIds: readonly string[] }, at: string) {
    return this.db.transaction(async (tx) => {
      const inserted = await tx.run(
        'INSERT INTO puskesmas (id, name, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
        [p.id, p.name, at, at],
      );
      if (inserted === 0) {
        throw new ClinicError(
          'CONFLICT',
          `puskesmas ${p.id} exists already: change it with PATCH /puskesmas/${p.id}`,
        );
      }
      await supervise(tx, p.id, p.clinicIds, at);
      return puskesmasOf(tx, (await tx.get<PuskesmasRow>('SELECT * FROM puskesmas WHERE id = ?', [p.id]))!);
    });
  }

  async getPuskesmas(id: string, access: ClinicAccess) {
    const mine = reachable(access);
    const r = await this.db.get<PuskesmasRow>(`SELECT * FROM puskesmas p WHERE p.id = ?${mine.sql}`, [
      id,
      ...mine.params,
    ]);
    return r && puskesmasOf(this.db, r);
  }

  async listPuskesmas(page: PageRequest, access: ClinicAccess) {
    const after = decodeCursor(page.cursor) ?? '';
    const mine = reachable(access);
    const rows = await this.db.all<PuskesmasRow>(
      `SELECT * FROM puskesmas p WHERE p.id > ?${mine.sql} ORDER BY p.id LIMIT ?`,
      [after, ...mine.params, page.limit + 1],
    );
    const pageRows = pageOf(
      rows,
      page.limit,
      (r) => r.id,
      (r) => r,
    );
    const data = [];
    for (const r of pageRows.data) data.push(await puskesmasOf(this.db, r));
    return { data, nextCursor: pageRows.nextCursor };
  }

  async updatePuskesmas(id: string, patch: PuskesmasUpdate, at: string) {
    return this.db.transaction(async (tx) => {
      const row = await tx.get<PuskesmasRow>('SELECT * FROM puskesmas WHERE id = ?', [id]);
      if (!row) throw notFound('puskesmas', id);
      const name = patch.name ?? row.name;
      await tx.run('UPDATE puskesmas SET name = ?, updated_at = ? WHERE id = ?', [name, at, id]);
      if (patch.clinicIds !== undefined) {
        await tx.run('UPDATE clinics SET puskesmas_id = NULL, updated_at = ? WHERE puskesmas_id = ?', [
          at,
          id,
        ]);
        await supervise(tx, id, patch.clinicIds, at);
      }
      return puskesmasOf(tx, { ...row, name, updated_at: at });
    });
  }

  async clinicsOfPuskesmas(id: string) {
    const rows = await this.db.all<{ id: string }>(
      'SELECT id FROM clinics WHERE puskesmas_id = ? ORDER BY id',
      [id],
    );
    return rows.map((r) => r.id);
  }
}

async function mustHavePuskesmas(tx: SqlExecutor, id: string): Promise<void> {
  if (!(await tx.get('SELECT 1 AS one FROM puskesmas WHERE id = ?', [id]))) {
    throw new ClinicError(
      'VALIDATION',
      `puskesmasId: no puskesmas ${id}: create it first with POST /puskesmas`,
    );
  }
}

/** Puts clinics under a puskesmas; each must be a registered clinic, named if it is not. */
async function supervise(tx: SqlExecutor, puskesmasId: string, clinicIds: readonly string[], at: string) {
  for (const clinicId of new Set(clinicIds)) {
    const changed = await tx.run('UPDATE clinics SET puskesmas_id = ?, updated_at = ? WHERE id = ?', [
      puskesmasId,
      at,
      clinicId,
    ]);
    if (changed === 0) {
      throw new ClinicError(
        'VALIDATION',
        `clinicIds: no clinic ${clinicId}: register it first with POST /clinics (id, name, village)`,
      );
    }
  }
}

async function puskesmasOf(db: SqlExecutor, r: PuskesmasRow): Promise<Puskesmas> {
  const clinics = await db.all<{ id: string }>('SELECT id FROM clinics WHERE puskesmas_id = ? ORDER BY id', [
    r.id,
  ]);
  return {
    id: r.id,
    name: r.name,
    clinicIds: clinics.map((c) => c.id),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The puskesmas a caller reaches: every one, its own, or those supervising one of its clinics. */
function reachable(access: ClinicAccess): { sql: string; params: string[] } {
  if (access.all) return { sql: '', params: [] };
  const own =
    access.puskesmasId !== undefined ? { sql: 'p.id = ?', params: [access.puskesmasId] } : undefined;
  const clinics =
    access.clinicIds.length > 0
      ? {
          sql: `EXISTS (SELECT 1 FROM clinics c WHERE c.puskesmas_id = p.id AND c.id IN (${access.clinicIds.map(() => '?').join(', ')}))`,
          params: [...access.clinicIds],
        }
      : undefined;
  const parts = [own, clinics].filter((x) => x !== undefined);
  if (parts.length === 0) return { sql: ' AND 1 = 0', params: [] };
  return { sql: ` AND (${parts.map((x) => x.sql).join(' OR ')})`, params: parts.flatMap((x) => x.params) };
}
