import { z } from 'zod';
import { ClinicId, DeviceId, KioskId } from '../ids.js';
import { DeviceState } from '../status.js';
import { DateTime } from '../time.js';
import { Cursor } from './common.js';

/** A text a worker reads, in Bahasa Indonesia first and in English. */
export const BilingualText = z.object({ id: z.string(), en: z.string() }).strict();
export type BilingualText = z.infer<typeof BilingualText>;

export const FleetAlertCode = z.enum([
  'KIOSK_SILENT',
  'KIOSK_NEVER_HEARD',
  'OUTBOX_BACKLOG_OLD',
  'OUTBOX_NEARLY_FULL',
  'CLOCK_SKEW',
  'DEVICE_FAILED',
  'DEVICE_ERRORS',
  'DISK_FULL',
  'SATUSEHAT_FAILURES',
  'REFERRALS_WAITING',
]);
export type FleetAlertCode = z.infer<typeof FleetAlertCode>;

/** Something in the fleet a person should act on, and what to do about it. */
export const FleetAlert = z
  .object({
    code: FleetAlertCode,
    /** `critical`: screenings are being lost or delayed now; `warning`: act today. */
    severity: z.enum(['critical', 'warning']),
    clinicId: ClinicId,
    /** The kiosk it is about; null for an alert about the clinic (SATUSEHAT, referrals). */
    kioskId: KioskId.nullable(),
    deviceId: DeviceId.nullable(),
    /** What is wrong, with the figure that tripped it. */
    message: BilingualText,
    /** What to do about it. */
    action: BilingualText,
  })
  .strict()
  .meta({ id: 'FleetAlert' });
export type FleetAlert = z.infer<typeof FleetAlert>;

export const FleetDevice = z
  .object({
    id: DeviceId,
    protocol: z.string(),
    state: DeviceState,
    /** Decode and transport errors since the agent started, as its status counts them. */
    errors: z.number().int().nonnegative(),
  })
  .strict();

export const FleetKiosk = z
  .object({
    kioskId: KioskId,
    name: z.string().nullable(),
    state: z.enum(['online', 'offline', 'unknown']),
    /** When the clinic last received a status or an event from the kiosk (the server's clock). */
    lastSeenAt: DateTime.nullable(),
    /** Readings kept in the kiosk's outbox and not yet confirmed by the clinic; null before its first status. */
    outboxBacklog: z.number().int().nonnegative().nullable(),
    outboxNearlyFull: z.boolean(),
    /** The oldest reading the clinic has not confirmed yet (the kiosk's clock). */
    oldestUnconfirmedAt: DateTime.nullable(),
    oldestUnconfirmedAgeSeconds: z.number().nullable(),
    /** The kiosk's clock minus the server's, from its last online status; positive when the kiosk runs ahead. */
    clockSkewSeconds: z.number().nullable(),
    devices: z.array(FleetDevice),
    /** From the kiosk's events received in the last 24 hours. */
    last24h: z
      .object({
        decodeErrors: z.number().int().nonnegative(),
        driverFailures: z.number().int().nonnegative(),
        devicesLost: z.number().int().nonnegative(),
      })
      .strict(),
  })
  .strict();
export type FleetKiosk = z.infer<typeof FleetKiosk>;

/** How many alerts of one code and severity a clinic has. */
export const FleetAlertCount = z
  .object({
    code: FleetAlertCode,
    severity: z.enum(['critical', 'warning']),
    count: z.number().int().positive(),
  })
  .strict();
export type FleetAlertCount = z.infer<typeof FleetAlertCount>;

export const FleetClinic = z
  .object({
    clinicId: ClinicId,
    /** Its kiosks in id order; empty in a summary (`summary=true`), which counts them only. */
    kiosks: z.array(FleetKiosk),
    /** Registered kiosks of the clinic, also in a summary. */
    kioskCount: z.number().int().nonnegative(),
    kiosksOnline: z.number().int().nonnegative(),
    kiosksOffline: z.number().int().nonnegative(),
    /** Readings in all its kiosks' outboxes not yet confirmed, as they last reported. */
    outboxBacklog: z.number().int().nonnegative(),
    /** The oldest unconfirmed reading in any of its kiosks' outboxes, in seconds; null when none waits. */
    oldestUnconfirmedAgeSeconds: z.number().nullable(),
    /** Its alerts (the clinic's and its kiosks') counted by code and severity, also in a summary. */
    alertCounts: z.array(FleetAlertCount),
    /** Screenings SATUSEHAT did not take and that are no longer retried, counted by reason. */
    satusehatFailures: z.array(z.object({ reason: z.string(), count: z.number().int().positive() }).strict()),
    /** Referrals no health worker has acknowledged yet. */
    openReferrals: z
      .object({ count: z.number().int().nonnegative(), oldestAt: DateTime.nullable() })
      .strict(),
    /**
     * The clinic's alerts and its kiosks', critical first. A summary carries the clinic's own
     * (SATUSEHAT, referrals) only; `alertCounts` counts all of them.
     */
    alerts: z.array(FleetAlert),
  })
  .strict();
export type FleetClinic = z.infer<typeof FleetClinic>;

export const FleetOverview = z
  .object({
    /** When the server computed this view (its clock): ages and silences are counted to it. */
    at: DateTime,
    /** The caller's clinics of this page, in id order. */
    clinics: z.array(FleetClinic),
    /** Pass it back as `cursor` for the next page of clinics; null on the last. */
    nextCursor: Cursor.nullable(),
  })
  .strict()
  .meta({ id: 'FleetOverview' });
export type FleetOverview = z.infer<typeof FleetOverview>;

export const FleetQuery = z
  .object({
    clinicId: ClinicId.optional().describe("Only this clinic (one of the caller's)"),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(100)
      .default(10)
      .describe('Clinics per page (1-100, default 10); follow `nextCursor` for the rest'),
    cursor: Cursor.optional().describe('`nextCursor` of the page before'),
    summary: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional()
      .describe("`true`: each clinic's counts and its own alerts, without its kiosks or theirs"),
  })
  .strict();
export type FleetQuery = z.infer<typeof FleetQuery>;
