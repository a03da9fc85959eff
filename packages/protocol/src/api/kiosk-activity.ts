import { z } from 'zod';
import { KioskEvent, KioskEventType } from '../event.js';
import { ClinicId, KioskId } from '../ids.js';
import { KioskStatus } from '../status.js';
import { DateTime } from '../time.js';

/** A kiosk event as the clinic keeps it: what the kiosk sent, and when the clinic received it. */
export const KioskEventRecord = KioskEvent.extend({
  receivedAt: DateTime.describe('When the clinic server received the event (its own clock)'),
})
  .strict()
  .meta({ id: 'KioskEventRecord' });
export type KioskEventRecord = z.infer<typeof KioskEventRecord>;

export const KioskEventListQuery = z
  .object({
    type: KioskEventType.optional(),
    since: DateTime.optional().describe("at (the kiosk's own time of the event) at or after"),
  })
  .strict();
export type KioskEventListQuery = z.infer<typeof KioskEventListQuery>;

/**
 * Whether a kiosk is connected, as far as the clinic knows: `online` from the kiosk's retained
 * status, `offline` from its goodbye or from the last will the broker publishes when its connection
 * dies, `unknown` while the clinic has heard nothing from it.
 */
export const KioskPresence = z
  .object({
    clinicId: ClinicId,
    kioskId: KioskId,
    state: z.enum(['online', 'offline', 'unknown']),
    /** When the clinic saw the state change to this one (its own clock). */
    since: DateTime.nullable(),
    /** When the clinic last received a new online status or an event from the kiosk (its own clock). */
    lastSeenAt: DateTime.nullable(),
    /** The last status message kept: devices and their states, the outbox. */
    status: KioskStatus.nullable(),
  })
  .strict()
  .meta({ id: 'KioskPresence' });
export type KioskPresence = z.infer<typeof KioskPresence>;
