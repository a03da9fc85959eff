import {
  Clinic,
  ClinicCreate,
  ClinicId,
  ClinicListQuery,
  ClinicUpdate,
  Page,
  PageQuery,
  Puskesmas,
  PuskesmasCreate,
  PuskesmasUpdate,
} from '@klinik-desa/protocol';
import { z } from 'zod';
import { type ClinicAccess, checkClinic } from '../../domain/access.js';
import { ClinicError, notFound } from '../../errors.js';
import type { ClinicRegistryStore } from '../../store/store.js';
import type { ApiApp } from '../fastify.js';
import { COMMON_ERRORS, errorResponses, IdempotencyHeader, type RouteContext, security } from './shared.js';

const ClinicPage = Page(Clinic, 'Clinic');
const PuskesmasPage = Page(Puskesmas, 'Puskesmas');
const ClinicParams = z.object({ id: ClinicId }).strict();

/**
 * A puskesmas is changed only by an administrator of every clinic or of that puskesmas: its list of
 * clinics decides what everyone scoped to it reaches, so an administrator of a few clinics cannot
 * widen it.
 */
function checkPuskesmas(access: ClinicAccess, id: string): void {
  if (!access.all && access.puskesmasId !== id) {
    throw new ClinicError(
      'FORBIDDEN',
      `these credentials may not change puskesmas ${id}: ask an administrator of every clinic, or of that puskesmas`,
      { puskesmasId: id },
    );
  }
}

function everyClinicOnly(access: ClinicAccess, what: string): void {
  if (!access.all) {
    throw new ClinicError('FORBIDDEN', `only an administrator of every clinic may ${what}`);
  }
}

/** Clinics as records: create, list, get, update. */
export function registerClinicRoutes(
  app: ApiApp,
  ctx: RouteContext,
  options: { store: ClinicRegistryStore },
): void {
  const { store } = options;
  const { at, audit, access } = ctx;
  const tags = ['clinics'];

  app.post(
    '/clinics',
    {
      config: { scope: 'clinic.admin' },
      schema: {
        tags,
        operationId: 'clinicsCreate',
        summary: 'Register a clinic: its name, village, SATUSEHAT organization and location',
        description:
          "The id is the clinic id kiosks and readings already use. A clinic without its own SATUSEHAT organization or location is sent under the server's configured ones. Only for a clinic the caller acts for.",
        security: security('clinic.admin'),
        headers: IdempotencyHeader,
        body: ClinicCreate,
        response: { 201: Clinic, ...errorResponses(...COMMON_ERRORS, 409, 422) },
      },
    },
    async (request, reply) => {
      const mine = access(request);
      checkClinic(mine, request.body.id);
      if (request.body.puskesmasId) checkPuskesmas(mine, request.body.puskesmasId);
      const clinic = await store.createClinic(request.body, at());
      await audit(request, 'create', 'clinic', clinic.id, null, clinic.id);
      return reply.code(201).send(clinic);
    },
  );

  app.get(
    '/clinics',
    {
      config: { scope: 'clinic.read' },
      schema: {
        tags,
        operationId: 'clinicsList',
        summary: 'List the clinics the caller acts for',
        description: 'In id order; filter by the puskesmas that supervises them.',
        security: security('clinic.read'),
        querystring: ClinicListQuery.extend(PageQuery.shape),
        response: { 200: ClinicPage, ...errorResponses(...COMMON_ERRORS) },
      },
    },
    async (request) => {
      const { limit, cursor, ...query } = request.query;
      return store.listClinics(query, { limit, cursor }, access(request));
    },
  );

  app.get(
    '/clinics/:id',
    {
      config: { scope: 'clinic.read' },
      schema: {
        tags,
        operationId: 'clinicsRetrieve',
        summary: 'Get a clinic',
        description: 'A clinic the caller acts for; any other answers 404, as one that does not exist.',
        security: security('clinic.read'),
        params: ClinicParams,
        response: { 200: Clinic, ...errorResponses(...COMMON_ERRORS, 404) },
      },
    },
    async (request) => {
      const clinic = await store.getClinic(request.params.id, access(request));
      if (!clinic) throw notFound('clinic', request.params.id);
      return clinic;
    },
  );

  app.patch(
    '/clinics/:id',
    {
      config: { scope: 'clinic.admin' },
      schema: {
        tags,
        operationId: 'clinicsUpdate',
        summary: 'Change a clinic: fields left out keep their value, null clears one',
        description:
          'Moving a clinic to a puskesmas (puskesmasId) needs an administrator of every clinic or of that puskesmas.',
        security: security('clinic.admin'),
        params: ClinicParams,
        body: ClinicUpdate,
        response: { 200: Clinic, ...errorResponses(...COMMON_ERRORS, 404, 422) },
      },
    },
    async (request) => {
      const mine = access(request);
      const { id } = request.params;
      const current = await store.getClinic(id, mine);
      if (!current) throw notFound('clinic', id);
      const { puskesmasId } = request.body;
      if (puskesmasId !== undefined && puskesmasId !== current.puskesmasId) {
        if (puskesmasId !== null) checkPuskesmas(mine, puskesmasId);
        if (current.puskesmasId !== null) checkPuskesmas(mine, current.puskesmasId);
      }
      const clinic = await store.updateClinic(id, request.body, at());
      await audit(request, 'update', 'clinic', id, null, id);
      return clinic;
    },
  );
}

