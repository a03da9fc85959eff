import type { Flag, Page, Referral, ReferralListQuery } from '@klinik-desa/protocol';
import { type ClinicAccess, clinicCondition } from '../domain/access.js';
import { decodeCursor, pageOf } from '../domain/cursor.js';
import { utc } from '../domain/readings.js';
import { notFound } from '../errors.js';
import { where } from './query.js';
import type { PageRequest } from './records.js';
import type { SqlExecutor } from './sql.js';

interface ReferralRow {
  id: string;
  reading_id: string;
  screening_id: string | null;
  patient_id: string | null;
  clinic_id: string;
  kiosk_id: string;
  severity: string;
  flag: string;
  status: string;
  created_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  note: string | null;
}

const toReferral = (r: ReferralRow): Referral => ({
  id: r.id,
  readingId: r.reading_id,
  screeningId: r.screening_id,
  patientId: r.patient_id,
  clinicId: r.clinic_id,
  kioskId: r.kiosk_id,
  severity: r.severity as Referral['severity'],
  flag: JSON.parse(r.flag) as Flag,
  status: r.status as Referral['status'],
  createdAt: r.created_at,
  acknowledgedAt: r.acknowledged_at,
  acknowledgedBy: r.acknowledged_by,
  note: r.note,
});

/** Referrals: a reading's refer or urgent flag, open until a health worker acknowledges it. */
export interface ReferralStore {
  listReferrals(query: ReferralListQuery, page: PageRequest, access: ClinicAccess): Promise<Page<Referral>>;
  acknowledgeReferral(
    id: string,
    by: string,
    note: string | undefined,
    at: string,
    access: ClinicAccess,
  ): Promise<Referral>;
}

export class SqlReferralStore implements ReferralStore {
  constructor(private readonly db: SqlExecutor) {}

  async listReferrals(query: ReferralListQuery, page: PageRequest, access: ClinicAccess) {
    const after = decodeCursor(page.cursor) ?? '';
    const w = where([
      ['status = ?', query.status],
      ['severity = ?', query.severity],
      ['clinic_id = ?', query.clinicId],
      ['patient_id = ?', query.patientId],
      ['screening_id = ?', query.screeningId],
      ['created_at >= ?', query.from === undefined ? undefined : utc(query.from)],
      ['created_at < ?', query.to === undefined ? undefined : utc(query.to)],
    ]);
    const c = clinicCondition(access, 'clinic_id');
    const rows = await this.db.all<ReferralRow>(
      `SELECT * FROM referrals WHERE id > ?${w.sql}${c.sql} ORDER BY id LIMIT ?`,
      [after, ...w.params, ...c.params, page.limit + 1],
    );
    return pageOf(rows, page.limit, (r) => r.id, toReferral);
  }

  async acknowledgeReferral(
    id: string,
    by: string,
    note: string | undefined,
    at: string,
    access: ClinicAccess,
  ) {
    return this.db.transaction(async (tx) => {
      const c = clinicCondition(access, 'clinic_id');
      const row = await tx.get<ReferralRow>(`SELECT * FROM referrals WHERE id = ?${c.sql}`, [
        id,
        ...c.params,
      ]);
      if (!row) throw notFound('referral', id);
      // Acknowledging twice keeps the first acknowledgement: who saw it first is what the audit needs.
      if (row.status === 'open') {
        await tx.run(
          `UPDATE referrals SET status = 'acknowledged', acknowledged_at = ?, acknowledged_by = ?, note = ? WHERE id = ?`,
          [at, by, note ?? null, id],
        );
      }
      return toReferral((await tx.get<ReferralRow>('SELECT * FROM referrals WHERE id = ?', [id]))!);
    });
  }
}
