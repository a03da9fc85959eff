import type { Page, Reading, UnassignedReading } from '@klinik-desa/protocol';
import { type ClinicAccess, clinicCondition } from '../domain/access.js';
import { decodeCursor, pageOf } from '../domain/cursor.js';
import { ClinicError, notFound } from '../errors.js';
import { where } from './query.js';
import type { PageRequest } from './records.js';
import { screeningRow } from './screening-rows.js';
import type { SqlExecutor } from './sql.js';

interface ReadingStateRow {
  id: string;
  clinic_id: string;
  kiosk_id: string;
  kind: string;
  session_id: string | null;
  measured_at: string;
  stored_at: string;
  body: string;
  assignment: string;
  screening_id: string | null;
  discard_reason: string | null;
}

const READING_STATE_COLUMNS =
  'id, clinic_id, kiosk_id, kind, session_id, measured_at, stored_at, body, assignment, screening_id, discard_reason';

const toUnassigned = (r: ReadingStateRow): UnassignedReading => {
  const body = JSON.parse(r.body) as Reading;
  return {
    readingId: r.id,
    clinicId: r.clinic_id,
    kioskId: r.kiosk_id,
    kind: r.kind as UnassignedReading['kind'],
    sessionId: r.session_id,
    measuredAt: body.measuredAt,
    storedAt: r.stored_at,
    values: body.values,
    flags: body.flags,
    status: r.assignment as UnassignedReading['status'],
    screeningId: r.screening_id,
    discardReason: r.discard_reason,
  };
};

/** Readings bound to no screening, waiting for a health worker to assign or discard them (triage). */
export interface UnassignedReadingStore {
  listUnassigned(
    query: { clinicId?: string | undefined; kioskId?: string | undefined },
    page: PageRequest,
    access: ClinicAccess,
  ): Promise<Page<UnassignedReading>>;
  getReadingAssignment(readingId: string, access: ClinicAccess): Promise<UnassignedReading | undefined>;
  /** SCREENING_OF_ANOTHER_CLINIC when the screening is not of the reading's clinic. */
  assignReading(readingId: string, screeningId: string, by: string, at: string): Promise<UnassignedReading>;
  discardReading(readingId: string, reason: string, by: string, at: string): Promise<UnassignedReading>;
}

export class SqlUnassignedReadingStore implements UnassignedReadingStore {
  constructor(private readonly db: SqlExecutor) {}

  async listUnassigned(
    query: { clinicId?: string | undefined; kioskId?: string | undefined },
    page: PageRequest,
    access: ClinicAccess,
  ) {
    const after = decodeCursor(page.cursor) ?? '';
    const w = where([
      ['clinic_id = ?', query.clinicId],
      ['kiosk_id = ?', query.kioskId],
    ]);
    const c = clinicCondition(access, 'clinic_id');
    const rows = await this.db.all<ReadingStateRow>(
      `SELECT ${READING_STATE_COLUMNS} FROM readings WHERE assignment = 'unassigned' AND id > ?${w.sql}${c.sql} ORDER BY id LIMIT ?`,
      [after, ...w.params, ...c.params, page.limit + 1],
    );
    return pageOf(rows, page.limit, (r) => r.id, toUnassigned);
  }

  async getReadingAssignment(readingId: string, access: ClinicAccess) {
    const c = clinicCondition(access, 'clinic_id');
    const row = await this.db.get<ReadingStateRow>(
      `SELECT ${READING_STATE_COLUMNS} FROM readings WHERE id = ?${c.sql}`,
      [readingId, ...c.params],
    );
    return row && toUnassigned(row);
  }

  async #unassignedForUpdate(tx: SqlExecutor, readingId: string): Promise<ReadingStateRow> {
    const lock = tx.dialect === 'postgres' ? ' FOR UPDATE' : '';
    const row = await tx.get<ReadingStateRow>(
      `SELECT ${READING_STATE_COLUMNS} FROM readings WHERE id = ?${lock}`,
      [readingId],
    );
    if (!row) throw notFound('reading', readingId);
    if (row.assignment !== 'unassigned') {
      throw new ClinicError('READING_NOT_UNASSIGNED', `reading ${readingId} is already ${row.assignment}`, {
        status: row.assignment,
      });
    }
    return row;
  }

  async assignReading(readingId: string, screeningId: string, by: string, at: string) {
    return this.db.transaction(async (tx) => {
      const reading = await this.#unassignedForUpdate(tx, readingId);
      const screening = await screeningRow(tx, screeningId, true);
      if (!screening) throw notFound('screening', screeningId);
      if (screening.clinic_id !== reading.clinic_id) {
        throw new ClinicError(
          'SCREENING_OF_ANOTHER_CLINIC',
          `reading ${readingId} was measured at clinic ${reading.clinic_id}; screening ${screeningId} is of clinic ${screening.clinic_id}: assign it to a screening of its own clinic`,
        );
      }
      if (screening.status !== 'open') {
        throw new ClinicError('SCREENING_CLOSED', `screening ${screeningId} is finished; open a new one`);
      }
      await tx.run(
        `UPDATE readings SET assignment = 'assigned', screening_id = ?, patient_id = ?, resolved_at = ?, resolved_by = ? WHERE id = ?`,
        [screeningId, screening.patient_id, at, by, readingId],
      );
      await tx.run('UPDATE referrals SET screening_id = ?, patient_id = ? WHERE reading_id = ?', [
        screeningId,
        screening.patient_id,
        readingId,
      ]);
      const row = await tx.get<ReadingStateRow>(
        `SELECT ${READING_STATE_COLUMNS} FROM readings WHERE id = ?`,
        [readingId],
      );
      return toUnassigned(row!);
    });
  }

  async discardReading(readingId: string, reason: string, by: string, at: string) {
    return this.db.transaction(async (tx) => {
      await this.#unassignedForUpdate(tx, readingId);
      await tx.run(
        `UPDATE readings SET assignment = 'discarded', discard_reason = ?, resolved_at = ?, resolved_by = ? WHERE id = ?`,
        [reason, at, by, readingId],
      );
      const row = await tx.get<ReadingStateRow>(
        `SELECT ${READING_STATE_COLUMNS} FROM readings WHERE id = ?`,
        [readingId],
      );
      return toUnassigned(row!);
    });
  }
}
