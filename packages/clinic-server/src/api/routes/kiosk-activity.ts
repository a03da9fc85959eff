import { KioskEventListQuery, KioskEventRecord, KioskPresence, Page, PageQuery } from '@klinik-desa/protocol';
import type { FastifyRequest } from 'fastify';
import { notFound } from '../../errors.js';
import type { KioskActivityStore } from '../../store/store.js';
import type { ApiApp } from '../fastify.js';
import { COMMON_ERRORS, errorResponses, KioskParams, type RouteContext, security } from './shared.js';

export const KioskEventPage = Page(KioskEventRecord, 'KioskEventRecord');

/**
 * What a kiosk reported about itself: its presence and its events. They carry no patient data, so
 * reading them is not audited, like reading the kiosk itself.
 */
export function registerKioskActivityRoutes(
  app: ApiApp,
  ctx: RouteContext,
  options: { store: KioskActivityStore },
): void {
  const { store } = options;
  const { access, canSeeKiosk } = ctx;

  /** The kiosk's presence, or NOT_FOUND for a kiosk not registered or not the caller's. */
  const presenceOf = async (request: FastifyRequest, clinicId: string, kioskId: string) => {
    const presence = canSeeKiosk(request, clinicId, kioskId)
      ? await store.getKioskPresence(clinicId, kioskId, access(request))
      : undefined;
    if (!presence) throw notFound('kiosk', `${clinicId}/${kioskId}`);
    return presence;
  };

  app.get(
    '/kiosks/:clinicId/:kioskId/status',
    {
      config: { scope: 'kiosk.read' },
      schema: {
        operationId: 'kiosksStatus',
        tags: ['kiosks'],
        summary: 'Whether a kiosk is online, and its devices as it last reported them',
        description:
          "`online` from the status the kiosk keeps retained on the broker, `offline` from its goodbye or from the last will the broker publishes when its connection dies, `unknown` until the clinic hears from it. `since` and `lastSeenAt` are the clinic server's clock.",
        security: security('kiosk.read'),
        params: KioskParams,
        response: { 200: KioskPresence, ...errorResponses(...COMMON_ERRORS, 404) },
      },
    },
    async (request) => presenceOf(request, request.params.clinicId, request.params.kioskId),
  );

  app.get(
    '/kiosks/:clinicId/:kioskId/events',
    {
      config: { scope: 'kiosk.read' },
      schema: {
        operationId: 'kiosksEvents',
        tags: ['kiosks'],
        summary: "A kiosk's events, newest first",
        description:
          'Devices attached and lost, decode errors, outbox warnings, starts and stops, as the kiosk published them. Kept for `kioskEventsKeepDays` (default 30) from when the clinic received them.',
        security: security('kiosk.read'),
        params: KioskParams,
        querystring: KioskEventListQuery.extend(PageQuery.shape),
        response: { 200: KioskEventPage, ...errorResponses(...COMMON_ERRORS, 404) },
      },
    },
    async (request) => {
      const { clinicId, kioskId } = request.params;
      await presenceOf(request, clinicId, kioskId);
      const { limit, cursor, ...query } = request.query;
      return store.listKioskEvents(clinicId, kioskId, query, { limit, cursor }, access(request));
    },
  );
}
