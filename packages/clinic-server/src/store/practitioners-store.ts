import type { Page, PractitionerCreate, PractitionerRecord, PractitionerUpdate } from '@klinik-desa/protocol';
import { type ClinicAccess, clinicCondition, EVERY_CLINIC } from '../domain/access.js';
import { decodeCursor, pageOf } from '../domain/cursor.js';
import { ClinicError, notFound } from '../errors.js';
import { isUniqueViolation, where } from './query.js';
import type { PageRequest } from './records.js';
import type { SqlExecutor } from './sql.js';

interface PractitionerRow {
  id: string;
  clinic_id: string;
  name: string;
  nik: string | null;
  ihs_number: string | null;
  active: number;
  created_at: string;
  updated_at: string;
}

const toPractitioner = (r: PractitionerRow): PractitionerRecord => ({
  id: r.id,
  clinicId: r.clinic_id,
  name: r.name,
  nik: r.nik,
  ihsNumber: r.ihs_number,
  active: Number(r.active) === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The message names the clinic, never the NIK: error messages end up in logs. */
function practitionerNikTaken(clinicId: string, practitionerId: string | null): ClinicError {
  return new ClinicError(
    'PRACTITIONER_EXISTS',
    `a health worker with this NIK is already registered in clinic ${clinicId}`,
    practitionerId ? { practitionerId } : undefined,
  );
}

/** The clinic's health workers, each of one clinic. */
export interface PractitionerStore {
  /** PRACTITIONER_EXISTS (with the `practitionerId`) for a NIK already registered in that clinic. */
  createPractitioner(input: PractitionerCreate, id: string, at: string): Promise<PractitionerRecord>;
  getPractitioner(id: string, access: ClinicAccess): Promise<PractitionerRecord | undefined>;
  listPractitioners(
    query: { clinicId?: string | undefined; active?: boolean | undefined },
    page: PageRequest,
    access: ClinicAccess,
  ): Promise<Page<PractitionerRecord>>;
  /**
   * Changes the fields given; NOT_FOUND for an unknown id, PRACTITIONER_EXISTS for a NIK another
   * health worker of the clinic has, VALIDATION when neither a NIK nor an IHS number would be left.
   */
  updatePractitioner(
    id: string,
    changes: PractitionerUpdate,
    at: string,
    access: ClinicAccess,
  ): Promise<PractitionerRecord>;
  /**
   * Gives a health worker the IHS number SATUSEHAT has for their NIK, only while they still have
   * none and still carry that NIK: a number or NIK a person set meanwhile wins. True when it was set.
   */
  adoptPractitionerIhsNumber(id: string, nik: string, ihsNumber: string): Promise<boolean>;
}

export class SqlPractitionerStore implements PractitionerStore {
  constructor(private readonly db: SqlExecutor) {}

  async createPractitioner(input: PractitionerCreate, id: string, at: string) {
    const inserted = await this.db.run(
      `INSERT INTO practitioners (id, clinic_id, name, nik, ihs_number, active, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT DO NOTHING`,
      [id, input.clinicId, input.name, input.nik ?? null, input.ihsNumber ?? null, at, at],
    );
    if (inserted === 0) {
      const holder = input.nik
        ? await this.db.get<{ id: string }>('SELECT id FROM practitioners WHERE clinic_id = ? AND nik = ?', [
            input.clinicId,
            input.nik,
          ])
        : undefined;
      throw practitionerNikTaken(input.clinicId, holder?.id ?? null);
    }
    return (await this.getPractitioner(id, EVERY_CLINIC))!;
  }

  async getPractitioner(id: string, access: ClinicAccess) {
    const c = clinicCondition(access, 'clinic_id');
    const row = await this.db.get<PractitionerRow>(`SELECT * FROM practitioners WHERE id = ?${c.sql}`, [
      id,
      ...c.params,
    ]);
    return row && toPractitioner(row);
  }

  async listPractitioners(
    query: { clinicId?: string | undefined; active?: boolean | undefined },
    page: PageRequest,
    access: ClinicAccess,
  ) {
    const after = decodeCursor(page.cursor) ?? '';
    const w = where([
      ['clinic_id = ?', query.clinicId],
      ['active = ?', query.active === undefined ? undefined : query.active ? 1 : 0],
    ]);
    const c = clinicCondition(access, 'clinic_id');
    const rows = await this.db.all<PractitionerRow>(
      `SELECT * FROM practitioners WHERE id > ?${w.sql}${c.sql} ORDER BY id LIMIT ?`,
      [after, ...w.params, ...c.params, page.limit + 1],
    );
    return pageOf(rows, page.limit, (r) => r.id, toPractitioner);
  }

  async updatePractitioner(id: string, changes: PractitionerUpdate, at: string, access: ClinicAccess) {
    return this.db.transaction(async (tx) => {
      const c = clinicCondition(access, 'clinic_id');
      const row = await tx.get<PractitionerRow>(`SELECT * FROM practitioners WHERE id = ?${c.sql}`, [
        id,
        ...c.params,
      ]);
      if (!row) throw notFound('practitioner', id);
      const nik = changes.nik === undefined ? row.nik : changes.nik;
      const ihsNumber = changes.ihsNumber === undefined ? row.ihs_number : changes.ihsNumber;
      // SATUSEHAT names a practitioner by IHS number, and the NIK is how the clinic finds it.
      if (nik === null && ihsNumber === null) {
        throw new ClinicError(
          'VALIDATION',
          `body: practitioner ${id} would be left with neither a NIK nor an IHS number; keep one of them`,
        );
      }
      const holder =
        nik !== null && nik !== row.nik
          ? await tx.get<{ id: string }>('SELECT id FROM practitioners WHERE clinic_id = ? AND nik = ?', [
              row.clinic_id,
              nik,
            ])
          : undefined;
      if (holder) throw practitionerNikTaken(row.clinic_id, holder.id);
      const updated: PractitionerRow = {
        ...row,
        name: changes.name ?? row.name,
        nik,
        ihs_number: ihsNumber,
        active: changes.active === undefined ? Number(row.active) : changes.active ? 1 : 0,
        updated_at: at,
      };
      try {
        await tx.run(
          'UPDATE practitioners SET name = ?, nik = ?, ihs_number = ?, active = ?, updated_at = ? WHERE id = ?',
          [updated.name, updated.nik, updated.ihs_number, updated.active, at, id],
        );
      } catch (error) {
        // Another request gave the same NIK to someone else between the check and this update.
        if (isUniqueViolation(error)) throw practitionerNikTaken(row.clinic_id, null);
        throw error;
      }
      return toPractitioner(updated);
    });
  }

  async adoptPractitionerIhsNumber(id: string, nik: string, ihsNumber: string) {
    const changed = await this.db.run(
      'UPDATE practitioners SET ihs_number = ?, updated_at = ? WHERE id = ? AND nik = ? AND ihs_number IS NULL',
      [ihsNumber, new Date().toISOString(), id, nik],
    );
    return changed === 1;
  }
}
