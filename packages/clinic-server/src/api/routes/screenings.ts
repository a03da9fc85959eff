import {
  FhirBundle,
  newUuidV7,
  PageQuery,
  Screening,
  ScreeningCreate,
  ScreeningDetail,
  ScreeningFinish,
  ScreeningListQuery,
} from '@klinik-desa/protocol';
import { checkClinic } from '../../domain/access.js';
import { derivedReadings } from '../../domain/derived.js';
import { ClinicError, notFound } from '../../errors.js';
import type { ForwardingStore, ReadingStore, ScreeningStore } from '../../store/store.js';
import type { ApiApp } from '../fastify.js';
import type { ApiOptions } from '../options.js';
import {
  COMMON_ERRORS,
  checkOwnKiosk,
  errorResponses,
  IdempotencyHeader,
  IdParams,
  type RouteContext,
  ScreeningPage,
  security,
} from './shared.js';

type ScreeningRouteOptions = Pick<ApiOptions, 'screening' | 'onScreeningFinished' | 'fhirBundle'> & {
  store: ScreeningStore &
    Pick<ForwardingStore, 'fhirSource' | 'requeueForwarding'> &
    Pick<ReadingStore, 'ingestReadings'>;
};

/** Screenings: open, list, read, finish, resend to SATUSEHAT, and their FHIR Bundle. */
export function registerScreeningRoutes(
  app: ApiApp,
  ctx: RouteContext,
  options: ScreeningRouteOptions,
): void {
  const { store } = options;
  const { at, audit, access, checkListFilters } = ctx;

  app.post(
    '/screenings',
    {
      config: { scope: 'screening.write' },
      schema: {
        tags: ['screenings'],
        operationId: 'screeningsCreate',
        summary: 'Open a screening for a patient at a kiosk',
        description:
          "The kiosk puts the screening id on its readings as `sessionId`; readings with it are bound to the screening while it is open. Name the health worker doing it by `practitionerId` (from POST /practitioners) or inline by `practitioner`, not both; SATUSEHAT's Encounter names them (the server's default practitioner when neither is given). An unknown `practitionerId` answers 404 PRACTITIONER_NOT_FOUND; one of another clinic, or no longer active, 422 PRACTITIONER_NOT_USABLE. A kiosk that opened the screening while the clinic was unreachable sends the `id` its readings carry; sending it again answers with the same screening, and an id held by another screening answers 409 SCREENING_EXISTS.",
        security: security('screening.write'),
        headers: IdempotencyHeader,
        body: ScreeningCreate,
        response: { 201: Screening, ...errorResponses(...COMMON_ERRORS, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      checkClinic(access(request), body.clinicId);
      checkOwnKiosk(request.auth, body.clinicId, body.kioskId);
      const screening = await store.createScreening(
        {
          patientId: body.patientId,
          clinicId: body.clinicId,
          kioskId: body.kioskId,
          practitioner: body.practitioner ?? null,
          practitionerId: body.practitionerId ?? null,
        },
        body.id ?? newUuidV7(),
        at(),
      );
      await audit(request, 'create', 'screening', screening.id, screening.patientId, screening.clinicId);
      return reply.code(201).send(screening);
    },
  );

  app.get(
    '/screenings',
    {
      config: { scope: 'screening.read' },
      schema: {
        tags: ['screenings'],
        operationId: 'screeningsList',
        summary: 'List screenings',
        description:
          "Screenings of the caller's clinics; filter by patient, clinic, kiosk or status. Filtering by a patient or clinic the caller does not see answers 404 or 403, not an empty page; a list by patient is written to the audit log.",
        security: security('screening.read'),
        querystring: ScreeningListQuery.extend(PageQuery.shape),
        response: { 200: ScreeningPage, ...errorResponses(...COMMON_ERRORS) },
      },
    },
    async (request) => {
      const { limit, cursor, ...query } = request.query;
      await checkListFilters(request, query);
      const page = await store.listScreenings(query, { limit, cursor }, access(request));
      if (query.patientId) await audit(request, 'list', 'screening', null, query.patientId);
      return page;
    },
  );

  app.get(
    '/screenings/:id',
    {
      config: { scope: 'screening.read' },
      schema: {
        tags: ['screenings'],
        operationId: 'screeningsRetrieve',
        summary: 'Get a screening with its observations and flags',
        description:
          "The screening, its observations and their flags. Each read is written to the audit log, in the patient's access log.",
        security: security('screening.read'),
        params: IdParams,
        response: { 200: ScreeningDetail, ...errorResponses(...COMMON_ERRORS, 404) },
      },
    },
    async (request) => {
      const detail = await store.getScreeningDetail(request.params.id, access(request));
      if (!detail) throw notFound('screening', request.params.id);
      await audit(request, 'read', 'screening', detail.id, detail.patientId, detail.clinicId);
      return detail;
    },
  );

  registerScreeningEndRoutes(app, ctx, options);
}

/** Finishing a screening, sending it again, and the Bundle it makes for SATUSEHAT. */
function registerScreeningEndRoutes(app: ApiApp, ctx: RouteContext, options: ScreeningRouteOptions): void {
  const { store } = options;
  const { at, audit, access } = ctx;

  app.post(
    '/screenings/:id/finish',
    {
      config: { scope: 'screening.write' },
      schema: {
        tags: ['screenings'],
        operationId: 'screeningsFinish',
        summary: 'Finish a screening',
        description:
          "First the record computes the visit's mean blood pressure (from two or more measurements) and the BMI from its latest weight and height, with their triage flags, and adds them to the screening as readings of device `kiosk`/`derived` that name their sources (`derivedFrom`). Readings that arrive for it afterwards are kept as unassigned. With `forward` (the default) its Bundle is queued for SATUSEHAT; the outcome shows in `forwarding`.",
        security: security('screening.write'),
        headers: IdempotencyHeader,
        params: IdParams,
        body: ScreeningFinish.nullish(),
        response: { 200: Screening, ...errorResponses(...COMMON_ERRORS, 404, 409, 422) },
      },
    },
    async (request) => {
      const current = await store.getScreening(request.params.id, access(request));
      if (!current) throw notFound('screening', request.params.id);
      checkOwnKiosk(request.auth, current.clinicId, current.kioskId);
      if (current.status === 'open') {
        const source = await store.fhirSource(current.id);
        const derived = source ? derivedReadings(source, options.screening) : [];
        // Stored while the screening is still open, so ingest binds them to it like any reading.
        if (derived.length > 0) await store.ingestReadings(derived, { skipKioskCheck: true });
      }
      const forward = request.body?.forward ?? true;
      const screening = await store.finishScreening(request.params.id, at(), forward);
      await audit(request, 'finish', 'screening', screening.id, screening.patientId, screening.clinicId);
      if (forward) options.onScreeningFinished?.(screening.id);
      return screening;
    },
  );

  app.post(
    '/screenings/:id/forward',
    {
      config: { scope: 'screening.write' },
      schema: {
        tags: ['screenings'],
        operationId: 'screeningsForward',
        summary: 'Send a finished screening to SATUSEHAT again',
        description: 'Puts a screening whose sending failed (or was never asked for) back in the queue.',
        security: security('screening.write'),
        headers: IdempotencyHeader,
        params: IdParams,
        response: { 200: Screening, ...errorResponses(...COMMON_ERRORS, 404, 409, 422) },
      },
    },
    async (request) => {
      const current = await store.getScreening(request.params.id, access(request));
      if (!current) throw notFound('screening', request.params.id);
      checkOwnKiosk(request.auth, current.clinicId, current.kioskId);
      const screening = await store.requeueForwarding(request.params.id, at());
      await audit(request, 'forward', 'screening', screening.id, screening.patientId, screening.clinicId);
      options.onScreeningFinished?.(screening.id);
      return screening;
    },
  );

  app.get(
    '/screenings/:id/fhir',
    {
      config: { scope: 'fhir.read' },
      schema: {
        tags: ['screenings'],
        operationId: 'screeningsFhirBundle',
        summary: 'The SATUSEHAT-ready FHIR R4 transaction Bundle of a screening',
        description:
          'Encounter plus one Observation per value, with stable identifiers. 409 FHIR_NOT_READY when the patient has no IHS number or the server has no SATUSEHAT organization configured.',
        security: security('fhir.read'),
        params: IdParams,
        response: { 200: FhirBundle, ...errorResponses(...COMMON_ERRORS, 404, 409) },
      },
    },
    async (request) => {
      const screening = await store.getScreening(request.params.id, access(request));
      if (!screening) throw notFound('screening', request.params.id);
      if (!options.fhirBundle) {
        throw new ClinicError(
          'FHIR_NOT_READY',
          'this server has no SATUSEHAT organization configured (--satusehat-organization)',
        );
      }
      const bundle = await options.fhirBundle(request.params.id);
      await audit(request, 'read', 'fhir-bundle', screening.id, screening.patientId, screening.clinicId);
      return bundle;
    },
  );
}
