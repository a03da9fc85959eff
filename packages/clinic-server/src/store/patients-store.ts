import type { Page, Patient, PatientCreate, PatientUpdate } from '@klinik-desa/protocol';
import { type ClinicAccess, clinicCondition, EVERY_CLINIC } from '../domain/access.js';
import { decodeCursor, pageOf } from '../domain/cursor.js';
import { nameKey } from '../domain/readings.js';
import { ClinicError, notFound } from '../errors.js';
import { isUniqueViolation } from './query.js';
import type { PageRequest } from './records.js';
import type { SqlExecutor } from './sql.js';

interface PatientRow {
  id: string;
  nik: string | null;
  name: string;
  birth_date: string;
  sex: string;
  ihs_number: string | null;
  created_at: string;
}

function nikTaken(
  patientId: string | null,
  message = 'a patient with this NIK is already registered',
): ClinicError {
  return new ClinicError('PATIENT_EXISTS', message, patientId ? { patientId } : undefined);
}

/** `AND` the patient in `column` is seen by one of the caller's clinics. */
function seenBy(access: ClinicAccess, column: string): { sql: string; params: string[] } {
  if (access.all) return { sql: '', params: [] };
  const c = clinicCondition(access, 'pc.clinic_id');
  return {
    sql: ` AND EXISTS (SELECT 1 FROM patient_clinics pc WHERE pc.patient_id = ${column}${c.sql})`,
    params: c.params,
  };
}

const toPatient = (r: PatientRow): Patient => ({
  id: r.id,
  nik: r.nik,
  name: r.name,
  birthDate: r.birth_date,
  sex: r.sex as Patient['sex'],
  ihsNumber: r.ihs_number,
  createdAt: r.created_at,
});

/** Patients, each seen by the clinics that registered or screened them. */
export interface PatientStore {
  /**
   * Registers a patient at `clinicId`. A NIK the record has already answers PATIENT_EXISTS: with
   * the patient's id when `clinicId` sees them, or when the name and birth date given are theirs
   * (the person is at this clinic with their KTP: from now on it sees them); without an id otherwise.
   */
  createPatient(input: PatientCreate, id: string, at: string, clinicId: string): Promise<Patient>;
  getPatient(id: string, access: ClinicAccess): Promise<Patient | undefined>;
  /** Changes the fields given; NOT_FOUND for an unknown or unseen id, PATIENT_EXISTS for another's NIK. */
  updatePatient(id: string, changes: PatientUpdate, access: ClinicAccess): Promise<Patient>;
  findPatientByNik(nik: string, access: ClinicAccess): Promise<Patient | undefined>;
  /**
   * Gives a patient the IHS number SATUSEHAT has for their NIK, only while they still have none and
   * still carry that NIK: a number or NIK a person set meanwhile wins. True when it was set.
   */
  adoptIhsNumber(id: string, nik: string, ihsNumber: string): Promise<boolean>;
  searchPatients(
    name: string,
    birthDate: string,
    page: PageRequest,
    access: ClinicAccess,
  ): Promise<Page<Patient>>;
}

export class SqlPatientStore implements PatientStore {
  constructor(private readonly db: SqlExecutor) {}

