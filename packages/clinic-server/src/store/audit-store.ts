import { type AuditEvent, type AuditEventListQuery, newUuidV7, type Page } from '@klinik-desa/protocol';
import { type ClinicAccess, clinicCondition } from '../domain/access.js';
import { decodeCursor, pageOf } from '../domain/cursor.js';
import { utc } from '../domain/readings.js';
import { insertMany, where } from './query.js';
import type { AuditEntry, PageRequest } from './records.js';
import type { SqlExecutor } from './sql.js';

interface AuditRow {
  id: string;
  at: string;
  client_id: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  patient_id: string | null;
  request_id: string | null;
}

const toAuditEvent = (r: AuditRow): AuditEvent => ({
  id: r.id,
  at: r.at,
  clientId: r.client_id,
  action: r.action,
  resourceType: r.resource_type,
  resourceId: r.resource_id,
  patientId: r.patient_id,
  requestId: r.request_id,
});

/** The audit log: who read or changed which record, appended and never changed. */
export interface AuditStore {
  /** Appends entries to the audit log, in one transaction. */
  audit(entries: readonly (AuditEntry & { at: string })[]): Promise<void>;
  /** The audit log in the order it was written (by id), filtered. */
  listAuditEvents(
    query: AuditEventListQuery,
    page: PageRequest,
    access: ClinicAccess,
  ): Promise<Page<AuditEvent>>;
}

export class SqlAuditStore implements AuditStore {
  constructor(private readonly db: SqlExecutor) {}

  async audit(entries: readonly (AuditEntry & { at: string })[]) {
    if (entries.length === 0) return;
    await this.db.transaction(async (tx) => {
      await insertMany(
        tx,
        'INSERT INTO audit_log (id, at, client_id, action, resource_type, resource_id, patient_id, clinic_id, request_id)',
        'ON CONFLICT (id) DO NOTHING',
        entries.map((e) => [
          newUuidV7(),
          e.at,
          e.clientId,
          e.action,
          e.resourceType,
          e.resourceId,
          e.patientId,
          e.clinicId,
          e.requestId,
        ]),
      );
    });
  }

  async listAuditEvents(query: AuditEventListQuery, page: PageRequest, access: ClinicAccess) {
    const after = decodeCursor(page.cursor) ?? '';
    const w = where([
      ['patient_id = ?', query.patientId],
      ['client_id = ?', query.clientId],
      ['resource_type = ?', query.resourceType],
      ['resource_id = ?', query.resourceId],
      ['action = ?', query.action],
      ['at >= ?', query.from === undefined ? undefined : utc(query.from)],
      ['at < ?', query.to === undefined ? undefined : utc(query.to)],
    ]);
    // Lines naming no clinic (a client made, a patient read by a caller of several clinics) are
    // for administrators of every clinic only.
    const c = clinicCondition(access, 'clinic_id');
    const rows = await this.db.all<AuditRow>(
      `SELECT * FROM audit_log WHERE id > ?${w.sql}${c.sql} ORDER BY id LIMIT ?`,
      [after, ...w.params, ...c.params, page.limit + 1],
    );
    return pageOf(rows, page.limit, (r) => r.id, toAuditEvent);
  }
}
