import { z } from 'zod';
import { Comparator, DeviceAnnunciation } from './annunciation.js';
import { ClinicId, DeviceId, KioskId, OpaqueId, ReadingId } from './ids.js';
import { GlucoseSpecimen, MealContext } from './measurement.js';
import { DateTime, LocalDateTime } from './time.js';
import { Ucum } from './units.js';

/** How urgently the health worker must act on a flag. */
export const Severity = z.enum(['normal', 'attention', 'refer', 'urgent']);
export type Severity = z.infer<typeof Severity>;

/** The order of severities, lowest first, for "the worst flag of a screening". */
export const SEVERITY_ORDER: readonly Severity[] = Severity.options;

export const Flag = z
  .object({
    /** Stable code, e.g. `bp.grade-3`, `glucose.random.hyperglycaemia`, `plausibility.remeasure`. */
    code: z.string().regex(/^[a-z0-9]+([.-][a-z0-9]+)*$/, 'use lowercase words joined by "." or "-"'),
    severity: Severity,
    /** The value name (`systolic`, `weight`...) the flag is about, when it is about one. */
    value: z.string().optional(),
    message: z.object({ id: z.string(), en: z.string() }).strict().optional(),
    /** Version of the threshold table that raised the flag, e.g. `ilp-2024.1`. */
    rules: z.string().optional(),
  })
  .strict();
export type Flag = z.infer<typeof Flag>;

/** FHIR `data-absent-reason` codes (http://terminology.hl7.org/CodeSystem/data-absent-reason). */
export const DataAbsentReason = z.enum([
  'unknown',
  'error',
  'not-a-number',
  'positive-infinity',
  'negative-infinity',
  'not-performed',
  'unsupported',
]);
export type DataAbsentReason = z.infer<typeof DataAbsentReason>;

const LoincCode = z.string().regex(/^\d{1,7}-\d$/, 'must be a LOINC code such as 8480-6');

export const ReadingValue = z
  .object({
    /** What the value is within its reading: `systolic`, `diastolic`, `pulseRate`, `weight`... */
    name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/),
    code: LoincCode,
    /** In the canonical unit; `null` when the device gave no usable number (see absentReason). */
    value: z.number().refine(Number.isFinite, 'must be finite').nullable(),
    unit: Ucum,
    absentReason: DataAbsentReason.optional(),
    /**
     * `>` or `<`: `value` is the device's limit and the true value lies beyond it (a glucometer's HI
     * is `> 600 mg/dL`). Never read the number alone.
     */
    comparator: Comparator.optional(),
    /** The value and unit exactly as the device reported them, kept so nothing is lost. */
    original: z
      .object({ value: z.number().refine(Number.isFinite, 'must be finite').nullable(), unit: Ucum })
      .strict()
      .optional(),
    /** Computed by the kiosk (BMI from weight and height, a mean of repeated BP) rather than measured. */
    derived: z.boolean().optional(),
  })
  .strict()
  .refine((v) => v.value !== null || v.absentReason !== undefined, {
    message: 'a value without a number must say why (absentReason)',
    path: ['absentReason'],
  })
  .refine((v) => v.comparator === undefined || v.value !== null, {
    message: 'a comparator needs the limit it compares with (value)',
    path: ['comparator'],
  });
export type ReadingValue = z.infer<typeof ReadingValue>;

export const ReadingKind = z.enum([
  'blood-pressure',
  'glucose',
  'weight',
  'body-composition',
  'temperature',
  'pulse-oximetry',
  'height',
  'waist',
  'bmi',
  'cholesterol',
  'uric-acid',
  'haemoglobin',
]);
export type ReadingKind = z.infer<typeof ReadingKind>;

/** A Bluetooth address or a gateway's stable id for the device behind it. */
export const DeviceAddress = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$/,
    'use a Bluetooth address such as A0:11:22:33:44:02 or an id of letters, digits, ":", ".", "_" or "-" (at most 64)',
  );
export type DeviceAddress = z.infer<typeof DeviceAddress>;

/** A device's own word about itself (maker, model, serial, firmware): printable, at most 64 characters. */
export const DeviceInfoText = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^\p{Cc}\p{Cs}]+$/u, 'printable characters only (no control characters)');
export type DeviceInfoText = z.infer<typeof DeviceInfoText>;

/**
 * Where a driver puts what a device said of itself on a measurement's `extra` (beside
 * `deviceAddress`), from which the reading's `device` takes it.
 */
export const DEVICE_INFO_EXTRA_KEYS = {
  manufacturer: 'deviceManufacturer',
  model: 'deviceModel',
  serialNumber: 'deviceSerialNumber',
  firmware: 'deviceFirmware',
} as const;

