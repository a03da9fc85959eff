import { z } from 'zod';
import { ClinicId } from '../ids.js';
import { DateTime } from '../time.js';
import { displayName } from './names.js';

/** A puskesmas id: the same characters as a clinic id (it may appear in MQTT topics and URLs). */
export const PuskesmasId = ClinicId.describe('The puskesmas id, as registered with the clinic server.');
export type PuskesmasId = z.infer<typeof PuskesmasId>;

/** A SATUSEHAT id (Organization, Location): what SATUSEHAT gave, letters, digits and '-'. */
const SatusehatId = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,64}$/, 'use the id SATUSEHAT gave: 1-64 letters, digits or "-"');

export const SatusehatLocation = z
  .object({ id: SatusehatId, display: displayName() })
  .strict()
  .meta({ id: 'SatusehatLocation' });
export type SatusehatLocation = z.infer<typeof SatusehatLocation>;

const clinicFields = {
  name: displayName(),
  village: displayName({ min: 0 }).nullable().optional(),
  /** SATUSEHAT Organization id of this clinic; the server's configured one is used when absent. */
  organizationId: SatusehatId.nullable().optional(),
  /** SATUSEHAT Location of this clinic; the server's configured one is used when absent. */
  location: SatusehatLocation.nullable().optional(),
  /** The puskesmas that supervises it. */
  puskesmasId: PuskesmasId.nullable().optional(),
};

export const ClinicCreate = z
  .object({ id: ClinicId, ...clinicFields })
  .strict()
  .meta({ id: 'ClinicCreate' });
export type ClinicCreate = z.infer<typeof ClinicCreate>;

/** The fields to change; a field left out keeps its value, `null` clears it. */
export const ClinicUpdate = z
  .object({ ...clinicFields, name: displayName().optional() })
  .strict()
  .meta({ id: 'ClinicUpdate' });
export type ClinicUpdate = z.infer<typeof ClinicUpdate>;

export const Clinic = z
  .object({
    id: ClinicId,
    name: z.string(),
    village: z.string().nullable(),
    organizationId: z.string().nullable(),
    location: SatusehatLocation.nullable(),
    puskesmasId: z.string().nullable(),
    createdAt: DateTime,
    updatedAt: DateTime,
  })
  .strict()
  .meta({ id: 'Clinic' });
export type Clinic = z.infer<typeof Clinic>;

export const ClinicListQuery = z.object({ puskesmasId: PuskesmasId.optional() }).strict();
export type ClinicListQuery = z.infer<typeof ClinicListQuery>;

export const PuskesmasCreate = z
  .object({
    id: PuskesmasId,
    name: displayName(),
    /** Clinics (already registered) it supervises; a clinic supervised by another moves here. */
    clinicIds: z.array(ClinicId).max(1000).default([]),
  })
  .strict()
  .meta({ id: 'PuskesmasCreate' });
export type PuskesmasCreate = z.input<typeof PuskesmasCreate>;

/** A new name, or the whole list of its clinics (clinics left out are no longer supervised by it). */
export const PuskesmasUpdate = z
  .object({ name: displayName().optional(), clinicIds: z.array(ClinicId).max(1000).optional() })
  .strict()
  .meta({ id: 'PuskesmasUpdate' });
export type PuskesmasUpdate = z.infer<typeof PuskesmasUpdate>;

export const Puskesmas = z
  .object({
    id: PuskesmasId,
    name: z.string(),
    clinicIds: z.array(z.string()),
    createdAt: DateTime,
    updatedAt: DateTime,
  })
  .strict()
  .meta({ id: 'Puskesmas' });
export type Puskesmas = z.infer<typeof Puskesmas>;
