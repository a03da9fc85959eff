import {
  ApiClient,
  ApiClientCreate,
  ApiClientCredentials,
  ApiClientListQuery,
  ApiError,
  AuditEvent,
  AuditEventListQuery,
  ClinicId,
  FhirBundle,
  Kiosk,
  KioskCreate,
  KioskCredentials,
  KioskId,
  KioskListQuery,
  ManualReadingCreate,
  ManualReadingCreated,
  newUuidV7,
  Observation,
  ObservationListQuery,
  Page,
  PageQuery,
  Patient,
  PatientCreate,
  PatientSearch,
  PatientUpdate,
  PractitionerCreate,
  PractitionerListQuery,
  PractitionerPage,
  PractitionerRecord,
  PractitionerUpdate,
  Reading,
  ReadingAssign,
  ReadingDiscard,
  ReadingId,
  Referral,
  ReferralAcknowledge,
  ReferralListQuery,
  ResourceId,
  type Scope,
  Screening,
  ScreeningCreate,
  ScreeningDetail,
  ScreeningFinish,
  ScreeningListQuery,
  UnassignedListQuery,
  UnassignedReading,
} from '@klinik-desa/protocol';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  accessOf,
  type ClinicAccess,
  canActFor,
  checkClinic,
  checkGrant,
  clinicFor,
  covers,
} from '../domain/access.js';
import { kioskUsername } from '../domain/acl.js';
import { derivedReadings } from '../domain/derived.js';
import { hashSecret, newSecret } from '../domain/secrets.js';
import { ClinicError, notFound } from '../errors.js';
import type { TokenRecord } from '../store/store.js';
import type { ApiApp, ApiOptions } from './app.js';
import type { AuditTrail } from './audit.js';
import type { TokenService } from './tokens.js';

const PatientPage = Page(Patient, 'Patient');
const ScreeningPage = Page(Screening, 'Screening');
const ObservationPage = Page(Observation, 'Observation');
const UnassignedReadingPage = Page(UnassignedReading, 'UnassignedReading');
const ReferralPage = Page(Referral, 'Referral');
const KioskPage = Page(Kiosk, 'Kiosk');
const ApiClientPage = Page(ApiClient, 'ApiClient');
const AuditEventPage = Page(AuditEvent, 'AuditEvent');
/** Client ids: the role, a dot and a UUIDv7 (`partner.0190…`), or a kiosk's `kiosk.<clinic>.<kiosk>`. */
const ClientParams = z.object({ id: z.string().min(1).max(300) }).strict();

const IdParams = z.object({ id: ResourceId }).strict();
const ReadingParams = z.object({ id: ReadingId }).strict();
const KioskParams = z.object({ clinicId: ClinicId, kioskId: KioskId }).strict();

const IdempotencyHeader = z
  .object({
    'idempotency-key': z
      .string()
      .optional()
      .describe(
        'Any unique string (a UUID): a retry with the same key gets the first answer again, and does nothing twice.',
      ),
  })
  .loose();

function errorResponses(...statuses: number[]) {
  return Object.fromEntries(statuses.map((s) => [s, ApiError])) as Record<number, typeof ApiError>;
}

const COMMON_ERRORS = [400, 401, 403, 429, 503];

function security(scope: Scope) {
  return [{ oauth2: [scope] }];
}

/** The clinics the caller may act for; routes without a scope have no caller and reach no clinic. */
function accessOfRequest(request: FastifyRequest): ClinicAccess {
  return request.auth?.access ?? { all: false, clinicIds: [] };
}

/** The caller's one clinic, for an audit line of a request that names none (a patient read). */
function soleClinic(access: ClinicAccess): string | null {
  return !access.all && access.clinicIds.length === 1 ? access.clinicIds[0]! : null;
}

/** Kiosk credentials act only for their own kiosk: a stolen kiosk token cannot open screenings elsewhere. */
function checkOwnKiosk(auth: TokenRecord | undefined, clinicId: string, kioskId: string): void {
  if (auth?.role === 'kiosk' && (auth.clinicId !== clinicId || auth.kioskId !== kioskId)) {
    throw new ClinicError(
      'FORBIDDEN',
      `kiosk credentials of ${auth.clinicId}/${auth.kioskId} cannot act for ${clinicId}/${kioskId}`,
    );
  }
}

