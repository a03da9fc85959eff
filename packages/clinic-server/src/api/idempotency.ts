import { IdempotencyKey } from '@klinik-desa/protocol';
import { idempotencySeal, SECRET_WITHHELD } from '../domain/idempotency-seal.js';
import { ClinicError } from '../errors.js';
import type { IdempotencyStore } from '../store/store.js';
import { sendError } from './errors.js';
import type { ApiApp } from './fastify.js';

/**
 * `Idempotency-Key` on POSTs: the first answer is kept (sealed, see domain/idempotency-seal.ts) and
 * replayed to a retry with the same key and body; a secret-bearing answer is not kept at all.
 */
export function registerIdempotency(app: ApiApp, store: IdempotencyStore, now: () => Date): void {
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST' || !request.auth) return;
    const raw = request.headers['idempotency-key'];
    if (raw === undefined) return;
    const key = IdempotencyKey.safeParse(Array.isArray(raw) ? raw[0] : raw);
    if (!key.success) {
      return sendError(
        request,
        reply,
        'VALIDATION',
        'header Idempotency-Key: use 1-255 printable ASCII characters',
      );
    }
    // A search only reads: repeating it is harmless, and its answer (names, NIKs) is not kept.
    if (request.routeOptions.config.safePost) return;
    // The record keeps neither the key nor the answer in the clear (domain/idempotency-seal.ts).
    const clientId = request.auth.clientId;
    const sealed = idempotencySeal(clientId, key.data);
    const bodyHash = sealed.fingerprint(JSON.stringify(request.body ?? null));
    const begun = await store.beginIdempotent(
      clientId,
      sealed.lookup,
      { method: request.method, path: request.url, bodyHash },
      now().toISOString(),
    );
    if (begun.state === 'new') {
      const secretBearing = request.routeOptions.config.secretBearing === true;
      request.idempotency = {
        clientId,
        lookup: sealed.lookup,
        // A success of a secret-bearing route carries a secret: it is shown once, never kept.
        seal: (answer) => (secretBearing && reply.statusCode < 300 ? SECRET_WITHHELD : sealed.seal(answer)),
      };
      return;
    }
    if (begun.state === 'mismatch') {
      return sendError(
        request,
        reply,
        'IDEMPOTENCY_KEY_REUSED',
        'this Idempotency-Key was used for a different request: use a new key for a new request',
      );
    }
    if (begun.state === 'in-progress') {
      return sendError(
        request,
        reply,
        'IDEMPOTENCY_IN_PROGRESS',
        'a request with this Idempotency-Key is still running',
        {
          retryAfterSeconds: 1,
        },
      );
    }
    if (begun.response === SECRET_WITHHELD) {
      return sendError(
        request,
        reply,
        'IDEMPOTENCY_SECRET_NOT_KEPT',
        'this request was done: its answer held a secret, which was shown once, in the first answer, and not kept; rotate the credentials (or create a new client) to get a new one',
      );
    }
    const answer = sealed.open(begun.response);
    if (answer === undefined) {
      // Not sealed with this key: a row from before sealing, or one altered in the record.
      throw new ClinicError(
        'IDEMPOTENCY_KEY_REUSED',
        'the answer kept for this Idempotency-Key cannot be read: use a new key for a new request',
      );
    }
    return reply
      .code(begun.statusCode)
      .header('idempotent-replayed', 'true')
      .type('application/json; charset=utf-8')
      .serializer((x: unknown) => x as string)
      .send(answer);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const idem = request.idempotency;
    if (idem) {
      request.idempotency = undefined;
      const status = reply.statusCode;
      // Server trouble is not an answer to keep: the client may retry with the same key.
      if (status >= 500 || status === 429 || typeof payload !== 'string') {
        await store.abandonIdempotent(idem.clientId, idem.lookup);
      } else {
        await store.completeIdempotent(idem.clientId, idem.lookup, status, idem.seal(payload));
      }
    }
    return payload;
  });
}
