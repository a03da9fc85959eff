import {
  ManualReadingCreate,
  ManualReadingCreated,
  newUuidV7,
  ObservationListQuery,
  PageQuery,
  Reading,
} from '@klinik-desa/protocol';
import { ClinicError, notFound } from '../../errors.js';
import type { ObservationStore, ReadingStore, ScreeningStore } from '../../store/store.js';
import type { ApiApp } from '../fastify.js';
import {
  COMMON_ERRORS,
  errorResponses,
  IdempotencyHeader,
  ObservationPage,
  type RouteContext,
  security,
} from './shared.js';

/** Observations: list them, and post a manual reading. */
export function registerObservationRoutes(
  app: ApiApp,
  ctx: RouteContext,
  options: {
    store: ObservationStore & Pick<ScreeningStore, 'getScreening'> & Pick<ReadingStore, 'ingestReadings'>;
  },
): void {
  const { store } = options;
  const { at, audit, access, checkListFilters } = ctx;

  app.get(
    '/observations',
    {
      config: { scope: 'observation.read' },
      schema: {
        tags: ['observations'],
        operationId: 'observationsList',
        summary: 'List observations by patient, screening, kind or time range',
        description:
          "Observations of the caller's clinics. Filtering by a patient or screening the caller does not see answers 404, not an empty page; a list by patient is written to the audit log.",
        security: security('observation.read'),
        querystring: ObservationListQuery.extend(PageQuery.shape),
        response: { 200: ObservationPage, ...errorResponses(...COMMON_ERRORS) },
      },
    },
    async (request) => {
      const { limit, cursor, ...query } = request.query;
      await checkListFilters(request, query);
      const page = await store.listObservations(query, { limit, cursor }, access(request));
      if (query.patientId) await audit(request, 'list', 'observation', null, query.patientId);
      return page;
    },
  );

  app.post(
    '/observations',
    {
      config: { scope: 'observation.write' },
      schema: {
        tags: ['observations'],
        operationId: 'observationsCreate',
        summary: 'Post a manual reading (values measured without a connected device) for an open screening',
        description:
          "The values become a reading of device `manual` at the screening's clinic and kiosk, stored and flagged as a kiosk's readings are; the answer has the observations made from it. A finished screening answers 409 SCREENING_CLOSED.",
        security: security('observation.write'),
        headers: IdempotencyHeader,
        body: ManualReadingCreate,
        response: { 201: ManualReadingCreated, ...errorResponses(...COMMON_ERRORS, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const screening = await store.getScreening(body.screeningId, access(request));
      if (!screening) throw notFound('screening', body.screeningId);
      if (screening.status !== 'open') {
        throw new ClinicError('SCREENING_CLOSED', `screening ${screening.id} is finished; open a new one`);
      }
      const receivedAt = at();
      const reading = Reading.parse({
        id: newUuidV7(),
        clinicId: screening.clinicId,
        kioskId: screening.kioskId,
        device: { id: 'manual', protocol: 'manual' },
        sessionId: screening.id,
        patientId: screening.patientId,
        kind: body.kind,
        measuredAt: body.measuredAt,
        receivedAt,
        timeSource: 'kiosk',
        values: body.values,
        flags: body.flags,
      });
      await store.ingestReadings([reading], { skipKioskCheck: true });
      await audit(request, 'create', 'observation', reading.id, screening.patientId, screening.clinicId);
      return reply
        .code(201)
        .send({ readingId: reading.id, observations: await store.observationsOfReading(reading.id) });
    },
  );
}
