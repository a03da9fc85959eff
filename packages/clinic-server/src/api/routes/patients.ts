import {
  newUuidV7,
  type Page,
  PageQuery,
  Patient,
  PatientCreate,
  PatientSearch,
  PatientUpdate,
} from '@klinik-desa/protocol';
import { clinicFor } from '../../domain/access.js';
import { notFound } from '../../errors.js';
import type { PatientStore } from '../../store/store.js';
import type { ApiApp } from '../fastify.js';
import {
  COMMON_ERRORS,
  errorResponses,
  IdempotencyHeader,
  IdParams,
  PatientPage,
  type RouteContext,
  security,
} from './shared.js';

/** Patients: register, read, change, search. */
export function registerPatientRoutes(
  app: ApiApp,
  ctx: RouteContext,
  options: { store: PatientStore },
): void {
  const { store } = options;
  const { at, audit, access } = ctx;

  app.post(
    '/patients',
    {
      config: { scope: 'patient.write' },
      schema: {
        tags: ['patients'],
        operationId: 'patientsCreate',
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
        operationId: 'patientsRetrieve',
        summary: 'Get a patient',
        description:
          "A patient of one of the caller's clinics (404 for any other). Each read is written to the audit log, in the patient's access log.",
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
        operationId: 'patientsUpdate',
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
        operationId: 'patientsSearch',
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
}
