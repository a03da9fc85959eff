import { fleetThresholds } from '../../fleet/index.js';
import type { AuditTrail } from '../audit.js';
import type { ApiApp } from '../fastify.js';
import type { ApiOptions } from '../options.js';
import type { SessionService } from '../sessions.js';
import type { TokenService } from '../tokens.js';
import { registerAccountRoutes, registerSessionRoutes } from './accounts.js';
import { registerAuditRoutes } from './audit.js';
import { registerClientRoutes } from './clients.js';
import { registerClinicRoutes, registerPuskesmasRoutes } from './clinics.js';
import { registerFleetRoutes } from './fleet.js';
import { registerFleetPage } from './fleet-page.js';
import { registerKioskActivityRoutes } from './kiosk-activity.js';
import { registerKioskRoutes } from './kiosks.js';
import { registerObservationRoutes } from './observations.js';
import { registerPatientRoutes } from './patients.js';
import { registerPractitionerRoutes } from './practitioners.js';
import { registerReadingRoutes } from './readings.js';
import { registerReferralRoutes } from './referrals.js';
import { registerReportRoutes } from './reports.js';
import { registerScreeningRoutes } from './screenings.js';
import { routeContext } from './shared.js';

/**
 * Every resource's routes, in the order the OpenAPI document lists them. Each route file gets the
 * narrow parts of the record it uses; the whole record is handed over only here.
 */
export function registerRoutes(
  app: ApiApp,
  options: ApiOptions & {
    now: () => Date;
    tokens: TokenService;
    sessions: SessionService;
    auditTrail: AuditTrail;
  },
): void {
  const { store } = options;
  const ctx = routeContext(options);
  registerClientRoutes(app, ctx, options);
  registerPatientRoutes(app, ctx, { store });
  registerPractitionerRoutes(app, ctx, { store });
  registerScreeningRoutes(app, ctx, options);
  registerObservationRoutes(app, ctx, { store });
  registerReadingRoutes(app, ctx, { store });
  registerReferralRoutes(app, ctx, { store });
  registerAuditRoutes(app, ctx, { store, auditTrail: options.auditTrail });
  registerKioskRoutes(app, ctx, options);
  registerKioskActivityRoutes(app, ctx, { store });
  registerFleetRoutes(app, ctx, {
    store,
    now: options.now,
    thresholds: fleetThresholds(options.fleetThresholds),
  });
  registerFleetPage(app);
  registerReportRoutes(app, ctx, {
    store,
    now: options.now,
    timeZone: options.screening?.timeZone,
    villages: options.report?.villages,
  });
  registerClinicRoutes(app, ctx, { store });
  registerPuskesmasRoutes(app, ctx, { store });
  registerAccountRoutes(app, ctx, { store });
  registerSessionRoutes(app, ctx, options);
}
