import type { Observation, ObservationListQuery, Page, Reading } from '@klinik-desa/protocol';
import { type ClinicAccess, clinicCondition } from '../domain/access.js';
import { decodeCursor, pageOf } from '../domain/cursor.js';
import { observationsOf, utc } from '../domain/readings.js';
import { ClinicError } from '../errors.js';
import { where } from './query.js';
import type { PageRequest } from './records.js';
import type { SqlExecutor } from './sql.js';

/** The observations of a stored reading, as the record has it bound now. */
export function observationsOfRow(r: ObservedRow): Observation[] {
  const reading = JSON.parse(r.body) as Reading;
  return observationsOf(reading, {
    screeningId: r.screening_id,
    patientId: r.patient_id,
    assignment: r.screening_id ? 'assigned' : 'unassigned',
  }).map((o) => ({
    id: o.id,
    readingId: o.readingId,
    screeningId: o.screeningId,
    patientId: o.patientId,
    clinicId: o.clinicId,
    kioskId: o.kioskId,
    kind: o.kind as Observation['kind'],
    name: o.name,
    code: o.code,
    value: o.value,
    ...(o.comparator ? { comparator: o.comparator } : {}),
    unit: o.unit as Observation['unit'],
    absentReason: o.absentReason as Observation['absentReason'],
    measuredAt: o.measuredAt,
    source: o.source,
    flags: o.flags,
    ...(o.derivedFrom ? { derivedFrom: o.derivedFrom } : {}),
  }));
}

export interface ObservedRow {
  id: string;
  body: string;
  screening_id: string | null;
  patient_id: string | null;
}

export const OBSERVED_COLUMNS = 'id, body, screening_id, patient_id';

/** Observations: the values of stored readings, one per value, as the record binds them now. */
export interface ObservationStore {
  listObservations(
    query: ObservationListQuery,
    page: PageRequest,
    access: ClinicAccess,
  ): Promise<Page<Observation>>;
  observationsOfReading(readingId: string): Promise<Observation[]>;
}

export class SqlObservationStore implements ObservationStore {
  constructor(private readonly db: SqlExecutor) {}

  async listObservations(
    query: ObservationListQuery,
    page: PageRequest,
    access: ClinicAccess,
  ): Promise<Page<Observation>> {
    // The cursor is `{reading id}|{value position}`: readings in id order, values in their order.
    const cursor = decodeCursor(page.cursor);
    const [afterId, afterPosText] = cursor ? cursor.split('|') : ['', '-1'];
    const afterPos = Number(afterPosText);
    if (afterId === undefined || !Number.isInteger(afterPos)) {
      throw new ClinicError(
        'VALIDATION',
        'cursor: not a cursor this server gave out; start again without one',
      );
    }
    const w = where([
      ['patient_id = ?', query.patientId],
      ['screening_id = ?', query.screeningId],
      ['kind = ?', query.kind],
      ['measured_utc >= ?', query.from === undefined ? undefined : utc(query.from)],
      ['measured_utc < ?', query.to === undefined ? undefined : utc(query.to)],
    ]);
    const c = clinicCondition(access, 'clinic_id');
    // Every reading has at least one value, so limit + 2 readings (the cursor's own may have no
    // values left) always fill a page and tell whether another follows.
    const rows = await this.db.all<ObservedRow>(
      `SELECT ${OBSERVED_COLUMNS} FROM readings WHERE assignment <> 'discarded' AND id >= ?${w.sql}${c.sql} ORDER BY id LIMIT ?`,
      [afterId, ...w.params, ...c.params, page.limit + 2],
    );
    const keyed: { key: string; observation: Observation }[] = [];
    for (const row of rows) {
      observationsOfRow(row).forEach((observation, position) => {
        if (row.id === afterId && position <= afterPos) return;
        keyed.push({ key: `${row.id}|${position}`, observation });
      });
      if (keyed.length > page.limit) break;
    }
    return pageOf(
      keyed,
      page.limit,
      (k) => k.key,
      (k) => k.observation,
    );
  }

  async observationsOfReading(readingId: string) {
    const row = await this.db.get<ObservedRow>(`SELECT ${OBSERVED_COLUMNS} FROM readings WHERE id = ?`, [
      readingId,
    ]);
    return row ? observationsOfRow(row) : [];
  }
}
