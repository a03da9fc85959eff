import fastifySwagger from '@fastify/swagger';
import {
  type FhirBundle,
  newUuidV7,
  type Scope,
  TokenError,
  TokenRequest,
  TokenResponse,
} from '@klinik-desa/protocol';
import Fastify, { type FastifyRequest, LogController } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { DerivedOptions } from '../domain/derived.js';
import { type RateLimit, RateLimiter } from '../domain/rate-limit.js';
import { ClinicError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { ClinicStore, TokenRecord } from '../store/store.js';
import { AuditTrail } from './audit.js';
import { sendError } from './errors.js';
import { registerIdempotency } from './idempotency.js';
import { registerRoutes } from './routes.js';
import { tidyOpenApi } from './tidy-openapi.js';
import { DEFAULT_TOKEN_LIMITS, TokenLimitError, type TokenLimits, TokenService } from './tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth?: TokenRecord;
    idempotency?: { clientId: string; lookup: string; seal: (answer: string) => string } | undefined;
  }
  interface FastifyContextConfig {
    /** The scope a route needs; routes without one are public (health, metrics, token). */
    scope?: Scope;
    /** A POST that only reads (a search): its answers are not kept for idempotent replay. */
    safePost?: boolean;
    /**
     * A route whose success answer carries a secret (client or kiosk credentials): the answer is
     * shown once and never kept, so a replay of it answers 409 IDEMPOTENCY_SECRET_NOT_KEPT.
     */
    secretBearing?: boolean;
    /** A patient look-up: limited per identity by its own, tighter bucket besides the general one. */
    patientLookup?: boolean;
  }
}

/** Builds the SATUSEHAT Bundle of a finished screening (the screening package's mapping). */
export type FhirBundleFor = (screeningId: string) => Promise<FhirBundle>;

export interface ApiOptions {
  store: ClinicStore;
  log: Logger;
  metrics: Metrics;
  /** Store and broker checks for /readyz: a message per failing check. */
  readiness: () => Promise<Record<string, string>>;
  fhirBundle?: FhirBundleFor;
  /** Called when a screening is finished with forwarding on, so the forwarder need not wait. */
  onScreeningFinished?: (screeningId: string) => void;
  /** Called when a client is revoked, so the brokers close its live MQTT connection at once. */
  onClientRevoked?: (clientId: string) => void;
  /**
   * Called with a kiosk's new secret when it is registered or rotated, so a broker that keeps its
   * own logins (Mosquitto's dynamic security) has them at once. The secret is not kept anywhere.
   */
  onKioskCredentials?: (clinicId: string, kioskId: string, secret: string, rotated: boolean) => Promise<void>;
  /** How the BMI and the mean blood pressure computed on finishing are classified. */
  screening?: DerivedOptions;
  tokenLifetimeSeconds?: number;
  /**
   * Check every response against its schema before sending it (default true). Tests keep it on;
   * the server turns it off unless configured (`http.validateResponses`): on a screening's detail
   * it costs a quarter of the CPU, and the responses are built from typed code.
   */
  validateResponses?: boolean;
  /** Largest request body accepted (default 64 KiB). */
  bodyLimitBytes?: number;
  /**
   * Per verified client (default burst 600, 300 a second); `false` turns every request limit off
   * (this one, `addressRateLimit` and `lookupRateLimit`).
   */
  rateLimit?: RateLimit | false;
  /**
   * Per source address, for requests not (or not validly) signed in: the token endpoint, public
   * routes, and every request whose token is missing or unknown (default burst 60, 1 a second).
   */
  addressRateLimit?: RateLimit;
  /** Patient look-ups (GET /patients/{id}, POST /patients/search) per client (default 10, then 30 a minute). */
  lookupRateLimit?: RateLimit;
  /** Tokens per client: issued a minute, alive at once, wrong secrets a minute; `false` turns them off. */
  tokenLimits?: Partial<TokenLimits> | false;
  /**
   * Web origins (e.g. `https://dashboard.example.id`) whose pages may call the API from a browser.
   * Default none: browsers then allow only pages served from the API's own origin.
   */
  corsOrigins?: readonly string[];
  now?: () => Date;
}

