import { newUuidV7, type Scope } from '@klinik-desa/protocol';
import Fastify, { LogController } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { TokenRecord } from '../store/store.js';
import type { ApiOptions } from './options.js';

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

export function createFastify(options: ApiOptions) {
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
