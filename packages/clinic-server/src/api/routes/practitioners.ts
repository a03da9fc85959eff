import {
  newUuidV7,
  PageQuery,
  PractitionerCreate,
  PractitionerListQuery,
  PractitionerPage,
  PractitionerRecord,
  PractitionerUpdate,
} from '@klinik-desa/protocol';
import { checkClinic } from '../../domain/access.js';
import { notFound } from '../../errors.js';
import type { PractitionerStore } from '../../store/store.js';
import type { ApiApp } from '../fastify.js';
import {
  COMMON_ERRORS,
  errorResponses,
  IdempotencyHeader,
  IdParams,
  type RouteContext,
  security,
} from './shared.js';

/** The clinic's health workers: register, list, read, change. */
export function registerPractitionerRoutes(
  app: ApiApp,
  ctx: RouteContext,
  options: { store: PractitionerStore },
): void {
  const { store } = options;
  const { at, audit, access } = ctx;

  app.post(
    '/practitioners',
    {
      config: { scope: 'practitioner.write' },
      schema: {
        tags: ['practitioners'],
        operationId: 'practitionersCreate',
        summary: "Register one of the clinic's health workers",
        description:
          'By NIK (the SATUSEHAT forwarder finds their IHS number the first time a screening of theirs is sent, and keeps it), or by IHS number, or both. A NIK is registered once per clinic: a second registration answers 409 PRACTITIONER_EXISTS with the practitionerId.',
        security: security('practitioner.write'),
        headers: IdempotencyHeader,
        body: PractitionerCreate,
        response: { 201: PractitionerRecord, ...errorResponses(...COMMON_ERRORS, 409, 422) },
      },
    },
    async (request, reply) => {
      checkClinic(access(request), request.body.clinicId);
      const practitioner = await store.createPractitioner(request.body, newUuidV7(), at());
      await audit(request, 'create', 'practitioner', practitioner.id, null, practitioner.clinicId);
      return reply.code(201).send(practitioner);
    },
  );

  app.get(
    '/practitioners',
    {
      config: { scope: 'practitioner.read' },
      schema: {
        tags: ['practitioners'],
        operationId: 'practitionersList',
        summary: "List the clinic's health workers",
        description:
          "`active=true` gives those a new screening may name. Kiosk credentials see their own clinic's only (without `clinicId` they get those; another clinic's is 403 FORBIDDEN).",
        security: security('practitioner.read'),
        querystring: PractitionerListQuery.extend(PageQuery.shape),
        response: { 200: PractitionerPage, ...errorResponses(...COMMON_ERRORS) },
      },
    },
    async (request) => {
      const { limit, cursor, ...query } = request.query;
      if (query.clinicId !== undefined) checkClinic(access(request), query.clinicId);
      return store.listPractitioners(query, { limit, cursor }, access(request));
    },
  );

  app.get(
    '/practitioners/:id',
    {
      config: { scope: 'practitioner.read' },
      schema: {
        tags: ['practitioners'],
        operationId: 'practitionersRetrieve',
        summary: 'Get a health worker',
        description: "A health worker of one of the caller's clinics (404 for any other), active or not.",
        security: security('practitioner.read'),
        params: IdParams,
        response: { 200: PractitionerRecord, ...errorResponses(...COMMON_ERRORS, 404) },
      },
    },
    async (request) => {
      const practitioner = await store.getPractitioner(request.params.id, access(request));
      if (!practitioner) throw notFound('practitioner', request.params.id);
      return practitioner;
    },
  );

  app.patch(
    '/practitioners/:id',
    {
      config: { scope: 'practitioner.write' },
      schema: {
        tags: ['practitioners'],
        operationId: 'practitionersUpdate',
        summary: 'Change a health worker',
        description:
          'Changes only the fields given: the IHS number or the right NIK when the SATUSEHAT forwarder could not find them by the NIK (queue the screening again with POST /screenings/{id}/forward after this), a name typed wrong, or `active: false` for someone who left the clinic (kept, as their screenings name them; new screenings cannot). `null` removes a wrong NIK or IHS number as long as one of the two is left. A NIK another health worker of the clinic has answers 409 PRACTITIONER_EXISTS with that practitionerId.',
        security: security('practitioner.write'),
        params: IdParams,
        body: PractitionerUpdate,
        response: { 200: PractitionerRecord, ...errorResponses(...COMMON_ERRORS, 404, 409) },
      },
    },
    async (request) => {
      const practitioner = await store.updatePractitioner(
        request.params.id,
        request.body,
        at(),
        access(request),
      );
      await audit(request, 'update', 'practitioner', practitioner.id, null, practitioner.clinicId);
      return practitioner;
    },
  );
}
