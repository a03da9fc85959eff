import { AuditEventListQuery, PageQuery } from '@klinik-desa/protocol';
import type { AuditStore } from '../../store/store.js';
import type { AuditTrail } from '../audit.js';
import type { ApiApp } from '../fastify.js';
import { AuditEventPage, COMMON_ERRORS, errorResponses, type RouteContext, security } from './shared.js';

/** The audit log, for administrators. */
export function registerAuditRoutes(
  app: ApiApp,
  ctx: RouteContext,
  options: { store: AuditStore; auditTrail: AuditTrail },
): void {
  const { store } = options;
  const { audit, access, checkListFilters } = ctx;

  app.get(
    '/audit-events',
    {
      config: { scope: 'audit.read' },
      schema: {
        tags: ['audit'],
        operationId: 'auditEventsList',
        summary: "Read the audit log: who read or changed what, and when; by patient, a patient's access log",
        description:
          'Oldest first, in the order the lines were written. Every read and change of a patient, a screening, an observation, a referral or a FHIR Bundle is a line naming the patient (`patientId`), as is a list filtered by `patientId`; lists not filtered by patient, and the ingest of kiosk readings over MQTT, are not logged per patient. Lines written before migration 5 (SQLite) / 4 (PostgreSQL) by a search that found several patients name none. Reading the audit log is itself a line (`list audit`). Administrators only.',
        security: security('audit.read'),
        querystring: AuditEventListQuery.extend(PageQuery.shape),
        response: { 200: AuditEventPage, ...errorResponses(...COMMON_ERRORS) },
      },
    },
    async (request) => {
      const { limit, cursor, ...query } = request.query;
      // Lines are written a quarter second after their request: this answer includes them all.
      await options.auditTrail.flush();
      await checkListFilters(request, query);
      const page = await store.listAuditEvents(query, { limit, cursor }, access(request));
      await audit(request, 'list', 'audit', null, query.patientId ?? null);
      return page;
    },
  );
}
