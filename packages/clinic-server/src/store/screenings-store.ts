import type {
  Flag,
  Page,
  Practitioner,
  Screening,
  ScreeningDetail,
  ScreeningListQuery,
} from '@klinik-desa/protocol';
import { type ClinicAccess, clinicCondition } from '../domain/access.js';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { utc } from '../domain/readings.js';
import { ClinicError, notFound } from '../errors.js';
import { OBSERVED_COLUMNS, type ObservedRow, observationsOfRow } from './observations-store.js';
import { where } from './query.js';
import type { PageRequest } from './records.js';
import {
  SCREENING_COLUMNS,
  type ScreeningRow,
  screeningRow,
  screeningsWithSeverity,
} from './screening-rows.js';
import type { SqlExecutor } from './sql.js';

/** Screenings: a patient measured at a kiosk, opened and then finished. */
/** A screening to open: its patient, where, and the health worker (named, or registered by id). */
export interface ScreeningOpen {
  patientId: string;
  clinicId: string;
  kioskId: string;
  practitioner: Practitioner | null;
  practitionerId: string | null;
}

export interface ScreeningStore {
  /**
   * Opens it under `id`; an `id` already held answers with that screening when it is the same
   * patient, clinic and kiosk, and SCREENING_EXISTS otherwise.
   * NOT_FOUND for an unknown patient or one its clinic does not see; PRACTITIONER_NOT_FOUND for an unknown `practitionerId`,
   * PRACTITIONER_NOT_USABLE for one of another clinic or no longer active.
   */
  createScreening(input: ScreeningOpen, id: string, at: string): Promise<Screening>;
  getScreening(id: string, access: ClinicAccess): Promise<Screening | undefined>;
  getScreeningDetail(id: string, access: ClinicAccess): Promise<ScreeningDetail | undefined>;
  listScreenings(
    query: ScreeningListQuery,
    page: PageRequest,
    access: ClinicAccess,
  ): Promise<Page<Screening>>;
  /** Finishes an open screening; `forward` queues its Bundle for SATUSEHAT. */
  finishScreening(id: string, at: string, forward: boolean): Promise<Screening>;
}

export class SqlScreeningStore implements ScreeningStore {
  constructor(private readonly db: SqlExecutor) {}

  async createScreening(input: ScreeningOpen, id: string, at: string): Promise<Screening> {
    return this.db.transaction(async (tx) => {
      // A clinic screens the patients it sees: one registered at another clinic is registered here
      // first (POST /patients with their KTP's details), which the patient is there to show.
      const patient = await tx.get(
        'SELECT 1 AS one FROM patient_clinics WHERE patient_id = ? AND clinic_id = ?',
        [input.patientId, input.clinicId],
      );
      if (!patient) throw notFound('patient', input.patientId);
      const taken = await tx.get<{ patient_id: string; clinic_id: string; kiosk_id: string }>(
        'SELECT patient_id, clinic_id, kiosk_id FROM screenings WHERE id = ?',
        [id],
      );
      if (taken) {
        // A kiosk that opened the screening offline sends its open again until an answer arrives.
        const same =
          taken.patient_id === input.patientId &&
          taken.clinic_id === input.clinicId &&
          taken.kiosk_id === input.kioskId;
        if (same) return (await screeningsWithSeverity(tx, [(await screeningRow(tx, id))!]))[0]!;
        throw new ClinicError(
          'SCREENING_EXISTS',
          `the id ${JSON.stringify(id)} belongs to another screening; open this one without an id and the clinic chooses one`,
        );
      }
      if (input.practitionerId !== null) await this.#checkUsable(tx, input.practitionerId, input.clinicId);
      await tx.run(
        `INSERT INTO screenings (id, patient_id, clinic_id, kiosk_id, status, practitioner, practitioner_id, opened_at)
         VALUES (?, ?, ?, ?, 'open', ?, ?, ?)`,
        [
          id,
          input.patientId,
          input.clinicId,
          input.kioskId,
          input.practitioner ? JSON.stringify(input.practitioner) : null,
          input.practitionerId,
          at,
        ],
      );
      return (await screeningsWithSeverity(tx, [(await screeningRow(tx, id))!]))[0]!;
    });
  }

