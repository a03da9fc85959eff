import { Kiosk, KioskCreate, KioskCredentials, KioskListQuery, PageQuery } from '@klinik-desa/protocol';
import { checkClinic } from '../../domain/access.js';
import { kioskUsername } from '../../domain/acl.js';
import { hashSecret, newSecret } from '../../domain/secrets.js';
import { notFound } from '../../errors.js';
import type { KioskStore } from '../../store/store.js';
import type { ApiApp } from '../fastify.js';
import type { ApiOptions } from '../options.js';
import type { TokenService } from '../tokens.js';
import {
  COMMON_ERRORS,
  errorResponses,
  IdempotencyHeader,
  KioskPage,
  KioskParams,
  type RouteContext,
  security,
} from './shared.js';

/** A kiosk's credentials as the answer shows them once: one secret for the API and for MQTT. */
function credentials(clinicId: string, kioskId: string, secret: string, rotatedAt: string) {
  const username = kioskUsername(clinicId, kioskId);
  return {
    clinicId,
    kioskId,
    clientId: username,
    clientSecret: secret,
    mqttUsername: username,
    mqttPassword: secret,
    rotatedAt,
  };
}

/** Kiosks: register, list, read, rotate their credentials. */
export function registerKioskRoutes(
  app: ApiApp,
  ctx: RouteContext,
  options: Pick<ApiOptions, 'onKioskCredentials'> & { store: KioskStore; tokens: TokenService },
): void {
  const { store } = options;
  const { at, audit, access, canSeeKiosk } = ctx;

  app.post(
    '/kiosks',
    {
      config: { scope: 'kiosk.admin', secretBearing: true },
      schema: {
        tags: ['kiosks'],
        operationId: 'kiosksCreate',
        summary: 'Register a kiosk and get its credentials',
        description:
          'Only for a clinic of the caller. The secret is in this answer only (a replay with the same Idempotency-Key does not show it again). The embedded broker takes it at once, and so does Mosquitto when the server has `--mqtt-admin-user`; otherwise write its configuration again with `clinic-server mosquitto-config`. Readings of unregistered kiosks are rejected (UNKNOWN_KIOSK).',
        security: security('kiosk.admin'),
        headers: IdempotencyHeader,
        body: KioskCreate,
        response: { 201: KioskCredentials, ...errorResponses(...COMMON_ERRORS, 409, 422) },
      },
    },
    async (request, reply) => {
      const { clinicId, kioskId } = request.body;
      checkClinic(access(request), clinicId);
      const secret = newSecret();
      const kiosk = await store.registerKiosk(
        { clinicId, kioskId, name: request.body.name ?? null },
        kioskUsername(clinicId, kioskId),
        hashSecret(secret),
        at(),
      );
      await options.onKioskCredentials?.(clinicId, kioskId, secret, false);
      await audit(request, 'create', 'kiosk', `${clinicId}/${kioskId}`, null, clinicId);
      return reply.code(201).send(credentials(clinicId, kioskId, secret, kiosk.credentialsRotatedAt));
    },
  );

  app.get(
    '/kiosks',
    {
      config: { scope: 'kiosk.read' },
      schema: {
        tags: ['kiosks'],
        operationId: 'kiosksList',
        summary: 'List registered kiosks with their last status',
        description:
          "Kiosks of the caller's clinics, each with the last status message it sent; filter by clinic. Kiosk credentials see their own kiosk only.",
        security: security('kiosk.read'),
        querystring: KioskListQuery.extend(PageQuery.shape),
        response: { 200: KioskPage, ...errorResponses(...COMMON_ERRORS) },
      },
    },
    async (request) => {
      const { limit, cursor, ...query } = request.query;
      if (query.clinicId !== undefined) checkClinic(access(request), query.clinicId);
      return store.listKiosks(query, { limit, cursor }, access(request));
    },
  );

  app.get(
    '/kiosks/:clinicId/:kioskId',
    {
      config: { scope: 'kiosk.read' },
      schema: {
        tags: ['kiosks'],
        operationId: 'kiosksRetrieve',
        summary: 'A kiosk and its last status',
        description:
          "A kiosk of one of the caller's clinics (404 for any other) with the last status message it sent; kiosk credentials see their own kiosk only.",
        security: security('kiosk.read'),
        params: KioskParams,
        response: { 200: Kiosk, ...errorResponses(...COMMON_ERRORS, 404) },
      },
    },
    async (request) => {
      const found = await store.getKiosk(request.params.clinicId, request.params.kioskId);
      const kiosk = found && canSeeKiosk(request, found.clinicId, found.kioskId) ? found : undefined;
      if (!kiosk) throw notFound('kiosk', `${request.params.clinicId}/${request.params.kioskId}`);
      return kiosk;
    },
  );

  app.post(
    '/kiosks/:clinicId/:kioskId/rotate',
    {
      config: { scope: 'kiosk.admin', secretBearing: true },
      schema: {
        tags: ['kiosks'],
        operationId: 'kiosksRotateCredentials',
        summary: "Rotate a kiosk's credentials",
        description:
          'The old secret stops working for the API at once (its tokens end) and for new MQTT logins at once (a connection made with the old one is closed: by the embedded broker, and by Mosquitto when the server has `--mqtt-admin-user`).',
        security: security('kiosk.admin'),
        headers: IdempotencyHeader,
        params: KioskParams,
        response: { 200: KioskCredentials, ...errorResponses(...COMMON_ERRORS, 404, 422) },
      },
    },
    async (request) => {
      const { clinicId, kioskId } = request.params;
      if (!canSeeKiosk(request, clinicId, kioskId)) throw notFound('kiosk', `${clinicId}/${kioskId}`);
      const secret = newSecret();
      const kiosk = await store.rotateKioskSecret(clinicId, kioskId, hashSecret(secret), at());
      options.tokens.forgetClient(kioskUsername(clinicId, kioskId));
      await options.onKioskCredentials?.(clinicId, kioskId, secret, true);
      await audit(request, 'rotate', 'kiosk', `${clinicId}/${kioskId}`, null, clinicId);
      return credentials(clinicId, kioskId, secret, kiosk.credentialsRotatedAt);
    },
  );
}
