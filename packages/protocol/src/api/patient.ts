import { z } from 'zod';
import { ClinicId } from '../ids.js';
import { DateTime } from '../time.js';
import { displayName, SEARCH_NAME_MIN_LETTERS, searchableLetters } from './names.js';
import { Nik } from './nik.js';

export const ResourceId = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    'must be a lowercase UUIDv7',
  )
  .describe('A time-ordered UUIDv7 given by the clinic server.');
export type ResourceId = z.infer<typeof ResourceId>;

export const BirthDate = z.iso.date().describe('YYYY-MM-DD');

export const Sex = z.enum(['male', 'female']);
export type Sex = z.infer<typeof Sex>;

/** SATUSEHAT's patient id (IHS number), e.g. P02478375538, once the clinic has looked it up. */
export const IhsNumber = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);

/** A person's name as written on their KTP: trimmed, NFC, 1-200 characters, no hidden characters. */
export const PersonName = displayName();

/**
 * The name part of a search: at least three letters or digits, so that a search of `%`, `_` or a
 * single letter cannot list everyone born on a day. Wildcard characters are plain characters.
 */
export const SearchName = PersonName.refine((name) => searchableLetters(name) >= SEARCH_NAME_MIN_LETTERS, {
  message: `give at least ${SEARCH_NAME_MIN_LETTERS} letters or digits of the name (a-z, accents allowed)`,
});

export const PatientCreate = z
  .object({
    nik: Nik.optional(),
    name: PersonName,
    birthDate: BirthDate,
    sex: Sex,
    ihsNumber: IhsNumber.optional(),
    /**
     * The clinic registering them, from which on it sees them. Needed only from a client of several
     * clinics; a kiosk's is its own.
     */
    clinicId: ClinicId.optional(),
  })
  .strict()
  .meta({ id: 'PatientCreate' });
export type PatientCreate = z.infer<typeof PatientCreate>;

/**
 * `PATCH /patients/{id}`: the fields to change, at least one. Most often the IHS number, once the
 * clinic has it (SATUSEHAT refers to a patient only by it), or a name or birth date typed wrong.
 * `null` removes a NIK or an IHS number that was wrong.
 */
export const PatientUpdate = z
  .object({
    nik: Nik.nullable().optional(),
    name: PersonName.optional(),
    birthDate: BirthDate.optional(),
    sex: Sex.optional(),
    ihsNumber: IhsNumber.nullable().optional(),
  })
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, { message: 'give at least one field to change' })
  .meta({ id: 'PatientUpdate', minProperties: 1 });
export type PatientUpdate = z.infer<typeof PatientUpdate>;

export const Patient = z
  .object({
    id: ResourceId,
    nik: Nik.nullable(),
    name: z.string(),
    birthDate: BirthDate,
    sex: Sex,
    ihsNumber: IhsNumber.nullable(),
    createdAt: DateTime,
  })
  .strict()
  .meta({ id: 'Patient' });
export type Patient = z.infer<typeof Patient>;

/**
 * `POST /patients/search`: by NIK, or by name and birth date. A POST so that a NIK or a name never
 * sits in a URL, where proxies and access logs would keep it.
 */
export const PatientSearch = z
  .union([z.object({ nik: Nik }).strict(), z.object({ name: SearchName, birthDate: BirthDate }).strict()])
  .meta({ id: 'PatientSearch' });
export type PatientSearch = z.infer<typeof PatientSearch>;
