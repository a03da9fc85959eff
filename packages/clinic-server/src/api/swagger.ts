import fastifySwagger from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { ApiApp } from './fastify.js';

export const API_VERSION = '1.0.0';

/** The OpenAPI document's frame: title, description and the OAuth2 scopes; routes add the rest. */
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
      components: {
        securitySchemes: {
          oauth2: {
            type: 'oauth2',
            description:
              'OAuth2 client credentials. Kiosks, partner apps and administrators are clients with different roles; a token carries the scopes of its role (or fewer, when asked).',
            flows: {
              clientCredentials: {
                tokenUrl: '/oauth2/token',
                scopes: {
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
                },
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
