import { z } from 'zod';
import { ClinicId } from '../ids.js';
import { DateTime } from '../time.js';
import { displayName } from './names.js';

/**
 * What a token may do. A client's role bounds the scopes it can be given: a kiosk's credentials can
 * never grant `kiosk.admin`, whatever it asks for.
 */
export const Scope = z.enum([
  'patient.read',
  'patient.write',
  'screening.read',
  'screening.write',
  'observation.read',
  'observation.write',
  'reading.triage',
  'referral.read',
  'referral.write',
  'practitioner.read',
  'practitioner.write',
  'kiosk.read',
  'kiosk.admin',
  'client.admin',
  'fhir.read',
  'audit.read',
  'report.read',
  'clinic.read',
  'clinic.admin',
]);
export type Scope = z.infer<typeof Scope>;

export const ClientRole = z.enum(['kiosk', 'partner', 'admin']);
export type ClientRole = z.infer<typeof ClientRole>;

/** The scopes each role may hold; a token gets all of them unless it asks for fewer. */
export const ROLE_SCOPES: Readonly<Record<ClientRole, readonly Scope[]>> = {
  kiosk: [
    'patient.read',
    'patient.write',
    'screening.read',
    'screening.write',
    'observation.read',
    'reading.triage',
    'referral.read',
    'referral.write',
    'practitioner.read',
    'kiosk.read',
  ],
  partner: [
    'patient.read',
    'patient.write',
    'screening.read',
    'screening.write',
    'observation.read',
    'observation.write',
    'referral.read',
    'referral.write',
    'practitioner.read',
    'practitioner.write',
    'fhir.read',
    // Counts only, suppressed: what a puskesmas partner brings to the cross-sector meeting.
    'report.read',
  ],
  admin: Scope.options,
};

/** `POST /oauth2/token`, form-encoded (or JSON) as in RFC 6749 §4.4, like SATUSEHAT's own. */
export const TokenRequest = z
  .object({
    grant_type: z.literal('client_credentials'),
    client_id: z.string().min(1).max(200),
    client_secret: z.string().min(1).max(500),
    /** Space-separated scopes; all of the client's when left out. */
    scope: z.string().max(1000).optional(),
  })
  .strict()
  .meta({ id: 'TokenRequest' });
export type TokenRequest = z.infer<typeof TokenRequest>;

export const TokenResponse = z
  .object({
    access_token: z.string(),
    token_type: z.literal('Bearer'),
    /** Seconds, as a number (RFC 6749); SATUSEHAT sends a string, this server does not. */
    expires_in: z.number().int().positive(),
    scope: z.string(),
  })
  .strict()
  .meta({ id: 'TokenResponse' });
export type TokenResponse = z.infer<typeof TokenResponse>;

/** RFC 6749 §5.2 error body of the token endpoint, plus the API's own `code` and `requestId`. */
export const TokenError = z
  .object({
    error: z.enum(['invalid_request', 'invalid_client', 'invalid_scope', 'unsupported_grant_type']),
    error_description: z.string(),
    code: z.string(),
    message: z.string(),
    requestId: z.string(),
  })
  .strict()
  .meta({ id: 'TokenError' });
export type TokenError = z.infer<typeof TokenError>;

/**
 * The clinics a client may read and change: a list of clinic ids, or `"*"` for every clinic (a
 * national operator). Given explicitly when the client is made; a kiosk's is its own clinic.
 */
export const ClinicGrant = z
  .union([z.literal('*'), z.array(ClinicId).min(1).max(1000), z.object({ puskesmasId: ClinicId }).strict()])
  .describe(
    'The clinics a client may act for: clinic ids, "*" for every clinic, or {"puskesmasId": …} for the clinics a puskesmas supervises (as they are at each request).',
  )
  .meta({ id: 'ClinicGrant' });
export type ClinicGrant = z.infer<typeof ClinicGrant>;

export const ApiClientCreate = z
  .object({
    name: displayName(),
    role: z.enum(['partner', 'admin']),
    /** Within the creating administrator's own clinics; only an administrator of every clinic gives `"*"`. */
    clinics: ClinicGrant,
  })
  .strict()
  .meta({ id: 'ApiClientCreate' });
export type ApiClientCreate = z.infer<typeof ApiClientCreate>;

/** A new client's credentials: the secret is shown once and only its hash is kept. */
export const ApiClientCredentials = z
  .object({
    clientId: z.string(),
    clientSecret: z.string(),
    role: ClientRole,
    name: z.string(),
    clinics: ClinicGrant,
    createdAt: DateTime,
  })
  .strict()
  .meta({ id: 'ApiClientCredentials' });
export type ApiClientCredentials = z.infer<typeof ApiClientCredentials>;

/** An API client as the record lists it; its secret never leaves the server. */
export const ApiClient = z
  .object({
    clientId: z.string(),
    role: ClientRole,
    name: z.string(),
    /** A kiosk's own client names its kiosk; partners and administrators have none. */
    clinicId: z.string().nullable(),
    kioskId: z.string().nullable(),
    /** The clinics it may act for (a kiosk: its own); empty for a client made before grants, until given some. */
    clinics: z.union([z.literal('*'), z.array(z.string()), z.object({ puskesmasId: z.string() }).strict()]),
    createdAt: DateTime,
    /** When it was revoked: from then on it gets no token and its tokens are refused. */
    revokedAt: DateTime.nullable(),
  })
  .strict()
  .meta({ id: 'ApiClient' });
export type ApiClient = z.infer<typeof ApiClient>;

export const ApiClientListQuery = z.object({ role: ClientRole.optional() }).strict();
export type ApiClientListQuery = z.infer<typeof ApiClientListQuery>;