export const API_VERSION = '1.0.0';

/** What a browser page may send: the SDK's headers. */
const CORS_ALLOWED_HEADERS = 'authorization, content-type, idempotency-key';
/** What a browser page may read besides the basic ones: retries, replays and support ids. */
const CORS_EXPOSED_HEADERS = 'retry-after, x-request-id, idempotent-replayed, www-authenticate';

// Errors that mean "the record is unreachable right now", not "this request is wrong".
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08006',
  'SQLITE_BUSY',
]);

function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  const message = (error as Error)?.message ?? '';
  return /Connection terminated|connect ECONNREFUSED|pool is ended|database connection is not open/i.test(
    message,
  );
}

function fieldPath(where: string, instancePath: string | undefined): string {
  const path = (instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  return path ? `${where}.${path}` : where;
}

function describeZodIssues(
  error: { validation: { instancePath?: string; message?: string; params?: unknown }[] },
  where: string,
) {
  return error.validation
    .slice(0, 5)
    .map((issue) => {
      return `${fieldPath(where, issue.instancePath)}: ${issue.message ?? 'invalid'}`;
    })
    .join('; ');
}

function createFastify(options: ApiOptions) {
  return Fastify({
    loggerInstance: options.log.child({ component: 'api' }),
    bodyLimit: options.bodyLimitBytes ?? 64 * 1024,
    genReqId: () => newUuidV7(),
    // Fastify's own request lines log full URLs; ours (onResponse, debug) log the route pattern
    // and status only, so no query value ever reaches a log.
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();
}

export type ApiApp = ReturnType<typeof createFastify>;

export async function buildApi(options: ApiOptions): Promise<ApiApp> {
  const { store, metrics } = options;
  const now = options.now ?? (() => new Date());
  const tokens = new TokenService(
    store,
    options.tokenLifetimeSeconds ?? 3600,
    undefined,
    options.tokenLimits === false ? false : { ...DEFAULT_TOKEN_LIMITS, ...options.tokenLimits },
  );
  const general =
    options.rateLimit === false ? undefined : (options.rateLimit ?? { burst: 600, perSecond: 300 });
  const limits = general && {
    client: RateLimiter.of(general),
    // Never looser than the per-client bucket: not being signed in earns no more requests.
    address: RateLimiter.of(
      options.addressRateLimit ?? {
        burst: Math.min(60, general.burst),
        perSecond: Math.min(1, general.perSecond),
      },
    ),
    lookup: RateLimiter.of(options.lookupRateLimit ?? { burst: 10, perSecond: 0.5 }),
  };

  const app = createFastify(options);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(
    options.validateResponses === false ? () => (data: unknown) => JSON.stringify(data) : serializerCompiler,
  );

  // The API speaks JSON (and forms, for the token endpoint only, as RFC 6749 asks): a text body,
  // or a form sent anywhere else, is refused with 415 instead of reaching a route.
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

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'klinik-desa clinic API',
        version: API_VERSION,
        description:
          'The clinic record of a village cooperative clinic: patients, screenings, observations from the kiosks, unassigned readings, referrals, health workers, kiosks, and the SATUSEHAT-ready FHIR Bundle of a screening. Every error has the ApiError shape; every POST accepts an Idempotency-Key header; every list is cursor-paginated.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      components: {
        securitySchemes: {
          oauth2: {
            type: 'oauth2',
            description:
              'OAuth2 client credentials. Kiosks, partner apps and administrators are clients with different roles; a token carries the scopes of its role (or fewer, when asked).',
            flows: {
              clientCredentials: {
                tokenUrl: '/oauth2/token',
                scopes: {
                  'patient.read': 'look up and read patients',
                  'patient.write': 'register patients',
                  'screening.read': 'read screenings',
                  'screening.write': 'open, finish and resend screenings',
                  'observation.read': 'list observations',
                  'observation.write': 'post manual readings',
                  'reading.triage': 'assign or discard unassigned readings',
                  'referral.read': 'list referrals',
                  'referral.write': 'acknowledge referrals',
                  'practitioner.read': "list the clinic's health workers",
                  'practitioner.write': 'register and change health workers',
                  'kiosk.read': 'read kiosks and their status',
                  'kiosk.admin': 'register kiosks and rotate their credentials',
                  'client.admin': 'create API clients',
                  'fhir.read': 'read the SATUSEHAT Bundle of a screening',
                },
              },
            },
          },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  app.decorateRequest('auth', undefined);
  app.decorateRequest('idempotency', undefined);

  const corsOrigins = new Set(options.corsOrigins ?? []);
  if (corsOrigins.size > 0) {
    // Registered first, so that a preflight is answered before rate limits and sign-in, and an
    // error answer still carries the headers that let the page read it.
    app.addHook('onRequest', async (request, reply) => {
      const origin = request.headers.origin;
      if (origin === undefined || !corsOrigins.has(origin)) return;
      reply.header('access-control-allow-origin', origin);
      reply.header('vary', 'Origin');
      reply.header('access-control-expose-headers', CORS_EXPOSED_HEADERS);
      if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
        reply.header('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE');
        reply.header('access-control-allow-headers', CORS_ALLOWED_HEADERS);
        reply.header('access-control-max-age', '600');
        return reply.code(204).send();
      }
    });
  }

  const startedAt = new WeakMap<FastifyRequest, bigint>();
  app.addHook('onRequest', async (request, reply) => {
    startedAt.set(request, process.hrtime.bigint());
    reply.header('x-request-id', String(request.id));
    const config = request.routeOptions.config;
    const scope = config.scope;
    const header = request.headers.authorization;
    // Buckets are keyed by who the server knows the caller to be: the client id once its token is
    // verified, the source address before. Whatever the Authorization header says is not an
    // identity until verified, so a made-up header per request gets no bucket of its own.
    const address = `ip:${request.ip}`;
    const limited = (wait: number, what: string) =>
      sendError(request, reply, 'RATE_LIMITED', `too many ${what}: try again in ${wait} s`, {
        retryAfterSeconds: wait,
      });
    if (!scope) {
      const wait = limits?.address.take(address, now().getTime()) ?? 0;
      return wait > 0 ? limited(wait, 'requests from this address') : undefined;
    }
    // The token is verified even from an address out of requests: kiosks behind one router share
    // an address, and one process there making up tokens must not lock the others out.
    const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
    const record = token ? await tokens.verify(token, now()) : undefined;
    if (!record) {
      const wait = limits?.address.take(address, now().getTime()) ?? 0;
      if (wait > 0) return limited(wait, 'requests without a valid token from this address');
    }
    if (!token) {
      reply.header('www-authenticate', 'Bearer');
      return sendError(
        request,
        reply,
        'UNAUTHENTICATED',
        'send an access token: Authorization: Bearer <token> (from POST /oauth2/token)',
      );
    }
    if (!record) {
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      return sendError(
        request,
        reply,
        'UNAUTHENTICATED',
        'the access token is unknown or has expired: get a new one',
      );
    }
    const client = `c:${record.clientId}`;
    const wait = limits?.client.take(client, now().getTime()) ?? 0;
    if (wait > 0) return limited(wait, 'requests from this client');
    if (!record.scopes.includes(scope)) {
      reply.header('www-authenticate', `Bearer error="insufficient_scope", scope="${scope}"`);
      return sendError(request, reply, 'FORBIDDEN', `this token lacks the scope ${scope}`, {
        details: { scope },
      });
    }
    // Looking patients up one by one is how a record is copied out: its own, tighter bucket.
    const lookupWait = config.patientLookup ? (limits?.lookup.take(client, now().getTime()) ?? 0) : 0;
    if (lookupWait > 0) return limited(lookupWait, 'patient look-ups from this client');
    request.auth = record;
  });

  registerIdempotency(app, store, now);

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unknown';
    const started = startedAt.get(request);
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    if (started !== undefined) {
      metrics.httpSeconds.observe(
        { method: request.method, route },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    }
    const fields = {
      method: request.method,
      route,
      status: reply.statusCode,
      client: request.auth?.clientId,
    };
    if (reply.statusCode >= 500) request.log.warn(fields, 'request failed');
    else request.log.debug(fields, 'request');
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, 'NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`),
  );

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ClinicError) {
      return sendError(
        request,
        reply,
        error.code,
        error.message,
        error.details ? { details: error.details } : {},
      );
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'body';
      return sendError(request, reply, 'VALIDATION', describeZodIssues(error, where), {
        details: {
          issues: error.validation.map((i) => ({
            path: fieldPath(where, i.instancePath),
            message: i.message,
          })),
        },
      });
    }
    const e = error as { code?: string; statusCode?: number; message: string };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(
        request,
        reply,
        'PAYLOAD_TOO_LARGE',
        `the request body is larger than ${app.initialConfig.bodyLimit} bytes`,
      );
    }
    if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendError(
        request,
        reply,
        'UNSUPPORTED_MEDIA_TYPE',
        'send JSON (Content-Type: application/json)',
      );
    }
    if (isUnavailable(error)) {
      request.log.error({ err: error }, 'the clinic record is unreachable');
      return sendError(request, reply, 'UNAVAILABLE', 'the clinic record is unreachable; try again shortly', {
        retryAfterSeconds: 5,
      });
    }
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      return sendError(request, reply, 'BAD_REQUEST', e.message, {
        status: e.statusCode === 404 ? 404 : 400,
      });
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendError(
      request,
      reply,
      'INTERNAL',
      'an unexpected error; it has been logged under this requestId',
    );
  });

  app.post(
    '/oauth2/token',
    {
      schema: {
        tags: ['auth'],
        summary: 'Get an access token (OAuth2 client credentials)',
        description:
          'Form-encoded (application/x-www-form-urlencoded) as in RFC 6749, or JSON. Errors use the RFC 6749 shape plus code, message and requestId.',
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        body: TokenRequest,
        response: { 200: TokenResponse, 400: TokenError, 401: TokenError, 429: TokenError },
      },
      attachValidation: true,
    },
    async (request, reply) => {
      const tokenError = (
        status: 400 | 401 | 429,
        error: TokenError['error'],
        code: string,
        message: string,
      ) =>
        reply
          .code(status)
          .header('cache-control', 'no-store')
          .send({ error, error_description: message, code, message, requestId: String(request.id) });
      if (request.validationError) {
        const body = request.body as { grant_type?: unknown } | undefined;
        if (
          body &&
          typeof body === 'object' &&
          body.grant_type !== undefined &&
          body.grant_type !== 'client_credentials'
        ) {
          return tokenError(
            400,
            'unsupported_grant_type',
            'UNSUPPORTED_GRANT_TYPE',
            'only grant_type=client_credentials is supported',
          );
        }
        return tokenError(
          400,
          'invalid_request',
          'VALIDATION',
          'send grant_type=client_credentials, client_id and client_secret',
        );
      }
      try {
        const answer = await tokens.issue(
          request.body.client_id,
          request.body.client_secret,
          request.body.scope,
          now(),
        );
        return reply.header('cache-control', 'no-store').send(answer);
      } catch (error) {
        if (error instanceof ClinicError && error.code === 'INVALID_CLIENT') {
          reply.header('www-authenticate', 'Basic realm="klinik-desa"');
          return tokenError(401, 'invalid_client', error.code, error.message);
        }
        if (error instanceof ClinicError && error.code === 'INVALID_SCOPE') {
          return tokenError(400, 'invalid_scope', error.code, error.message);
        }
        if (error instanceof TokenLimitError) {
          reply.header('retry-after', String(error.retryAfterSeconds));
          return tokenError(429, 'invalid_request', error.code, error.message);
        }
        throw error;
      }
    },
  );

  const auditTrail = new AuditTrail(store, options.log);
  app.addHook('onClose', async () => auditTrail.close());
  registerRoutes(app, { ...options, now, tokens, auditTrail });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
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

  return app;
}
