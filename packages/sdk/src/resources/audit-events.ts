import type { PagedList } from '../core/pagination.js';
import type { RequestOptions } from '../core/request.js';
import type { AuditEvent, AuditEventListParams } from '../core/types.js';
import { APIResource } from './resource.js';

/** The audit log: who read or changed what, and when. Needs `audit.read` (administrators). */
export class AuditEvents extends APIResource {
  /**
   * Lines oldest first. With `patientId`, that patient's access log: every read and change of
   * their record, and who did it. Reading the log is itself a line.
   */
  list(params: AuditEventListParams = {}, options?: RequestOptions): PagedList<AuditEvent> {
    const { limit, cursor, ...query } = params;
    return this._client.requestList(
      { method: 'GET', route: '/audit-events', path: '/audit-events', query, schema: 'AuditEventPage' },
      { limit, cursor },
      options,
    );
  }
}