export const ReadingDevice = z
  .object({
    id: DeviceId,
    /** The decoder protocol id (`ad-scale`, `gatt-2a35`...) or `manual` for a typed-in value. */
    protocol: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,63}$/),
    sequenceNumber: z.number().int().nonnegative().optional(),
    /** The device's own clock as it reported the measurement (no zone). */
    time: LocalDateTime.optional(),
    /**
     * Which device behind a gateway took it: its Bluetooth address (`AA:BB:CC:DD:EE:FF`), or the
     * gateway's stable id for it. `id` names the gateway, which serves several devices; without
     * this, two glucometers behind one gateway are one device to the record.
     */
    address: DeviceAddress.optional(),
    /** What the device says of itself (Bluetooth Device Information service 0x2A29): its maker. */
    manufacturer: DeviceInfoText.optional(),
    /** Its model number (0x2A24). */
    model: DeviceInfoText.optional(),
    /** Its serial number (0x2A25). */
    serialNumber: DeviceInfoText.optional(),
    /** Its firmware revision (0x2A26). */
    firmware: DeviceInfoText.optional(),
  })
  .strict();
export type ReadingDevice = z.infer<typeof ReadingDevice>;

/**
 * Which clock stamped a reading's times, and how sure the kiosk was of it. Small boards without a
 * battery-backed clock boot with a stale date until the network comes: a reading stamped then says
 * so. Absent from readings of agents that did not know.
 */
export const ReadingClock = z
  .object({
    /**
     * `kiosk`: the kiosk's clock as it was. `corrected`: the kiosk's clock plus `offsetMs`, the
     * difference to the clinic's time the kiosk had measured. `device`: `measuredAt` is the device's
     * own clock, judged against the kiosk's trusted time (`receivedAt` is the kiosk's, corrected
     * by `offsetMs` when given).
     */
    source: z.enum(['kiosk', 'device', 'corrected']),
    /**
     * The kiosk's clock had been checked against the clinic's time (and corrected when it was off)
     * when the reading was stamped. `false`: the times may be wrong by any amount.
     */
    trusted: z.boolean(),
    /** Milliseconds added to the kiosk clock's reading: the kiosk's own time was `receivedAt` minus this. */
    offsetMs: z.number().int().optional(),
  })
  .strict();
export type ReadingClock = z.infer<typeof ReadingClock>;

/**
 * One normalized measurement, as a kiosk publishes it and the clinic record stores it. Carries no
 * personal identifiers: patients are referred to by opaque ids only.
 */
export const Reading = z
  .object({
    id: ReadingId,
    clinicId: ClinicId,
    kioskId: KioskId,
    device: ReadingDevice,
    sessionId: OpaqueId.optional(),
    patientId: OpaqueId.optional(),
    kind: ReadingKind,
    /** When the measurement was taken: the device clock when trusted, else the kiosk's receive time. */
    measuredAt: DateTime,
    /** When the kiosk received it. */
    receivedAt: DateTime,
    timeSource: z.enum(['device', 'kiosk']),
    clock: ReadingClock.optional(),
    values: z.array(ReadingValue).min(1).max(32),
    context: z
      .object({
        glucose: z.enum(['fasting', 'random']).optional(),
        meal: MealContext.optional(),
        specimen: GlucoseSpecimen.optional(),
      })
      .strict()
      .optional(),
    flags: z.array(Flag).max(64),
    /** Device-reported conditions, from the one vocabulary (`DEVICE_ANNUNCIATIONS`). */
    annunciations: z.array(DeviceAnnunciation).max(32).optional(),
    /**
     * For a reading the kiosk computed (BMI, the mean of a visit's blood pressures): the ids of the
     * readings it was computed from, so the record can show where a number came from.
     */
    derivedFrom: z.array(ReadingId).min(1).max(64).optional(),
  })
  .strict();
export type Reading = z.infer<typeof Reading>;

/** The most readings one message on a readings topic may carry. */
export const READINGS_PER_MESSAGE_MAX = 500;
/** The largest message on a readings topic the clinic accepts; a kiosk stays well under it. */
export const READINGS_MESSAGE_BYTES_MAX = 1024 * 1024;

/**
 * Several readings in one message on the readings topic, oldest first: a kiosk catching up after
 * days offline sends hundreds at a time, and one MQTT message per reading costs the kiosk, the
 * broker and the clinic a packet, an acknowledgement and a socket write each. The clinic answers
 * every reading of it by id, as it does single ones.
 */
export const ReadingBatch = z.array(Reading).min(1).max(READINGS_PER_MESSAGE_MAX);
export type ReadingBatch = z.infer<typeof ReadingBatch>;
