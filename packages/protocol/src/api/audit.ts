import { z } from 'zod';
import { OpaqueId } from '../ids.js';
import { DateTime } from '../time.js';

/**
 * One line of the audit log: which client read or changed what, and when. What a patient may ask
 * under UU 27/2022 ("who has looked at my record?") is answered by listing by `patientId`.
 */
export const AuditEvent = z
  .object({
    id: z.string(),
    /** When the request was answered. */
    at: DateTime,
    /** The API client that asked; `system.*` for what the server did on its own (the SATUSEHAT forwarder). */
    clientId: z.string(),
    action: z
      .string()
      .describe(
        'create, read, update, search, list, finish, forward, assign, discard, acknowledge, revoke, rotate',
      ),
    resourceType: z
      .string()
      .describe(
        'patient, screening, observation, reading, referral, fhir-bundle, practitioner, client, kiosk, audit',
      ),
    resourceId: z.string().nullable(),
    /** The patient whose record it touched, when it touched one. */
    patientId: OpaqueId.nullable(),
    /** The request's id (the `x-request-id` answer header), null for the server's own changes. */
    requestId: z.string().nullable(),
  })
  .strict()
  .meta({ id: 'AuditEvent' });
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditEventListQuery = z
  .object({
    patientId: OpaqueId.optional(),
    clientId: z.string().min(1).max(200).optional(),
    resourceType: z.string().min(1).max(50).optional(),
    resourceId: z.string().min(1).max(200).optional(),
    action: z.string().min(1).max(50).optional(),
    from: DateTime.optional().describe('at or after'),
    to: DateTime.optional().describe('before'),
  })
  .strict();
export type AuditEventListQuery = z.infer<typeof AuditEventListQuery>;
