import { z } from 'zod';
import { Comparator } from '../annunciation.js';
import { ClinicId, KioskId, OpaqueId, ReadingId } from '../ids.js';
import { DataAbsentReason, Flag, ReadingKind, ReadingValue, Severity } from '../reading.js';
import { DateTime } from '../time.js';
import { Ucum } from '../units.js';
import { displayName } from './names.js';
import { IhsNumber, ResourceId } from './patient.js';

export const ScreeningStatus = z.enum(['open', 'finished']);
export type ScreeningStatus = z.infer<typeof ScreeningStatus>;

/** Where the screening's SATUSEHAT Bundle is: not sent yet, waiting to be sent, sent, or given up. */
export const ForwardingStatus = z.enum(['not-sent', 'pending', 'sent', 'failed']);
export type ForwardingStatus = z.infer<typeof ForwardingStatus>;

export const Forwarding = z
  .object({
    status: ForwardingStatus,
    attempts: z.number().int().nonnegative(),
    lastAttemptAt: DateTime.nullable(),
    nextAttemptAt: DateTime.nullable(),
    sentAt: DateTime.nullable(),
    /** The HTTP status of the last answer, when there was one. */
    httpStatus: z.number().int().nullable(),
    // Any JSON value, null included: `unknown` alone says so (a nullable `unknown` would document
    // an `anyOf` with an empty schema, which matches anything and so means nothing).
    outcome: z
      .unknown()
      .describe(
        "SATUSEHAT's answer to the last failed attempt (its OperationOutcome, or its plain-text error); null when there was none.",
      ),
  })
  .strict()
  .meta({ id: 'Forwarding' });
export type Forwarding = z.infer<typeof Forwarding>;

/**
 * The health worker who did the screening, as SATUSEHAT knows them, given inline. Most clinics
 * register their health workers instead (`POST /practitioners`) and name one by `practitionerId`.
 */
export const Practitioner = z
  .object({ ihsNumber: IhsNumber, name: displayName({ min: 0 }).optional() })
  .strict()
  .meta({ id: 'Practitioner' });
export type Practitioner = z.infer<typeof Practitioner>;

export const ScreeningCreate = z
  .object({
    /**
     * The screening's id, chosen by the kiosk when it opened the screening while the clinic could
     * not be reached: its readings already carry it. Sent again with the same patient, clinic and
     * kiosk (an answer that was lost), it answers with the screening it made; an id the clinic
     * holds for another screening answers 409 SCREENING_EXISTS. Without it the clinic chooses.
     */
    id: ResourceId.optional().describe(
      'Chosen by a kiosk that opened the screening offline; the clinic chooses one otherwise.',
    ),
    patientId: ResourceId,
    clinicId: ClinicId,
    kioskId: KioskId,
    practitioner: Practitioner.optional(),
    /** A health worker of the screening's clinic from `POST /practitioners`, still active. */
    practitionerId: ResourceId.optional(),
  })
  .strict()
  .refine((s) => s.practitioner === undefined || s.practitionerId === undefined, {
    message:
      "give the health worker either inline (practitioner) or by the clinic's id (practitionerId), not both",
  })
  // `not` names the two properties again so that it reads on its own: a linter or generator that
  // looks at the subschema alone sees what its `required` refers to.
  .meta({
    id: 'ScreeningCreate',
    not: {
      properties: { practitioner: {}, practitionerId: {} },
      required: ['practitioner', 'practitionerId'],
    },
  });
export type ScreeningCreate = z.infer<typeof ScreeningCreate>;

export const Screening = z
  .object({
    id: ResourceId.describe('Also the `sessionId` the kiosk puts on the readings of this screening.'),
    patientId: ResourceId,
    clinicId: ClinicId,
    kioskId: KioskId,
    status: ScreeningStatus,
    practitioner: Practitioner.nullable(),
    /** The registered health worker named when it was opened; null when none was. */
    practitionerId: ResourceId.nullable(),
    openedAt: DateTime,
    finishedAt: DateTime.nullable(),
    /** The worst flag of its observations (`normal` when none). */
    severity: Severity,
    forwarding: Forwarding,
  })
  .strict()
  .meta({ id: 'Screening' });
export type Screening = z.infer<typeof Screening>;

export const ScreeningFinish = z
  .object({
    /** Send the Bundle to SATUSEHAT (when a forwarder is configured). Default true. */
    forward: z.boolean().default(true),
  })
  .strict()
  .meta({ id: 'ScreeningFinish' });
export type ScreeningFinish = z.infer<typeof ScreeningFinish>;

/**
 * Where a value came from: a device, typed in by a health worker, or computed by the clinic or the
 * kiosk from other values of the visit (the BMI, the mean blood pressure; see `derivedFrom`).
 */
export const ObservationSource = z.enum(['device', 'manual', 'computed']);

