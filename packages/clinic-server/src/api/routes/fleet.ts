import { FleetOverview, FleetQuery } from '@klinik-desa/protocol';
import { checkClinic } from '../../domain/access.js';
import { decodeCursor, encodeCursor } from '../../domain/cursor.js';
import { ClinicError } from '../../errors.js';
import { type FleetThresholds, fleetOverview, fleetSummary, summaryCutoffs } from '../../fleet/index.js';
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
          "A page of the caller's clinics (or the one named), in id order: `limit` clinics (default 10), `nextCursor` for the next. Per clinic: each kiosk with when it was last heard, its outbox backlog and the age of its oldest unconfirmed reading, its devices, its clock skew and the errors its events reported in the last 24 hours; the screenings SATUSEHAT did not take, counted by reason; the referrals not yet acknowledged; and alerts, each with a stable `code`, a `severity` and what to do, in Bahasa Indonesia (`id`) and English (`en`). With `summary=true` each clinic carries its counts (kiosks by state, backlog, oldest unconfirmed reading, alerts by code) and its own alerts, without its kiosks: one small answer for a whole district. Kiosk credentials cannot read it (403).",
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
      const { clinicId, limit, cursor, summary } = request.query;
      if (clinicId !== undefined) checkClinic(access, clinicId);
      const at = now();
      // A page is a run of clinic ids, found first from indexes in id order, then read as a range.
      const ids = await store.fleetClinicIds(
        { clinicId, after: decodeCursor(cursor), limit: limit + 1 },
        access,
      );
      const page = ids.slice(0, limit);
      const first = page[0];
      const last = page.at(-1);
      const nextCursor = ids.length > limit && last !== undefined ? encodeCursor(last) : null;
      if (first === undefined || last === undefined) {
        return fleetOverview({ kiosks: [], clinics: [] }, at, thresholds, { nextCursor });
      }
      const clinics = { from: first, to: last };
      if (summary) {
        const cutoffs = summaryCutoffs(at, thresholds, DAY_MS);
        return fleetSummary(
          await store.fleetSummary({ clinicId, clinics }, cutoffs, access),
          at,
          thresholds,
          nextCursor,
        );
      }
      const recentSince = new Date(at.getTime() - DAY_MS).toISOString();
      const facts = await store.fleetFacts({ clinicId, clinics, recentSince }, access);
      return fleetOverview(facts, at, thresholds, { nextCursor });
    },
  );
}
