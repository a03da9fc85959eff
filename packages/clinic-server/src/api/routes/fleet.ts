import { FleetOverview, FleetQuery } from '@klinik-desa/protocol';
import { checkClinic } from '../../domain/access.js';
import { ClinicError } from '../../errors.js';
import { type FleetThresholds, fleetOverview } from '../../fleet/index.js';
import type { FleetStore } from '../../store/store.js';
import type { ApiApp } from '../fastify.js';
import { COMMON_ERRORS, errorResponses, type RouteContext, security } from './shared.js';

const DAY_MS = 24 * 3600 * 1000;

/**
 * The fleet view for the puskesmas and the operator. It carries no patient data (counts only), so
 * reading it is not audited, like reading a kiosk.
 */
export function registerFleetRoutes(
  app: ApiApp,
  ctx: RouteContext,
  options: { store: FleetStore; thresholds: FleetThresholds; now: () => Date },
): void {
  const { store, thresholds, now } = options;
  app.get(
    '/fleet',
    {
      config: { scope: 'kiosk.read' },
      schema: {
        operationId: 'fleetOverview',
        tags: ['kiosks'],
        summary: "Every kiosk of the caller's clinics, SATUSEHAT failures, open referrals, and alerts",
        description:
          'Per clinic of the caller (or the one named): each kiosk with when it was last heard, its outbox backlog and the age of its oldest unconfirmed reading, its devices, its clock skew and the errors its events reported in the last 24 hours; the screenings SATUSEHAT did not take, counted by reason; the referrals not yet acknowledged; and alerts, each with a stable `code`, a `severity` and what to do, in Bahasa Indonesia (`id`) and English (`en`). Kiosk credentials cannot read it (403).',
        security: security('kiosk.read'),
        querystring: FleetQuery,
        response: { 200: FleetOverview, ...errorResponses(...COMMON_ERRORS) },
      },
    },
    async (request) => {
      if (request.auth?.role === 'kiosk') {
        throw new ClinicError(
          'FORBIDDEN',
          'kiosk credentials cannot read the fleet view: use a client of the clinic or the puskesmas',
        );
      }
      const access = ctx.access(request);
      const { clinicId } = request.query;
      if (clinicId !== undefined) checkClinic(access, clinicId);
      const at = now();
      const facts = await store.fleetFacts(
        { clinicId, recentSince: new Date(at.getTime() - DAY_MS).toISOString() },
        access,
      );
      return fleetOverview(facts, at, thresholds);
    },
  );
}
