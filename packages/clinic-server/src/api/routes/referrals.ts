import { PageQuery, Referral, ReferralAcknowledge, ReferralListQuery } from '@klinik-desa/protocol';
import type { ReferralStore } from '../../store/store.js';
import type { ApiApp } from '../fastify.js';
import {
  COMMON_ERRORS,
  errorResponses,
  IdempotencyHeader,
  IdParams,
  ReferralPage,
  type RouteContext,
  security,
} from './shared.js';

/** Referrals: list and acknowledge. */
export function registerReferralRoutes(
  app: ApiApp,
  ctx: RouteContext,
  options: { store: ReferralStore },
): void {
  const { store } = options;
  const { at, who, audit, access, checkListFilters } = ctx;

  app.get(
    '/referrals',
    {
      config: { scope: 'referral.read' },
      schema: {
        tags: ['referrals'],
        operationId: 'referralsList',
        summary: 'List referrals (made from refer and urgent flags)',
        description:
          "Referrals of the caller's clinics; filter by status, patient or screening. Filtering by a patient or screening the caller does not see answers 404, not an empty page; a list by patient is written to the audit log.",
        security: security('referral.read'),
        querystring: ReferralListQuery.extend(PageQuery.shape),
        response: { 200: ReferralPage, ...errorResponses(...COMMON_ERRORS) },
      },
    },
    async (request) => {
      const { limit, cursor, ...query } = request.query;
      await checkListFilters(request, query);
      const page = await store.listReferrals(query, { limit, cursor }, access(request));
      if (query.patientId) await audit(request, 'list', 'referral', null, query.patientId);
      return page;
    },
  );

  app.post(
    '/referrals/:id/acknowledge',
    {
      config: { scope: 'referral.write' },
      schema: {
        tags: ['referrals'],
        operationId: 'referralsAcknowledge',
        summary: 'Acknowledge a referral',
        description: 'Acknowledging again changes nothing: the first acknowledgement (who and when) is kept.',
        security: security('referral.write'),
        headers: IdempotencyHeader,
        params: IdParams,
        body: ReferralAcknowledge.nullish(),
        response: { 200: Referral, ...errorResponses(...COMMON_ERRORS, 404, 422) },
      },
    },
    async (request) => {
      const referral = await store.acknowledgeReferral(
        request.params.id,
        who(request),
        request.body?.note,
        at(),
        access(request),
      );
      await audit(request, 'acknowledge', 'referral', referral.id, referral.patientId, referral.clinicId);
      return referral;
    },
  );
}
