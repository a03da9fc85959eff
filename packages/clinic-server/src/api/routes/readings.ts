import {
  PageQuery,
  ReadingAssign,
  ReadingDiscard,
  UnassignedListQuery,
  UnassignedReading,
} from '@klinik-desa/protocol';
import type { FastifyRequest } from 'fastify';
import { checkClinic } from '../../domain/access.js';
import { notFound } from '../../errors.js';
import type { ScreeningStore, UnassignedReadingStore } from '../../store/store.js';
import type { ApiApp } from '../fastify.js';
import {
  COMMON_ERRORS,
  checkOwnKiosk,
  errorResponses,
  IdempotencyHeader,
  ReadingParams,
  type RouteContext,
  security,
  UnassignedReadingPage,
} from './shared.js';

/** Unassigned readings (triage): list, assign to a screening, discard. */
export function registerReadingRoutes(
  app: ApiApp,
  ctx: RouteContext,
  options: { store: UnassignedReadingStore & Pick<ScreeningStore, 'getScreening'> },
): void {
  const { store } = options;
  const { at, who, audit, access } = ctx;

  app.get(
    '/readings/unassigned',
    {
      config: { scope: 'reading.triage' },
      schema: {
        tags: ['readings'],
        operationId: 'unassignedReadingsList',
        summary: 'List readings that belong to no screening yet',
        description: 'Kiosk credentials see their own kiosk only.',
        security: security('reading.triage'),
        querystring: UnassignedListQuery.extend(PageQuery.shape),
        response: { 200: UnassignedReadingPage, ...errorResponses(...COMMON_ERRORS) },
      },
    },
    async (request) => {
      const { limit, cursor, ...query } = request.query;
      const auth = request.auth;
      if (query.clinicId !== undefined) checkClinic(access(request), query.clinicId);
      const scoped =
        auth?.role === 'kiosk' ? { clinicId: auth.clinicId ?? '', kioskId: auth.kioskId ?? '' } : query;
      return store.listUnassigned(scoped, { limit, cursor }, access(request));
    },
  );

  const triageTarget = async (request: FastifyRequest, readingId: string) => {
    const current = await store.getReadingAssignment(readingId, access(request));
    if (!current) throw notFound('reading', readingId);
    checkOwnKiosk(request.auth, current.clinicId, current.kioskId);
    return current;
  };

  app.post(
    '/readings/:id/assign',
    {
      config: { scope: 'reading.triage' },
      schema: {
        tags: ['readings'],
        operationId: 'unassignedReadingsAssign',
        summary: 'Assign an unassigned reading to an open screening',
        description:
          "The reading, and any referral made from it, become the screening's and its patient's. The screening must be open (409 SCREENING_CLOSED) and of the reading's clinic. Kiosk credentials act for their own kiosk's readings only.",
        security: security('reading.triage'),
        headers: IdempotencyHeader,
        params: ReadingParams,
        body: ReadingAssign,
        response: { 200: UnassignedReading, ...errorResponses(...COMMON_ERRORS, 404, 409, 422) },
      },
    },
    async (request) => {
      await triageTarget(request, request.params.id);
      const screening = await store.getScreening(request.body.screeningId, access(request));
      if (!screening) throw notFound('screening', request.body.screeningId);
      const result = await store.assignReading(
        request.params.id,
        request.body.screeningId,
        who(request),
        at(),
      );
      await audit(request, 'assign', 'reading', request.params.id, screening.patientId, screening.clinicId);
      return result;
    },
  );

  app.post(
    '/readings/:id/discard',
    {
      config: { scope: 'reading.triage' },
      schema: {
        tags: ['readings'],
        operationId: 'unassignedReadingsDiscard',
        summary: 'Discard an unassigned reading, saying why',
        description:
          'The reading stays in the record (with the reason and who discarded it); its observations no longer list.',
        security: security('reading.triage'),
        headers: IdempotencyHeader,
        params: ReadingParams,
        body: ReadingDiscard,
        response: { 200: UnassignedReading, ...errorResponses(...COMMON_ERRORS, 404, 409, 422) },
      },
    },
    async (request) => {
      const current = await triageTarget(request, request.params.id);
      const result = await store.discardReading(request.params.id, request.body.reason, who(request), at());
      await audit(request, 'discard', 'reading', request.params.id, null, current.clinicId);
      return result;
    },
  );
}
