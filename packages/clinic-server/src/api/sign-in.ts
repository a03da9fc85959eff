import type { FastifyRequest } from 'fastify';
import { resolveAccess } from '../domain/access.js';
import type { RateLimiter } from '../domain/rate-limit.js';
import type { Metrics } from '../metrics.js';
import { sendError } from './errors.js';
import type { ApiApp } from './fastify.js';
import { SESSION_PREFIX, type SessionService, sessionCookie } from './sessions.js';
import type { TokenService } from './tokens.js';

/** The request buckets: per verified client, per source address, and for patient look-ups. */
export interface RequestLimits {
  client: RateLimiter;
  address: RateLimiter;
  lookup: RateLimiter;
}

/**
 * Every request: its start time (for the request metrics), its id header, its rate limits, and
 * for a route with a scope, the caller's token or a person's session verified and its scope
 * checked (`request.auth`). A session comes as a Bearer token or in the `kd_session` cookie; a
 * puskesmas grant is resolved here, at each request, to the clinics the puskesmas has now.
 */
export function registerSignIn(
  app: ApiApp,
  options: {
    tokens: TokenService;
    sessions: SessionService;
    clinicsOfPuskesmas: (puskesmasId: string) => Promise<string[]>;
    limits: RequestLimits | undefined;
    now: () => Date;
    startedAt: WeakMap<FastifyRequest, bigint>;
  },
): void {
  const { tokens, sessions, limits, now, startedAt } = options;
  const verify = async (token: string) => {
    const record = token.startsWith(SESSION_PREFIX)
      ? await sessions.verify(token, now())
      : await tokens.verify(token, now());
    return record && { ...record, access: await resolveAccess(record.access, options.clinicsOfPuskesmas) };
  };
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
    const token = header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : sessionCookie(request.headers.cookie);
    const record = token ? await verify(token) : undefined;
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
        'send an access token: Authorization: Bearer <token> (from POST /oauth2/token), or sign in (POST /sign-in, or the page /masuk)',
      );
    }
    if (!record) {
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      return sendError(
        request,
        reply,
        'UNAUTHENTICATED',
        token.startsWith(SESSION_PREFIX)
          ? 'the session is unknown, signed out or has expired: sign in again (POST /sign-in, or the page /masuk)'
          : 'the access token is unknown or has expired: get a new one',
      );
    }
    const client = `c:${record.clientId}`;
    const wait = limits?.client.take(client, now().getTime()) ?? 0;
    if (wait > 0) return limited(wait, 'requests from this client');
    if (!record.scopes.includes(scope)) {
      reply.header('www-authenticate', `Bearer error="insufficient_scope", scope="${scope}"`);
      const who = token.startsWith(SESSION_PREFIX) ? `a ${record.role} account` : 'this token';
      return sendError(request, reply, 'FORBIDDEN', `${who} lacks the scope ${scope}`, {
        details: { scope },
      });
    }
    // Looking patients up one by one is how a record is copied out: its own, tighter bucket.
    const lookupWait = config.patientLookup ? (limits?.lookup.take(client, now().getTime()) ?? 0) : 0;
    if (lookupWait > 0) return limited(lookupWait, 'patient look-ups from this client');
    request.auth = record;
  });
}

/** Counts and times every answer, and logs it by route pattern and status (never its URL). */
export function registerRequestLog(
  app: ApiApp,
  metrics: Metrics,
  startedAt: WeakMap<FastifyRequest, bigint>,
): void {
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
}