  /**
   * A screening may name a health worker of its own clinic who still works there: SATUSEHAT would
   * otherwise get an Encounter of this clinic performed by someone of another, or by someone gone.
   */
  async #checkUsable(tx: SqlExecutor, practitionerId: string, clinicId: string): Promise<void> {
    // FOR SHARE: a deactivation committing meanwhile waits for this screening, or this for it.
    const lock = tx.dialect === 'postgres' ? ' FOR SHARE' : '';
    const row = await tx.get<{ clinic_id: string; active: number }>(
      `SELECT clinic_id, active FROM practitioners WHERE id = ?${lock}`,
      [practitionerId],
    );
    if (!row) {
      throw new ClinicError(
        'PRACTITIONER_NOT_FOUND',
        `no practitioner with id ${JSON.stringify(practitionerId)}`,
        {
          practitionerId,
        },
      );
    }
    if (row.clinic_id !== clinicId) {
      throw new ClinicError(
        'PRACTITIONER_NOT_USABLE',
        `practitioner ${practitionerId} is a health worker of clinic ${row.clinic_id}, not of clinic ${clinicId} where this screening is opened`,
        { practitionerId, reason: 'other-clinic' },
      );
    }
    if (Number(row.active) !== 1) {
      throw new ClinicError(
        'PRACTITIONER_NOT_USABLE',
        `practitioner ${practitionerId} is no longer active at clinic ${clinicId}: choose another health worker, or PATCH /practitioners/${practitionerId} {"active": true} if they work here again`,
        { practitionerId, reason: 'inactive' },
      );
    }
  }

  async getScreening(id: string, access: ClinicAccess) {
    const row = await screeningRow(this.db, id, false, access);
    return row && (await screeningsWithSeverity(this.db, [row]))[0];
  }

  async getScreeningDetail(id: string, access: ClinicAccess): Promise<ScreeningDetail | undefined> {
    const screening = await this.getScreening(id, access);
    if (!screening) return undefined;
    const observations = (
      await this.db.all<ObservedRow>(
        `SELECT ${OBSERVED_COLUMNS} FROM readings WHERE screening_id = ? AND assignment = 'assigned' ORDER BY id`,
        [id],
      )
    ).flatMap(observationsOfRow);
    const flags = new Map<string, Flag>();
    for (const o of observations) for (const f of o.flags) flags.set(`${f.code}|${f.value ?? ''}`, f);
    return { ...screening, observations, flags: [...flags.values()] };
  }

  async listScreenings(query: ScreeningListQuery, page: PageRequest, access: ClinicAccess) {
    const after = decodeCursor(page.cursor) ?? '';
    const w = where([
      ['patient_id = ?', query.patientId],
      ['clinic_id = ?', query.clinicId],
      ['kiosk_id = ?', query.kioskId],
      ['status = ?', query.status],
      ['fwd_status = ?', query.forwarding],
      ['opened_at >= ?', query.from === undefined ? undefined : utc(query.from)],
      ['opened_at < ?', query.to === undefined ? undefined : utc(query.to)],
    ]);
    const c = clinicCondition(access, 'clinic_id');
    const rows = await this.db.all<ScreeningRow>(
      `SELECT ${SCREENING_COLUMNS} FROM screenings WHERE id > ?${w.sql}${c.sql} ORDER BY id LIMIT ?`,
      [after, ...w.params, ...c.params, page.limit + 1],
    );
    const kept = rows.slice(0, page.limit);
    return {
      data: await screeningsWithSeverity(this.db, kept),
      nextCursor: rows.length > page.limit ? encodeCursor(kept.at(-1)!.id) : null,
    };
  }

  async finishScreening(id: string, at: string, forward: boolean) {
    return this.db.transaction(async (tx) => {
      const row = await screeningRow(tx, id, true);
      if (!row) throw notFound('screening', id);
      if (row.status !== 'open') {
        throw new ClinicError('SCREENING_CLOSED', `screening ${id} was finished at ${row.finished_at}`);
      }
      await tx.run(
        `UPDATE screenings SET status = 'finished', finished_at = ?, fwd_status = ?, fwd_next_at = ? WHERE id = ?`,
        [at, forward ? 'pending' : 'not-sent', forward ? at : null, id],
      );
      return (await screeningsWithSeverity(tx, [(await screeningRow(tx, id))!]))[0]!;
    });
  }
}
