import type { Reading } from '@klinik-desa/protocol';
import { type ClinicAccess, clinicCondition } from '../domain/access.js';
import type { QuarterFacts, ReadingFlags, ScreeningFact } from '../report/index.js';
import type { SqlExecutor } from './sql.js';

/** A time range of the report, UTC ISO: `from` inclusive, `to` exclusive. */
export interface ReportRange {
  from: string;
  to: string;
}

/** What the quarterly report is computed from: the quarter's screenings and referrals, counted later. */
export interface ReportStore {
  /**
   * The facts of the screenings opened and referrals made in `range` at the caller's clinics (or
   * the one clinic named, which must be the caller's: checked by the caller). Patients come only
   * as birth date and sex; readings only as the flags a report counts.
   */
  quarterFacts(range: ReportRange, access: ClinicAccess, clinicId?: string): Promise<QuarterFacts>;
}

export class SqlReportStore implements ReportStore {
  constructor(private readonly db: SqlExecutor) {}

  async quarterFacts(range: ReportRange, access: ClinicAccess, clinicId?: string): Promise<QuarterFacts> {
    const scope = (alias: string) => {
      const c = clinicCondition(access, `${alias}.clinic_id`);
      if (clinicId === undefined) return c;
      return { sql: `${c.sql} AND ${alias}.clinic_id = ?`, params: [...c.params, clinicId] };
    };
    return this.db.transaction(async (tx) => {
      const s = scope('s');
      // screenings_by_clinic_opened serves the range; the patient is joined by key.
      const screenings = await tx.all<{
        id: string;
        clinic_id: string;
        opened_at: string;
        birth_date: string;
        sex: string;
      }>(
        `SELECT s.id, s.clinic_id, s.opened_at, p.birth_date, p.sex FROM screenings s JOIN patients p ON p.id = s.patient_id
         WHERE s.opened_at >= ? AND s.opened_at < ?${s.sql} ORDER BY s.id`,
        [range.from, range.to, ...s.params],
      );
      // Only readings that can carry a counted flag: any above normal, and every blood pressure
      // (a normal mean outweighs a high single measurement).
      const flagged = await tx.all<{ screening_id: string; kind: string; body: string }>(
        `SELECT r.screening_id, r.kind, r.body FROM screenings s JOIN readings r ON r.screening_id = s.id
         WHERE s.opened_at >= ? AND s.opened_at < ?${s.sql}
           AND r.assignment = 'assigned' AND (r.severity > 0 OR r.kind = 'blood-pressure')`,
        [range.from, range.to, ...s.params],
      );
      const r = scope('f');
      const referrals = await tx.all<{ clinic_id: string; status: string }>(
        `SELECT f.clinic_id, f.status FROM referrals f WHERE f.created_at >= ? AND f.created_at < ?${r.sql}`,
        [range.from, range.to, ...r.params],
      );
      const k = scope('k');
      const kiosks = await tx.all<{ clinic_id: string }>(
        `SELECT DISTINCT k.clinic_id FROM kiosks k WHERE 1 = 1${k.sql}`,
        k.params,
      );
      const readings = new Map<string, ReadingFlags[]>();
      for (const row of flagged) {
        const body = JSON.parse(row.body) as Reading;
        const list = readings.get(row.screening_id) ?? [];
        list.push({
          kind: row.kind,
          derived: (body.derivedFrom?.length ?? 0) > 0,
          flagCodes: body.flags.map((f) => f.code),
        });
        readings.set(row.screening_id, list);
      }
      const facts: ScreeningFact[] = screenings.map((row) => ({
        clinicId: row.clinic_id,
        openedAt: row.opened_at,
        birthDate: row.birth_date,
        sex: row.sex as ScreeningFact['sex'],
        readings: readings.get(row.id) ?? [],
      }));
      // Every clinic of the caller is on the sheet, also one with nothing this quarter: a clinic
      // missing from the meeting's sheet reads as a clinic forgotten.
      const granted = clinicId !== undefined ? [clinicId] : access.all ? [] : access.clinicIds;
      const clinicIds = [
        ...new Set([
          ...granted,
          ...kiosks.map((x) => x.clinic_id),
          ...screenings.map((x) => x.clinic_id),
          ...referrals.map((x) => x.clinic_id),
        ]),
      ].sort();
      return {
        screenings: facts,
        referrals: referrals.map((x) => ({
          clinicId: x.clinic_id,
          status: x.status as 'open' | 'acknowledged',
        })),
        clinicIds,
      };
    });
  }
}
