import fastifySwagger from '@fastify/swagger';
import type { Scope } from '@klinik-desa/protocol';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { ApiApp } from './fastify.js';

export const API_VERSION = '1.0.0';

/** Every scope a token can carry, described; a `Record` so that a new scope must be described here. */
const SCOPES: Record<Scope, string> = {
  'patient.read': 'look up and read patients',
  'patient.write': 'register patients',
  'screening.read': 'read screenings',
  'screening.write': 'open, finish and resend screenings',
  'observation.read': 'list observations',
  'observation.write': 'post manual readings',
  'reading.triage': 'assign or discard unassigned readings',
  'referral.read': 'list referrals',
  'referral.write': 'acknowledge referrals',
  'practitioner.read': "list the clinic's health workers",
  'practitioner.write': 'register and change health workers',
  'kiosk.read': 'read kiosks and their status',
  'kiosk.admin': 'register kiosks and rotate their credentials',
  'client.admin': 'create API clients',
  'fhir.read': 'read the SATUSEHAT Bundle of a screening',
  'audit.read': "read the audit log and a patient's access log",
  'report.read': 'read the quarterly report: counts per clinic and village, small counts suppressed',
  'clinic.read': 'read clinics and the puskesmas that supervise them',
  'clinic.admin': 'register and change clinics and the puskesmas',
};

/** The tags the routes use, in the order a reader meets them; a route with another tag fails the lint test. */
const TAGS = [
  {
    name: 'auth',
    description:
      'Access tokens for the OAuth2 client credentials of kiosks, partner apps and administrators.',
  },
  {
    name: 'clients',
    description: 'API clients (partner apps, administrators, kiosks): create, list, revoke.',
  },
  {
    name: 'patients',
    description: 'Patients of the clinic, registered once by NIK: register, read, change, search.',
  },
  {
    name: 'practitioners',
    description: "The clinic's health workers, as SATUSEHAT knows them, named when a screening is opened.",
  },
  {
    name: 'screenings',
    description:
      'A visit of a patient to a kiosk: open, read, finish, send to SATUSEHAT, and its FHIR Bundle.',
  },
  {
    name: 'observations',
    description: 'Measurements of a screening, from the kiosk devices or typed in by hand.',
  },
  {
    name: 'readings',
    description: 'Readings the kiosks sent while no screening was open (triage): list, assign, discard.',
  },
  {
    name: 'referrals',
    description: 'Referrals made from refer and urgent flags, for the clinic to follow up.',
  },
  { name: 'audit', description: 'The audit log: who read or changed which record, and when.' },
  {
    name: 'reports',
    description: "Counts for the puskesmas's quarterly cross-sector meeting, small counts suppressed.",
  },
  {
    name: 'kiosks',
    description: 'Screening kiosks: register, read their last status, rotate their credentials.',
  },
  {
    name: 'clinics',
    description:
      'Clinics as records (name, village, SATUSEHAT organization and location) and the puskesmas that supervise them.',
  },
  {
    name: 'accounts',
    description:
      "People's accounts: made by an administrator; a person signs in for a session (a cookie, or a Bearer token) that every route accepts.",
  },
];

/** The OpenAPI document's frame: title, servers, tags and the OAuth2 scopes; routes add the rest. */
export async function registerSwagger(app: ApiApp): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'klinik-desa clinic API',
        version: API_VERSION,
        description:
          'The clinic record of a village cooperative clinic: patients, screenings, observations from the kiosks, unassigned readings, referrals, health workers, kiosks, and the SATUSEHAT-ready FHIR Bundle of a screening. Every error has the ApiError shape; every POST accepts an Idempotency-Key header; every list is cursor-paginated.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      servers: [
        {
          url: 'http://{host}:{port}',
          description:
            "A clinic server on the clinic's own network (`klinik-desa-clinic-server start`); each clinic runs its own.",
          variables: {
            host: { default: 'localhost', description: 'The host name or address of the clinic server.' },
            port: {
              default: '8080',
              description: 'The port of the clinic API (`--port`; 8080 unless changed).',
            },
          },
        },
      ],
      tags: TAGS,
      components: {
        securitySchemes: {
          oauth2: {
            type: 'oauth2',
            description:
              'OAuth2 client credentials. Kiosks, partner apps and administrators are clients with different roles; a token carries the scopes of its role (or fewer, when asked).',
            flows: {
              clientCredentials: {
                tokenUrl: '/oauth2/token',
                scopes: SCOPES,
              },
            },
          },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
}
