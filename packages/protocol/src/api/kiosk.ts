import { z } from 'zod';
import { ClinicId, KioskId } from '../ids.js';
import { KioskStatus } from '../status.js';
import { DateTime } from '../time.js';
import { displayName } from './names.js';

export const KioskCreate = z
  .object({ clinicId: ClinicId, kioskId: KioskId, name: displayName({ min: 0 }).optional() })
  .strict()
  .meta({ id: 'KioskCreate' });
export type KioskCreate = z.infer<typeof KioskCreate>;

export const Kiosk = z
  .object({
    clinicId: ClinicId,
    kioskId: KioskId,
    name: z.string().nullable(),
    registeredAt: DateTime,
    credentialsRotatedAt: DateTime,
    /** The kiosk's last retained status message, as the server last saw it. */
    status: KioskStatus.nullable(),
    lastReadingAt: DateTime.nullable(),
  })
  .strict()
  .meta({ id: 'Kiosk' });
export type Kiosk = z.infer<typeof Kiosk>;

/**
 * A kiosk's credentials, shown once at registration and at each rotation: the same secret is its
 * MQTT password (user `mqttUsername`) and its API client secret. Only a hash is kept.
 */
export const KioskCredentials = z
  .object({
    clinicId: ClinicId,
    kioskId: KioskId,
    clientId: z.string(),
    clientSecret: z.string(),
    mqttUsername: z.string(),
    mqttPassword: z.string(),
    rotatedAt: DateTime,
  })
  .strict()
  .meta({ id: 'KioskCredentials' });
export type KioskCredentials = z.infer<typeof KioskCredentials>;

export const KioskListQuery = z.object({ clinicId: ClinicId.optional() }).strict();
