import { z } from 'zod';
import { Comparator, DeviceAnnunciation } from './annunciation.js';
import { LocalDateTime } from './time.js';
import { Ucum } from './units.js';

/**
 * Why a device gave no number. The IEEE 11073 special values (NaN, NRes, ±INF, reserved) never
 * become numbers; a failed weighing (0xFFFF) or an overloaded scale neither.
 */
export const MissingReason = z.enum([
  'nan',
  'nres',
  'positive-infinity',
  'negative-infinity',
  'reserved',
  'unsuccessful',
  'out-of-range',
  'not-reported',
]);
export type MissingReason = z.infer<typeof MissingReason>;

/**
 * One value as the device reported it, in the device's unit: a number, or why there is none. A
 * number with a `comparator` is the device's limit (`>` 600 mg/dL is a glucometer's HI), never the
 * measured value.
 */
export const DeviceValue = z.union([
  z
    .object({
      value: z.number().refine(Number.isFinite, 'must be finite'),
      unit: Ucum,
      comparator: Comparator.optional(),
    })
    .strict(),
  z.object({ value: z.null(), unit: Ucum, missing: MissingReason }).strict(),
]);
export type DeviceValue = z.infer<typeof DeviceValue>;

const common = {
  /** The device's own clock (no zone), when it sends one. */
  deviceTime: LocalDateTime.optional(),
  /** The device's record number (glucometer memory, RACP), used to recognise a record sent again. */
  sequenceNumber: z.number().int().nonnegative().optional(),
  /** The device's user slot (BLE user id; 0xFF "unknown user" is left out). */
  userId: z.number().int().nonnegative().optional(),
  /** Device-reported conditions, from the one vocabulary (`DEVICE_ANNUNCIATIONS`). */
  annunciations: z.array(DeviceAnnunciation).optional(),
  /** Vendor fields with no place above, kept rather than dropped (e.g. Tanita segmental keys). */
  extra: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
};

export const BloodPressureMeasurement = z
  .object({
    kind: z.literal('blood-pressure'),
    systolic: DeviceValue,
    diastolic: DeviceValue,
    meanArterialPressure: DeviceValue.optional(),
    pulseRate: DeviceValue.optional(),
    ...common,
  })
  .strict();

export const GlucoseSpecimen = z.enum([
  'capillary-whole-blood',
  'capillary-plasma',
  'venous-whole-blood',
  'venous-plasma',
  'arterial-whole-blood',
  'arterial-plasma',
  'undetermined-whole-blood',
  'undetermined-plasma',
  'interstitial-fluid',
  'control-solution',
]);
export type GlucoseSpecimen = z.infer<typeof GlucoseSpecimen>;

export const SampleLocation = z.enum(['finger', 'alternate-site', 'earlobe', 'control-solution']);
export type SampleLocation = z.infer<typeof SampleLocation>;

/** Meal context (GATT 0x2A34 meal field, meter markers): decides fasting vs random glucose. */
export const MealContext = z.enum(['preprandial', 'postprandial', 'fasting', 'casual', 'bedtime']);
export type MealContext = z.infer<typeof MealContext>;

export const GlucoseMeasurement = z
  .object({
    kind: z.literal('glucose'),
    concentration: DeviceValue,
    specimen: GlucoseSpecimen.optional(),
    sampleLocation: SampleLocation.optional(),
    meal: MealContext.optional(),
    /** A control-solution test: a check of the meter, never a patient reading. */
    controlSolution: z.boolean().optional(),
    ...common,
  })
  .strict();

export const WeightMeasurement = z
  .object({
    kind: z.literal('weight'),
    weight: DeviceValue,
    height: DeviceValue.optional(),
    bmi: DeviceValue.optional(),
    ...common,
  })
  .strict();