export function registerRoutes(
  app: ApiApp,
  options: ApiOptions & { now: () => Date; tokens: TokenService; auditTrail: AuditTrail },
): void {
  const { store, now } = options;
  const at = () => now().toISOString();
  const who = (request: FastifyRequest) => request.auth?.clientId ?? 'unknown';
  const audit = async (
    request: FastifyRequest,
    action: string,
    resourceType: string,
    resourceId: string | null,
    patientId: string | null = null,
    clinicId: string | null = soleClinic(accessOfRequest(request)),
  ) =>
    options.auditTrail.record(
      {
        clientId: who(request),
        action,
        resourceType,
        resourceId,
        patientId,
        clinicId,
        requestId: String(request.id),
      },
      at(),
    );
  const access = accessOfRequest;
  /**
   * A list filtered by another clinic, or by a patient or screening the caller does not see, is
   * refused rather than answered empty: an empty page would still tell that the id exists.
   */
  const checkListFilters = async (
    request: FastifyRequest,
    query: {
      clinicId?: string | undefined;
      patientId?: string | undefined;
      screeningId?: string | undefined;
    },
  ) => {
    const mine = access(request);
    if (query.clinicId !== undefined) checkClinic(mine, query.clinicId);
    if (query.patientId !== undefined && !(await store.getPatient(query.patientId, mine))) {
      throw notFound('patient', query.patientId);
    }
    if (query.screeningId !== undefined && !(await store.getScreening(query.screeningId, mine))) {
      throw notFound('screening', query.screeningId);
    }
  };
  /** Kiosks of the caller's clinics; kiosk credentials see their own kiosk only. */
  const canSeeKiosk = (request: FastifyRequest, clinicId: string, kioskId: string) => {
    const auth = request.auth;
    if (auth?.role === 'kiosk') return auth.clinicId === clinicId && auth.kioskId === kioskId;
    return canActFor(access(request), clinicId);
  };

  // ------------------------------------------------------------------ clients
  app.post(
    '/clients',
    {
      config: { scope: 'client.admin', secretBearing: true },
      schema: {
        tags: ['clients'],
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
        summary: 'List API clients (never their secrets)',
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

  // ------------------------------------------------------------------ patients
  app.post(
    '/patients',
    {
      config: { scope: 'patient.write' },
      schema: {
        tags: ['patients'],
        summary: 'Register a patient',
        description:
          'A NIK is registered once: a second registration answers 409 PATIENT_EXISTS with the patientId.',
        security: security('patient.write'),
        headers: IdempotencyHeader,
        body: PatientCreate,
        response: { 201: Patient, ...errorResponses(...COMMON_ERRORS, 409, 422) },
      },
    },
    async (request, reply) => {
      const { clinicId: named, ...input } = request.body;
      const clinicId = clinicFor(access(request), named);
      const patient = await store.createPatient(input, newUuidV7(), at(), clinicId);
      await audit(request, 'create', 'patient', patient.id, patient.id, clinicId);
      return reply.code(201).send(patient);
    },
  );

  app.get(
    '/patients/:id',
    {
      config: { scope: 'patient.read', patientLookup: true },
      schema: {
        tags: ['patients'],
        summary: 'Get a patient',
        security: security('patient.read'),
        params: IdParams,
        response: { 200: Patient, ...errorResponses(...COMMON_ERRORS, 404) },
      },
    },
    async (request) => {
      const patient = await store.getPatient(request.params.id, access(request));
      if (!patient) throw notFound('patient', request.params.id);
      await audit(request, 'read', 'patient', patient.id, patient.id);
      return patient;
    },
  );

  app.patch(
    '/patients/:id',
    {
      config: { scope: 'patient.write' },
      schema: {
        tags: ['patients'],
        summary: 'Change a patient',
        description:
          'Changes only the fields given: the IHS number, when the SATUSEHAT forwarder could not find it by the NIK (a screening of a patient without one is not ready for SATUSEHAT; queue it again with POST /screenings/{id}/forward after this), or a name, birth date, sex or NIK typed wrong. `null` removes a wrong NIK or IHS number. A NIK registered to another patient answers 409 PATIENT_EXISTS with that patientId.',
        security: security('patient.write'),
        params: IdParams,
        body: PatientUpdate,
        response: { 200: Patient, ...errorResponses(...COMMON_ERRORS, 404, 409) },
      },
    },
    async (request) => {
      const patient = await store.updatePatient(request.params.id, request.body, access(request));
      await audit(request, 'update', 'patient', patient.id, patient.id);
      return patient;
    },
  );

  app.post(
    '/patients/search',
    {
      config: { scope: 'patient.read', safePost: true, patientLookup: true },
      schema: {
        tags: ['patients'],
        summary: 'Find patients by NIK, or by name and birth date',
        description:
          'A POST so that a NIK or a name is never part of a URL (proxies and access logs keep URLs). By NIK: at most one patient. By name: every patient born that day whose name contains the words given, ignoring case and accents.',
        security: security('patient.read'),
        querystring: PageQuery,
        body: PatientSearch,
        response: { 200: PatientPage, ...errorResponses(...COMMON_ERRORS) },
      },
    },
    async (request) => {
      const body = request.body;
      let page: Page<Patient>;
      if ('nik' in body) {
        const patient = await store.findPatientByNik(body.nik, access(request));
        page = { data: patient ? [patient] : [], nextCursor: null };
      } else {
        page = await store.searchPatients(body.name, body.birthDate, request.query, access(request));
      }
      // A line per patient found, so that each one's access log shows the search.
      if (page.data.length === 0) await audit(request, 'search', 'patient', null);
      for (const p of page.data) await audit(request, 'search', 'patient', p.id, p.id);
      return page;
    },
  );

  // ------------------------------------------------------------------ practitioners
  app.post(
    '/practitioners',
    {
      config: { scope: 'practitioner.write' },
      schema: {
        tags: ['practitioners'],
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
        summary: 'Get a health worker',
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

  // ------------------------------------------------------------------ screenings
  app.post(
    '/screenings',
    {
      config: { scope: 'screening.write' },
      schema: {
        tags: ['screenings'],
        summary: 'Open a screening for a patient at a kiosk',
        description:
          "The kiosk puts the screening id on its readings as `sessionId`; readings with it are bound to the screening while it is open. Name the health worker doing it by `practitionerId` (from POST /practitioners) or inline by `practitioner`, not both; SATUSEHAT's Encounter names them (the server's default practitioner when neither is given). An unknown `practitionerId` answers 404 PRACTITIONER_NOT_FOUND; one of another clinic, or no longer active, 422 PRACTITIONER_NOT_USABLE.",
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
        newUuidV7(),
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
        summary: 'List screenings',
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
        summary: 'Get a screening with its observations and flags',
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

  app.post(
    '/screenings/:id/finish',
    {
      config: { scope: 'screening.write' },
      schema: {
        tags: ['screenings'],
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

  // ------------------------------------------------------------------ observations
  app.get(
    '/observations',
    {
      config: { scope: 'observation.read' },
      schema: {
        tags: ['observations'],
        summary: 'List observations by patient, screening, kind or time range',
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
        summary: 'Post a manual reading (values measured without a connected device) for an open screening',
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

  // ------------------------------------------------------------------ unassigned readings
  app.get(
    '/readings/unassigned',
    {
      config: { scope: 'reading.triage' },
      schema: {
        tags: ['readings'],
        summary: 'List readings that belong to no screening yet',
        description: 'Kiosk credentials see their own kiosk only.',
        security: security('reading.triage'),
        querystring: UnassignedListQuery.extend(PageQuery.shape),
        response: { 200: UnassignedReadingPage, ...errorResponses(...COMMON_ERRORS) },
      },
    },
    async (request) => {
      const { limit, cursor, ...query } = request.query;
      const auth = request.auth;
      if (query.clinicId !== undefined) checkClinic(access(request), query.clinicId);
      const scoped =
        auth?.role === 'kiosk' ? { clinicId: auth.clinicId ?? '', kioskId: auth.kioskId ?? '' } : query;
      return store.listUnassigned(scoped, { limit, cursor }, access(request));
    },
  );

  const triageTarget = async (request: FastifyRequest, readingId: string) => {
    const current = await store.getReadingAssignment(readingId, access(request));
    if (!current) throw notFound('reading', readingId);
    checkOwnKiosk(request.auth, current.clinicId, current.kioskId);
    return current;
  };

  app.post(
    '/readings/:id/assign',
    {
      config: { scope: 'reading.triage' },
      schema: {
        tags: ['readings'],
        summary: 'Assign an unassigned reading to an open screening',
        security: security('reading.triage'),
        headers: IdempotencyHeader,
        params: ReadingParams,
        body: ReadingAssign,
        response: { 200: UnassignedReading, ...errorResponses(...COMMON_ERRORS, 404, 409, 422) },
      },
    },
    async (request) => {
      await triageTarget(request, request.params.id);
      const screening = await store.getScreening(request.body.screeningId, access(request));
      if (!screening) throw notFound('screening', request.body.screeningId);
      const result = await store.assignReading(
        request.params.id,
        request.body.screeningId,
        who(request),
        at(),
      );
      await audit(request, 'assign', 'reading', request.params.id, screening.patientId, screening.clinicId);
      return result;
    },
  );

  app.post(
    '/readings/:id/discard',
    {
      config: { scope: 'reading.triage' },
      schema: {
        tags: ['readings'],
        summary: 'Discard an unassigned reading, saying why',
        description:
          'The reading stays in the record (with the reason and who discarded it); its observations no longer list.',
        security: security('reading.triage'),
        headers: IdempotencyHeader,
        params: ReadingParams,
        body: ReadingDiscard,
        response: { 200: UnassignedReading, ...errorResponses(...COMMON_ERRORS, 404, 409, 422) },
      },
    },
    async (request) => {
      const current = await triageTarget(request, request.params.id);
      const result = await store.discardReading(request.params.id, request.body.reason, who(request), at());
      await audit(request, 'discard', 'reading', request.params.id, null, current.clinicId);
      return result;
    },
  );

  // ------------------------------------------------------------------ referrals
  app.get(
    '/referrals',
    {
      config: { scope: 'referral.read' },
      schema: {
        tags: ['referrals'],
        summary: 'List referrals (made from refer and urgent flags)',
        security: security('referral.read'),
        querystring: ReferralListQuery.extend(PageQuery.shape),
        response: { 200: ReferralPage, ...errorResponses(...COMMON_ERRORS) },
      },
    },
    async (request) => {
      const { limit, cursor, ...query } = request.query;
      await checkListFilters(request, query);
      const page = await store.listReferrals(query, { limit, cursor }, access(request));
      if (query.patientId) await audit(request, 'list', 'referral', null, query.patientId);
      return page;
    },
  );

  app.post(
    '/referrals/:id/acknowledge',
    {
      config: { scope: 'referral.write' },
      schema: {
        tags: ['referrals'],
        summary: 'Acknowledge a referral',
        description: 'Acknowledging again changes nothing: the first acknowledgement (who and when) is kept.',
        security: security('referral.write'),
        headers: IdempotencyHeader,
        params: IdParams,
        body: ReferralAcknowledge.nullish(),
        response: { 200: Referral, ...errorResponses(...COMMON_ERRORS, 404, 422) },
      },
    },
    async (request) => {
      const referral = await store.acknowledgeReferral(
        request.params.id,
        who(request),
        request.body?.note,
        at(),
        access(request),
      );
      await audit(request, 'acknowledge', 'referral', referral.id, referral.patientId, referral.clinicId);
      return referral;
    },
  );

  // ------------------------------------------------------------------ audit log
  app.get(
    '/audit-events',
    {
      config: { scope: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary: "Read the audit log: who read or changed what, and when; by patient, a patient's access log",
        description:
          'Oldest first, in the order the lines were written. Every read and change of a patient, a screening, an observation, a referral or a FHIR Bundle is a line naming the patient (`patientId`), as is a list filtered by `patientId`; lists not filtered by patient, and the ingest of kiosk readings over MQTT, are not logged per patient. Lines written before migration 5 (SQLite) / 4 (PostgreSQL) by a search that found several patients name none. Reading the audit log is itself a line (`list audit`). Administrators only.',
        security: security('audit.read'),
        querystring: AuditEventListQuery.extend(PageQuery.shape),
        response: { 200: AuditEventPage, ...errorResponses(...COMMON_ERRORS) },
      },
    },
    async (request) => {
      const { limit, cursor, ...query } = request.query;
      // Lines are written a quarter second after their request: this answer includes them all.
      await options.auditTrail.flush();
      await checkListFilters(request, query);
      const page = await store.listAuditEvents(query, { limit, cursor }, access(request));
      await audit(request, 'list', 'audit', null, query.patientId ?? null);
      return page;
    },
  );

  // ------------------------------------------------------------------ kiosks
  const credentials = (clinicId: string, kioskId: string, secret: string, rotatedAt: string) => {
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
  };

  app.post(
    '/kiosks',
    {
      config: { scope: 'kiosk.admin', secretBearing: true },
      schema: {
        tags: ['kiosks'],
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
        summary: 'List registered kiosks with their last status',
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
        summary: 'A kiosk and its last status',
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
        summary: "Rotate a kiosk's credentials",
        description:
          'The old secret stops working for the API at once (its tokens end) and for new MQTT logins at once (the embedded broker also closes a connection made with the old one; Mosquitto, told through `--mqtt-admin-user`, keeps it until the kiosk reconnects).',
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
