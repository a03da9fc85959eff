import { z } from 'zod';
import { ClinicId, DeviceId, KioskId, ReadingId } from './ids.js';
import { DateTime } from './time.js';

export const KioskEventType = z.enum([
  'started',
  'stopping',
  'device-attached',
  'device-lost',
  'decode-errors',
  'outbox-nearly-full',
  'outbox-pruned',
  /** A file of the kiosk (the outbox, the open screening's state) could not be read: set aside, named in `message`. */
  'file-damaged',
  'disk-low',
  'disk-full',
  'disk-recovered',
  'readings-dropped',
  /**
   * A vendor driver was refused at start, or misbehaved while decoding (threw, ran past its time
   * or memory budget): `code` says which (DRIVER_REFUSED, DRIVER_TIMEOUT...), `count` how often
   * since the last such event, `message` names the driver.
   */
  'driver-failed',
]);
export type KioskEventType = z.infer<typeof KioskEventType>;

/** Something the operator should know about a kiosk; never carries patient data. */
export const KioskEvent = z
  .object({
    id: ReadingId.describe('UUIDv7 of the event'),
    clinicId: ClinicId,
    kioskId: KioskId,
    at: DateTime,
    type: KioskEventType,
    deviceId: DeviceId.optional(),
    /** Error code for `decode-errors` (`BAD_CHECKSUM`, `TRUNCATED`...). */
    code: z.string().optional(),
    /** How many times since the last event of this type (decode errors are counted, not sent one by one). */
    count: z.number().int().nonnegative().optional(),
    message: z.string().max(1000).optional(),
  })
  .strict();
export type KioskEvent = z.infer<typeof KioskEvent>;
