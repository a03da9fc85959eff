import { OpaqueId } from '@klinik-desa/protocol';
import { z } from 'zod';

/** The screening open at this kiosk: who is being screened, and by whom. Opaque ids only, never a NIK. */
export const OpenScreening = z
  .object({
    /** The screening's id (the clinic's when opened there). Named as the Reading's field, the page and the state file name it. */
    sessionId: OpaqueId,
    patientId: OpaqueId,
    operatorId: OpaqueId.optional(),
    /**
     * The health worker doing the check, by the clinic's id (`GET /practitioners`): the clinic puts
     * them on the screening, and SATUSEHAT's Encounter names them.
     */
    practitionerId: OpaqueId.optional(),
    /** For the waist and adult-only thresholds; not an identifier. */
    sex: z.enum(['male', 'female']).optional(),
    ageYears: z.number().int().min(0).max(130).optional(),
    /** The worker's word that the patient has fasted (it wins over the meter's meal marker). */
    glucoseContext: z.enum(['fasting', 'random']).optional(),
    /** Opened as a screening on the clinic server, not only here. */
    onServer: z.boolean().optional(),
    /** Opened here while the clinic could not be reached; its open waits in the outbox. */
    openQueued: z.boolean().optional(),
    /** Readings taken before it was opened that the worker assigned to it at the clinic. */
    assigned: z.array(z.string()).optional(),
    openedAt: z.iso.datetime({ offset: true }),
  })
  .strict();
export type OpenScreening = z.infer<typeof OpenScreening>;