export const BodyCompositionMeasurement = z
  .object({
    kind: z.literal('body-composition'),
    bodyFat: DeviceValue,
    weight: DeviceValue.optional(),
    height: DeviceValue.optional(),
    bmi: DeviceValue.optional(),
    fatMass: DeviceValue.optional(),
    fatFreeMass: DeviceValue.optional(),
    softLeanMass: DeviceValue.optional(),
    muscleMass: DeviceValue.optional(),
    musclePercentage: DeviceValue.optional(),
    boneMass: DeviceValue.optional(),
    bodyWaterMass: DeviceValue.optional(),
    bodyWaterPercentage: DeviceValue.optional(),
    impedance: DeviceValue.optional(),
    basalMetabolism: DeviceValue.optional(),
    visceralFatRating: DeviceValue.optional(),
    metabolicAge: DeviceValue.optional(),
    sex: z.enum(['male', 'female']).optional(),
    age: z.number().int().nonnegative().optional(),
    ...common,
  })
  .strict();

export const TemperatureSite = z.enum([
  'armpit',
  'body',
  'ear',
  'finger',
  'gastrointestinal-tract',
  'mouth',
  'rectum',
  'toe',
  'tympanum',
]);
export type TemperatureSite = z.infer<typeof TemperatureSite>;

export const TemperatureMeasurement = z
  .object({
    kind: z.literal('temperature'),
    temperature: DeviceValue,
    site: TemperatureSite.optional(),
    ...common,
  })
  .strict();

export const PulseOximetryMeasurement = z
  .object({
    kind: z.literal('pulse-oximetry'),
    spo2: DeviceValue,
    pulseRate: DeviceValue.optional(),
    pulseAmplitudeIndex: DeviceValue.optional(),
    ...common,
  })
  .strict();

export const HeightMeasurement = z
  .object({ kind: z.literal('height'), height: DeviceValue, ...common })
  .strict();

export const WaistMeasurement = z
  .object({ kind: z.literal('waist'), waistCircumference: DeviceValue, ...common })
  .strict();

/**
 * The point-of-care blood tests of the free health check (CKG) beside glucose, from single or
 * multi-parameter strip meters (EasyTouch GCU/GCHb, Autocheck, Benecheck): one kind per test, as
 * a multi-parameter meter stores one record per strip.
 */
export const CholesterolMeasurement = z
  .object({ kind: z.literal('cholesterol'), totalCholesterol: DeviceValue, ...common })
  .strict();

export const UricAcidMeasurement = z
  .object({ kind: z.literal('uric-acid'), uricAcid: DeviceValue, ...common })
  .strict();

export const HaemoglobinMeasurement = z
  .object({ kind: z.literal('haemoglobin'), haemoglobin: DeviceValue, ...common })
  .strict();

/**
 * What a device decoder returns: the numbers exactly as the device gave them, in its units, before
 * any normalization, plausibility or triage. The screening package turns this into `Reading` values.
 */
export const DeviceMeasurement = z.discriminatedUnion('kind', [
  BloodPressureMeasurement,
  GlucoseMeasurement,
  WeightMeasurement,
  BodyCompositionMeasurement,
  TemperatureMeasurement,
  PulseOximetryMeasurement,
  HeightMeasurement,
  WaistMeasurement,
  CholesterolMeasurement,
  UricAcidMeasurement,
  HaemoglobinMeasurement,
]);
export type DeviceMeasurement = z.infer<typeof DeviceMeasurement>;
export type MeasurementKind = DeviceMeasurement['kind'];
export type BloodPressureMeasurement = z.infer<typeof BloodPressureMeasurement>;
export type GlucoseMeasurement = z.infer<typeof GlucoseMeasurement>;
export type WeightMeasurement = z.infer<typeof WeightMeasurement>;
export type BodyCompositionMeasurement = z.infer<typeof BodyCompositionMeasurement>;
export type TemperatureMeasurement = z.infer<typeof TemperatureMeasurement>;
export type PulseOximetryMeasurement = z.infer<typeof PulseOximetryMeasurement>;
export type HeightMeasurement = z.infer<typeof HeightMeasurement>;
export type WaistMeasurement = z.infer<typeof WaistMeasurement>;
export type CholesterolMeasurement = z.infer<typeof CholesterolMeasurement>;
export type UricAcidMeasurement = z.infer<typeof UricAcidMeasurement>;
export type HaemoglobinMeasurement = z.infer<typeof HaemoglobinMeasurement>;
export const MEASUREMENT_KINDS = DeviceMeasurement.options.map((o) => o.shape.kind.value);
