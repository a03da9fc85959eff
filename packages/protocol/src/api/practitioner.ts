import { z } from 'zod';
import { ClinicId } from '../ids.js';
import { DateTime } from '../time.js';
import { Page } from './common.js';
import { Nik } from './nik.js';
import { IhsNumber, PersonName, ResourceId } from './patient.js';

/**
 * `POST /practitioners`: a health worker of the clinic, so that a screening names who did it. A
 * health worker knows their NIK, rarely their SATUSEHAT IHS number (the Practitioner id): with the
 * NIK alone the clinic's SATUSEHAT forwarder finds the number the first time it is needed.
 */
export const PractitionerCreate = z
  .object({
    clinicId: ClinicId,
    name: PersonName,
    nik: Nik.optional(),
    ihsNumber: IhsNumber.optional(),
  })
  .strict()
  .refine((p) => p.nik !== undefined || p.ihsNumber !== undefined, {
    message:
      "give the health worker's NIK (the clinic then finds their IHS number in SATUSEHAT) or their IHS number",
  })
  // The same as an `anyOf` beside the properties, written inside `allOf`: openapi-typescript reads
  // an `anyOf` beside properties as "these properties, or anything", and so types the body as
  // `unknown` for a partner who generates a client from the document.
  .meta({
    id: 'PractitionerCreate',
    allOf: [{ anyOf: [{ required: ['nik'] }, { required: ['ihsNumber'] }] }],
  });
export type PractitionerCreate = z.infer<typeof PractitionerCreate>;

/**
 * `PATCH /practitioners/{id}`: the fields to change, at least one. The IHS number when SATUSEHAT
 * could not be asked for it by the NIK, a NIK or name typed wrong (`null` removes a wrong NIK or IHS
 * number, as long as one of the two is left), or `active: false` for someone who has left the clinic:
 * kept, as screenings name them, but no longer offered for new screenings.
 */
export const PractitionerUpdate = z
  .object({
    name: PersonName.optional(),
    nik: Nik.nullable().optional(),
    ihsNumber: IhsNumber.nullable().optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, { message: 'give at least one field to change' })
  .meta({ id: 'PractitionerUpdate', minProperties: 1 });
export type PractitionerUpdate = z.infer<typeof PractitionerUpdate>;

/** A health worker in the clinic's registry. */
export const PractitionerRecord = z
  .object({
    id: ResourceId,
    clinicId: ClinicId,
    name: z.string(),
    nik: Nik.nullable(),
    /** Their SATUSEHAT Practitioner id: given, or found by the NIK when first needed. */
    ihsNumber: IhsNumber.nullable(),
    /** False once they have left the clinic: new screenings cannot name them. */
    active: z.boolean(),
    createdAt: DateTime,
    updatedAt: DateTime,
  })
  .strict()
  .meta({ id: 'PractitionerRecord' });
export type PractitionerRecord = z.infer<typeof PractitionerRecord>;

export const PractitionerPage = Page(PractitionerRecord, 'Practitioner');
export type PractitionerPage = z.infer<typeof PractitionerPage>;

export const PractitionerListQuery = z
  .object({
    clinicId: ClinicId.optional(),
    // A query string carries text: `z.coerce.boolean()` would read "false" as true.
    active: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional()
      .describe('`true`: only those who may be named on new screenings; `false`: only those who left'),
  })
  .strict();
export type PractitionerListQuery = z.infer<typeof PractitionerListQuery>;
