import type { ApiApp } from './fastify.js';

/** What a browser page may send: the SDK's headers. */
const CORS_ALLOWED_HEADERS = 'authorization, content-type, idempotency-key';
/** What a browser page may read besides the basic ones: retries, replays and support ids. */
const CORS_EXPOSED_HEADERS = 'retry-after, x-request-id, idempotent-replayed, www-authenticate';

/**
 * Lets the pages of `origins` call the API from a browser. Registered first, so that a preflight
 * is answered before rate limits and sign-in, and an error answer still carries the headers that
 * let the page read it.
 */
export function registerCors(app: ApiApp, origins: readonly string[]): void {
  const corsOrigins = new Set(origins);
  if (corsOrigins.size === 0) return;
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
