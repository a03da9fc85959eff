import {
  ApiClient,
  ApiClientCreate,
  ApiClientCredentials,
  ApiClientListQuery,
  newUuidV7,
  PageQuery,
} from '@klinik-desa/protocol';
import { accessOf, checkGrant, covers } from '../../domain/access.js';
import { hashSecret, newSecret } from '../../domain/secrets.js';
import { ClinicError, notFound } from '../../errors.js';
import type { ClientStore } from '../../store/store.js';
import type { ApiApp } from '../fastify.js';
import type { ApiOptions } from '../options.js';
import type { TokenService } from '../tokens.js';
import {
  ApiClientPage,
  ClientParams,
  COMMON_ERRORS,
  errorResponses,
  IdempotencyHeader,
  type RouteContext,
  security,
} from './shared.js';

/** API clients: create, list, revoke (administrators). */
export function registerClientRoutes(
  app: ApiApp,
  ctx: RouteContext,
  options: Pick<ApiOptions, 'onClientRevoked'> & { store: ClientStore; tokens: TokenService },
): void {
  const { store } = options;
  const { at, audit, access } = ctx;

  app.post(
    '/clients',
    {
      config: { scope: 'client.admin', secretBearing: true },
      schema: {
        tags: ['clients'],
        operationId: 'clientsCreate',
        summary: 'Create an API client (a partner app or another administrator)',
        description: 'The secret is in this answer only; the record keeps its hash.',
        security: security('client.admin'),
        headers: IdempotencyHeader,
        body: ApiClientCreate,
        response: { 201: ApiClientCredentials, ...errorResponses(...COMMON_ERRORS) },
      },
    },
    async (request, reply) => {
      const granted = accessOf(request.body.clinics);
      checkGrant(access(request), granted);
      const secret = newSecret();
      const createdAt = at();
      const id = `${request.body.role}.${newUuidV7()}`;
      await store.createClient({
        id,
        role: request.body.role,
        name: request.body.name,
        secretHash: hashSecret(secret),
        clinicId: null,
        kioskId: null,
        access: granted,
        createdAt,
      });
      await audit(request, 'create', 'client', id);
      return reply.code(201).send({
        clientId: id,
        clientSecret: secret,
        role: request.body.role,
        name: request.body.name,
        clinics: request.body.clinics,
        createdAt,
      });
    },
  );

  app.get(
    '/clients',
    {
      config: { scope: 'client.admin' },
      schema: {
        tags: ['clients'],
        operationId: 'clientsList',
        summary: 'List API clients (never their secrets)',
        description:
          "The clients that share a clinic with the caller, in id order; filter by role. A client's secret is never in the record, only its hash.",
        security: security('client.admin'),
        querystring: ApiClientListQuery.extend(PageQuery.shape),
        response: { 200: ApiClientPage, ...errorResponses(...COMMON_ERRORS) },
      },
    },
    async (request) => {
      const { limit, cursor, ...query } = request.query;
      return store.listClients(query, { limit, cursor }, access(request));
    },
  );

  app.post(
    '/clients/:id/revoke',
    {
      config: { scope: 'client.admin' },
      schema: {
        tags: ['clients'],
        operationId: 'clientsRevoke',
        summary: 'Revoke an API client: a leaked secret, a partner app retired, a stolen kiosk',
        description:
          "Its tokens end at once (on other server processes sharing the database, within the 30 s they keep a token in memory) and it gets no new one; a kiosk's live MQTT connection is closed within seconds and its login refused, by the embedded broker and by Mosquitto (through its dynamic security plugin, when the server has `--mqtt-admin-user`), and its readings are no longer stored. The client stays in the record, as the audit log names it. Revoking again keeps the first time. An administrator cannot revoke the client it is signed in with (409 CONFLICT).",
        security: security('client.admin'),
        headers: IdempotencyHeader,
        params: ClientParams,
        response: { 200: ApiClient, ...errorResponses(...COMMON_ERRORS, 404, 409, 422) },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (id === request.auth?.clientId) {
        throw new ClinicError('CONFLICT', 'an administrator cannot revoke the client it is signed in with');
      }
      const target = await store.getClient(id);
      // Only a client all of whose clinics are the caller's: another clinic's partner is none of its business.
      if (!target || !covers(access(request), target.access)) throw notFound('client', id);
      const client = await store.revokeClient(id, at());
      options.tokens.forgetClient(id);
      options.onClientRevoked?.(id);
      await audit(request, 'revoke', 'client', id);
      return client;
    },
  );
}
