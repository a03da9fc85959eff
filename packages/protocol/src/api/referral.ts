import { z } from 'zod';
import { ClinicId, KioskId, OpaqueId, ReadingId } from '../ids.js';
import { Flag } from '../reading.js';
import { DateTime } from '../time.js';
import { ResourceId } from './patient.js';

export const ReferralStatus = z.enum(['open', 'acknowledged']);
export type ReferralStatus = z.infer<typeof ReferralStatus>;

/** Made by the server for every `refer` or `urgent` flag of a stored measured (not computed) reading, once. */
export const Referral = z
  .object({
    id: ResourceId,
    readingId: ReadingId,
    screeningId: OpaqueId.nullable(),
    patientId: OpaqueId.nullable(),
    clinicId: ClinicId,
    kioskId: KioskId,
    severity: z.enum(['refer', 'urgent']),
    flag: Flag,
    status: ReferralStatus,
    createdAt: DateTime,
    acknowledgedAt: DateTime.nullable(),
    acknowledgedBy: z.string().nullable(),
    note: z.string().nullable(),
  })
  .strict()
  .meta({ id: 'Referral' });
export type Referral = z.infer<typeof Referral>;

export const ReferralListQuery = z
  .object({
    status: ReferralStatus.optional(),
    severity: z.enum(['refer', 'urgent']).optional(),
    clinicId: ClinicId.optional(),
    patientId: OpaqueId.optional(),
    screeningId: OpaqueId.optional(),
    from: DateTime.optional().describe('createdAt at or after'),
    to: DateTime.optional().describe('createdAt before'),
  })
  .strict();
export type ReferralListQuery = z.infer<typeof ReferralListQuery>;

export const ReferralAcknowledge = z
  .object({ note: z.string().max(1000).optional() })
  .strict()
  .meta({ id: 'ReferralAcknowledge' });
export type ReferralAcknowledge = z.infer<typeof ReferralAcknowledge>;