/** The puskesmas: create (every-clinic administrators), list, get, rename or give its clinics. */
export function registerPuskesmasRoutes(
  app: ApiApp,
  ctx: RouteContext,
  options: { store: ClinicRegistryStore },
): void {
  const { store } = options;
  const { at, audit, access } = ctx;
  const tags = ['clinics'];

  app.post(
    '/puskesmas',
    {
      config: { scope: 'clinic.admin' },
      schema: {
        tags,
        operationId: 'puskesmasCreate',
        summary: 'Register a puskesmas and the clinics it supervises',
        description:
          'Only an administrator of every clinic. Each clinic must be registered (POST /clinics); one supervised by another puskesmas moves here.',
        security: security('clinic.admin'),
        headers: IdempotencyHeader,
        body: PuskesmasCreate,
        response: { 201: Puskesmas, ...errorResponses(...COMMON_ERRORS, 409, 422) },
      },
    },
    async (request, reply) => {
      everyClinicOnly(access(request), 'register a puskesmas');
      const puskesmas = await store.createPuskesmas(request.body, at());
      await audit(request, 'create', 'puskesmas', puskesmas.id, null, null);
      return reply.code(201).send(puskesmas);
    },
  );

  app.get(
    '/puskesmas',
    {
      config: { scope: 'clinic.read' },
      schema: {
        tags,
        operationId: 'puskesmasList',
        summary: 'List the puskesmas the caller reaches',
        description:
          'Its own puskesmas, or those supervising one of its clinics (every one for an administrator of every clinic), in id order.',
        security: security('clinic.read'),
        querystring: PageQuery,
        response: { 200: PuskesmasPage, ...errorResponses(...COMMON_ERRORS) },
      },
    },
    async (request) => store.listPuskesmas(request.query, access(request)),
  );

  app.get(
    '/puskesmas/:id',
    {
      config: { scope: 'clinic.read' },
      schema: {
        tags,
        operationId: 'puskesmasRetrieve',
        summary: 'Get a puskesmas and its clinics',
        description: 'A puskesmas the caller reaches; any other answers 404, as one that does not exist.',
        security: security('clinic.read'),
        params: ClinicParams,
        response: { 200: Puskesmas, ...errorResponses(...COMMON_ERRORS, 404) },
      },
    },
    async (request) => {
      const puskesmas = await store.getPuskesmas(request.params.id, access(request));
      if (!puskesmas) throw notFound('puskesmas', request.params.id);
      return puskesmas;
    },
  );

  app.patch(
    '/puskesmas/:id',
    {
      config: { scope: 'clinic.admin' },
      schema: {
        tags,
        operationId: 'puskesmasUpdate',
        summary: 'Rename a puskesmas, or give the whole list of clinics it supervises',
        description:
          'The clinic list only by an administrator of every clinic; the name also by one of that puskesmas. Everyone scoped to the puskesmas reaches the new list of clinics from their next request.',
        security: security('clinic.admin'),
        params: ClinicParams,
        body: PuskesmasUpdate,
        response: { 200: Puskesmas, ...errorResponses(...COMMON_ERRORS, 404, 422) },
      },
    },
    async (request) => {
      const mine = access(request);
      const { id } = request.params;
      if (!(await store.getPuskesmas(id, mine))) throw notFound('puskesmas', id);
      // Its own administrators may rename it but not widen it: the list is the every-clinic administrator's.
      if (request.body.clinicIds !== undefined)
        everyClinicOnly(mine, `change the clinics of puskesmas ${id}`);
      checkPuskesmas(mine, id);
      const puskesmas = await store.updatePuskesmas(id, request.body, at());
      await audit(request, 'update', 'puskesmas', id, null, null);
      return puskesmas;
    },
  );
}