  async createPatient(input: PatientCreate, id: string, at: string, clinicId: string) {
    const outcome = await this.db.transaction(async (tx) => {
      const inserted = await tx.run(
        `INSERT INTO patients (id, nik, name, name_key, birth_date, sex, ihs_number, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [
          id,
          input.nik ?? null,
          input.name,
          nameKey(input.name),
          input.birthDate,
          input.sex,
          input.ihsNumber ?? null,
          at,
        ],
      );
      if (inserted === 1) {
        await this.#linkPatient(tx, id, clinicId, at);
        return { created: true as const };
      }
      const existing = input.nik
        ? await tx.get<PatientRow>('SELECT * FROM patients WHERE nik = ?', [input.nik])
        : undefined;
      if (!existing) return { created: false as const, error: nikTaken(null) };
      const seen = await tx.get(
        'SELECT 1 AS one FROM patient_clinics WHERE patient_id = ? AND clinic_id = ?',
        [existing.id, clinicId],
      );
      if (seen) return { created: false as const, error: nikTaken(existing.id) };
      // The person stands at this clinic with their KTP: the name and birth date on it are theirs.
      // Anyone can read a NIK off a document; the three together are what the clinic is shown.
      if (nameKey(existing.name) === nameKey(input.name) && existing.birth_date === input.birthDate) {
        await this.#linkPatient(tx, existing.id, clinicId, at);
        return {
          created: false as const,
          error: nikTaken(
            existing.id,
            `a patient with this NIK is already registered (at another clinic); from now on clinic ${clinicId} sees them too`,
          ),
        };
      }
      return {
        created: false as const,
        error: nikTaken(
          null,
          'a patient with this NIK is registered at another clinic under another name or birth date: check the KTP, and type them as it shows them',
        ),
      };
    });
    if (!outcome.created) throw outcome.error;
    return (await this.getPatient(id, EVERY_CLINIC))!;
  }

  async #linkPatient(tx: SqlExecutor, patientId: string, clinicId: string, at: string): Promise<void> {
    await tx.run(
      'INSERT INTO patient_clinics (patient_id, clinic_id, since) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      [patientId, clinicId, at],
    );
  }

  async updatePatient(id: string, changes: PatientUpdate, access: ClinicAccess) {
    return this.db.transaction(async (tx) => {
      const seen = seenBy(access, 'patients.id');
      const row = await tx.get<PatientRow>(`SELECT * FROM patients WHERE id = ?${seen.sql}`, [
        id,
        ...seen.params,
      ]);
      if (!row) throw notFound('patient', id);
      const nik = changes.nik === undefined ? row.nik : changes.nik;
      const holder =
        nik !== null && nik !== row.nik
          ? await tx.get<{ id: string }>('SELECT id FROM patients WHERE nik = ?', [nik])
          : undefined;
      if (holder) throw nikTaken(holder.id);
      const name = changes.name ?? row.name;
      const updated: PatientRow = {
        ...row,
        nik,
        name,
        birth_date: changes.birthDate ?? row.birth_date,
        sex: changes.sex ?? row.sex,
        ihs_number: changes.ihsNumber === undefined ? row.ihs_number : changes.ihsNumber,
      };
      try {
        await tx.run(
          'UPDATE patients SET nik = ?, name = ?, name_key = ?, birth_date = ?, sex = ?, ihs_number = ? WHERE id = ?',
          [updated.nik, name, nameKey(name), updated.birth_date, updated.sex, updated.ihs_number, id],
        );
      } catch (error) {
        // Another request gave the same NIK to someone else between the check and this update.
        if (isUniqueViolation(error)) throw nikTaken(null);
        throw error;
      }
      return toPatient(updated);
    });
  }

  async adoptIhsNumber(id: string, nik: string, ihsNumber: string) {
    const changed = await this.db.run(
      'UPDATE patients SET ihs_number = ? WHERE id = ? AND nik = ? AND ihs_number IS NULL',
      [ihsNumber, id, nik],
    );
    return changed === 1;
  }

  async getPatient(id: string, access: ClinicAccess) {
    const seen = seenBy(access, 'patients.id');
    const row = await this.db.get<PatientRow>(`SELECT * FROM patients WHERE id = ?${seen.sql}`, [
      id,
      ...seen.params,
    ]);
    return row && toPatient(row);
  }

  async findPatientByNik(nik: string, access: ClinicAccess) {
    const seen = seenBy(access, 'patients.id');
    const row = await this.db.get<PatientRow>(`SELECT * FROM patients WHERE nik = ?${seen.sql}`, [
      nik,
      ...seen.params,
    ]);
    return row && toPatient(row);
  }

  async searchPatients(name: string, birthDate: string, page: PageRequest, access: ClinicAccess) {
    const after = decodeCursor(page.cursor) ?? '';
    const key = nameKey(name);
    // The API asks for three letters or digits; the record checks again, as a name of punctuation
    // or of another script has an empty key here, and an empty key would match everyone that day.
    if (key.replace(/ /g, '').length < 3) {
      throw new ClinicError(
        'VALIDATION',
        'give at least 3 letters or digits of the name (a-z, accents allowed) to search by name',
      );
    }
    // Wildcards match themselves: escaped, with the escape character named (SQLite has no default).
    const pattern = `%${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const seen = seenBy(access, 'patients.id');
    const rows = await this.db.all<PatientRow>(
      `SELECT * FROM patients WHERE birth_date = ? AND name_key LIKE ? ESCAPE '\\' AND id > ?${seen.sql} ORDER BY id LIMIT ?`,
      [birthDate, pattern, after, ...seen.params, page.limit + 1],
    );
    return pageOf(rows, page.limit, (r) => r.id, toPatient);
  }
}
