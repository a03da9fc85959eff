import type { FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { RateLimiter } from '../domain/rate-limit.js';
import { DEFAULT_SIGN_IN_LIMITS } from '../domain/sign-in-limit.js';
import { ClinicError } from '../errors.js';
import { describeTrouble } from '../store/store-condition.js';
import { AuditTrail } from './audit.js';
import { registerCors } from './cors.js';
import { registerErrorHandler } from './error-handler.js';
import { sendError } from './errors.js';
import { type ApiApp, createFastify } from './fastify.js';
import { registerIdempotency } from './idempotency.js';
import type { ApiOptions } from './options.js';
import { registerRoutes } from './routes/index.js';
import { DEFAULT_SESSION_LIFETIMES, SessionService } from './sessions.js';
import { type RequestLimits, registerRequestLog, registerSignIn } from './sign-in.js';
import { registerSwagger } from './swagger.js';
import { tidyOpenApi } from './tidy-openapi.js';
import { registerTokenRoute } from './token-route.js';
import { DEFAULT_TOKEN_LIMITS, TokenService } from './tokens.js';

export type { ApiApp } from './fastify.js';
export type { ApiOptions, FhirBundleFor } from './options.js';
export { API_VERSION } from './swagger.js';

/** The clinic API: its parts registered in the order they must run. */
export async function buildApi(options: ApiOptions): Promise<ApiApp> {
  const { store, metrics } = options;
  const now = options.now ?? (() => new Date());
  const tokens = new TokenService(
    store,
    options.tokenLifetimeSeconds ?? 3600,
    undefined,
    options.tokenLimits === false ? false : { ...DEFAULT_TOKEN_LIMITS, ...options.tokenLimits },
  );

  const sessions = new SessionService(
    store,
    { ...DEFAULT_SESSION_LIFETIMES, ...options.sessionLifetimes },
    options.signInLimits === false ? false : { ...DEFAULT_SIGN_IN_LIMITS, ...options.signInLimits },
  );

  const app = createFastify(options);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(
    options.validateResponses === false ? () => (data: unknown) => JSON.stringify(data) : serializerCompiler,
  );
  registerBodyParsers(app);
  await registerSwagger(app);

  app.decorateRequest('auth', undefined);
  app.decorateRequest('idempotency', undefined);

  registerCors(app, options.corsOrigins ?? []);
  const startedAt = new WeakMap<FastifyRequest, bigint>();
  registerSignIn(app, {
    tokens,
    sessions,
    clinicsOfPuskesmas: (id) => store.clinicsOfPuskesmas(id),
    limits: requestLimits(options),
    now,
    startedAt,
  });
  registerIdempotency(app, store, now);
  registerRequestLog(app, metrics, startedAt);
  registerErrorHandler(app);
  registerTokenRoute(app, tokens, now);

  const auditTrail = new AuditTrail(store, options.log);
  app.addHook('onClose', async () => auditTrail.close());
  registerRoutes(app, { ...options, now, tokens, sessions, auditTrail });
  registerOperationalRoutes(app, options);
  return app;
}

function requestLimits(options: ApiOptions): RequestLimits | undefined {
  const general =
    options.rateLimit === false ? undefined : (options.rateLimit ?? { burst: 600, perSecond: 300 });
  return (
    general && {
      client: RateLimiter.of(general),
      // Never looser than the per-client bucket: not being signed in earns no more requests.
      address: RateLimiter.of(
        options.addressRateLimit ?? {
          burst: Math.min(60, general.burst),
          perSecond: Math.min(1, general.perSecond),
        },
      ),
      lookup: RateLimiter.of(options.lookupRateLimit ?? { burst: 10, perSecond: 0.5 }),
    }
  );
}

/**
 * The API speaks JSON (and forms, for the token endpoint only, as RFC 6749 asks): a text body,
 * or a form sent anywhere else, is refused with 415 instead of reaching a route.
 */
function registerBodyParsers(app: ApiApp): void {
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (request, body, done) => {
      if (request.routeOptions.url !== '/oauth2/token') {
        done(
          new ClinicError(
            'UNSUPPORTED_MEDIA_TYPE',
            'send JSON (Content-Type: application/json): only POST /oauth2/token takes a form',
          ),
        );
        return;
      }
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );
}

/** Health, readiness, metrics and the OpenAPI document: outside the documented API. */
function registerOperationalRoutes(
  app: ApiApp,
  options: Pick<ApiOptions, 'readiness' | 'metrics' | 'store'>,
): void {
  const { metrics } = options;
  // Alive, and saying so loudly when the record cannot take writes: free while all is well (no
  // query), one small write per call while the trouble lasts.
  app.get('/healthz', { schema: { hide: true } }, async (request, reply) => {
    const trouble = await options.store.trouble();
    if (!trouble) return { status: 'ok' };
    return sendError(request, reply, 'UNAVAILABLE', describeTrouble(trouble), {
      details: { store: { code: trouble.error.code, reason: trouble.error.reason, since: trouble.since } },
      retryAfterSeconds: 5,
    });
  });
  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    const checks = await options.readiness();
    const failing = Object.entries(checks).filter(([, v]) => v !== 'ok');
    if (failing.length > 0) {
      return sendError(request, reply, 'UNAVAILABLE', failing.map(([k, v]) => `${k}: ${v}`).join('; '), {
        details: { checks },
        retryAfterSeconds: 5,
      });
    }
    return { status: 'ready', checks };
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type(metrics.registry.contentType)
      .serializer((x: unknown) => x as string)
      .send(await metrics.registry.metrics()),
  );
  app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .serializer(JSON.stringify)
      .send(tidyOpenApi(app.swagger() as { components?: { schemas?: Record<string, unknown> } })),
  );
}