/** One value of a stored reading (systolic and diastolic are two), or of a manual reading. */
export const Observation = z
  .object({
    id: z.string().describe('`{readingId}.{name}`: stable, so a resend is recognised.'),
    readingId: ReadingId,
    screeningId: OpaqueId.nullable(),
    patientId: OpaqueId.nullable(),
    clinicId: ClinicId,
    kioskId: KioskId,
    kind: ReadingKind,
    name: z.string(),
    code: z.string().describe('LOINC'),
    value: z.number().nullable(),
    /** Only on a device's limit (a glucometer's HI is `>` 600 mg/dL): the result lies beyond `value`. */
    comparator: Comparator.optional(),
    unit: Ucum,
    absentReason: DataAbsentReason.nullable(),
    measuredAt: DateTime,
    source: ObservationSource,
    /** The reading's flags that are about this value, or about the whole reading. */
    flags: z.array(Flag),
    /**
     * Only on a value computed from others (the visit's BMI, its mean blood pressure): the readings
     * it was computed from.
     */
    derivedFrom: z.array(ReadingId).optional(),
  })
  .strict()
  .meta({ id: 'Observation' });
export type Observation = z.infer<typeof Observation>;

export const ScreeningDetail = Screening.extend({
  observations: z.array(Observation),
  flags: z.array(Flag),
})
  .strict()
  .meta({ id: 'ScreeningDetail' });
export type ScreeningDetail = z.infer<typeof ScreeningDetail>;

export const ScreeningListQuery = z
  .object({
    patientId: ResourceId.optional(),
    clinicId: ClinicId.optional(),
    kioskId: KioskId.optional(),
    status: ScreeningStatus.optional(),
    forwarding: ForwardingStatus.optional(),
    from: DateTime.optional().describe('openedAt at or after'),
    to: DateTime.optional().describe('openedAt before'),
  })
  .strict();
export type ScreeningListQuery = z.infer<typeof ScreeningListQuery>;

export const ObservationListQuery = z
  .object({
    patientId: OpaqueId.optional(),
    screeningId: OpaqueId.optional(),
    kind: ReadingKind.optional(),
    from: DateTime.optional().describe('measuredAt at or after'),
    to: DateTime.optional().describe('measuredAt before'),
  })
  .strict();
export type ObservationListQuery = z.infer<typeof ObservationListQuery>;

/**
 * A reading typed in by a partner app (a value measured without a connected device). It becomes a
 * Reading of device `manual` in the screening's clinic and kiosk, and goes the same way as the rest.
 */
export const ManualReadingCreate = z
  .object({
    screeningId: ResourceId,
    kind: ReadingKind,
    measuredAt: DateTime,
    values: z.array(ReadingValue).min(1).max(32),
    flags: z.array(Flag).max(64).default([]),
  })
  .strict()
  .meta({ id: 'ManualReadingCreate' });
export type ManualReadingCreate = z.infer<typeof ManualReadingCreate>;

export const ManualReadingCreated = z
  .object({ readingId: ReadingId, observations: z.array(Observation) })
  .strict()
  .meta({ id: 'ManualReadingCreated' });
export type ManualReadingCreated = z.infer<typeof ManualReadingCreated>;

export const UnassignedStatus = z.enum(['unassigned', 'assigned', 'discarded']);

/** A stored reading that belongs to no open screening yet: a worker assigns it or discards it. */
export const UnassignedReading = z
  .object({
    readingId: ReadingId,
    clinicId: ClinicId,
    kioskId: KioskId,
    kind: ReadingKind,
    sessionId: OpaqueId.nullable(),
    measuredAt: DateTime,
    storedAt: DateTime,
    values: z.array(ReadingValue),
    flags: z.array(Flag),
    status: UnassignedStatus,
    screeningId: OpaqueId.nullable(),
    discardReason: z.string().nullable(),
  })
  .strict()
  .meta({ id: 'UnassignedReading' });
export type UnassignedReading = z.infer<typeof UnassignedReading>;

export const UnassignedListQuery = z
  .object({ clinicId: ClinicId.optional(), kioskId: KioskId.optional() })
  .strict();

export const ReadingAssign = z.object({ screeningId: ResourceId }).strict().meta({ id: 'ReadingAssign' });
export type ReadingAssign = z.infer<typeof ReadingAssign>;

export const ReadingDiscard = z
  .object({ reason: z.string().trim().min(3).max(500) })
  .strict()
  .meta({ id: 'ReadingDiscard' });
export type ReadingDiscard = z.infer<typeof ReadingDiscard>;

/**
 * `GET /screenings/{id}/fhir`: a FHIR R4 transaction Bundle in SATUSEHAT's form (Encounter, Devices,
 * one Observation per value). Its entries are FHIR resources, described by FHIR's own schema.
 */
export const FhirBundle = z
  .object({
    resourceType: z.literal('Bundle'),
    type: z.literal('transaction'),
    entry: z.array(z.unknown()).describe('Bundle.entry: fullUrl, resource, request (see FHIR R4)'),
  })
  .meta({ id: 'FhirBundle' });
export type FhirBundle = z.infer<typeof FhirBundle>;
