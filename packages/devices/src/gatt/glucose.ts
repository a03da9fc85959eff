import type {
  DeviceAnnunciation,
  DeviceMeasurement,
  DeviceValue,
  GlucoseMeasurement,
  GlucoseSpecimen,
  MealContext,
  SampleLocation,
} from '@klinik-desa/protocol';
import { ByteReader, ByteWriter } from '../bytes.js';
import { DecodeError, EncodeError } from '../errors.js';
import {
  decodeSfloat,
  encodeSfloat,
  type SpecialValue,
  scaleDecimal,
  sfloatFromValue,
  sfloatValue,
} from '../ieee11073.js';
import {
  addMinutes,
  isUnknownDate,
  isValidDateTime,
  parseLocalDateTime,
  readDateTime,
  timeStampToMeasurement,
  writeDateTime,
} from './date-time.js';
import {
  annunciationsToBits,
  type BitNames,
  bitsToAnnunciations,
  checkReservedBits,
  definedMask,
  hasAnyOf,
} from './status-bits.js';

/**
 * Glucose Measurement (0x2A18, Glucose service 0x1808), a notification per stored record.
 * Flags: bit0 time offset, bit1 concentration + type/sample location, bit2 unit (0 kg/L, 1 mol/L),
 * bit3 sensor status annunciation, bit4 context information follows (a 0x2A34 with the same
 * sequence number comes next). Then sequence number, base time, and the optional fields in order.
 */
const FLAG_TIME_OFFSET = 0x01;
const FLAG_CONCENTRATION = 0x02;
const FLAG_MOL_PER_L = 0x04;
const FLAG_SENSOR_STATUS = 0x08;
const FLAG_CONTEXT_FOLLOWS = 0x10;

/** Type codes 1–10 (low nibble of the type/sample-location byte, per the characteristic's XML definition). */
const SPECIMENS: readonly (GlucoseSpecimen | undefined)[] = [
  undefined,
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
];
/** Sample location codes (high nibble); 15 is "not available". */
const LOCATIONS: readonly (SampleLocation | undefined)[] = [
  undefined,
  'finger',
  'alternate-site',
  'earlobe',
  'control-solution',
];
const LOCATION_NOT_AVAILABLE = 0x0f;

/** Sensor Status Annunciation bits 0–11; bits 12–15 are reserved. */
export const GLUCOSE_SENSOR_STATUS_BITS = [
  'battery-low',
  'sensor-malfunction',
  'sample-size-insufficient',
  'strip-insertion-error',
  'strip-type-incorrect',
  'result-above-device-range',
  'result-below-device-range',
  'temperature-too-high',
  'temperature-too-low',
  'read-interrupted',
  'general-device-fault',
  'time-fault',
] as const satisfies BitNames;
const SENSOR_STATUS_DEFINED = definedMask(GLUCOSE_SENSOR_STATUS_BITS);

/** kg/L × 10^5 = mg/dL and mol/L × 10^3 = mmol/L: exponent shifts, so 110 × 10^-5 kg/L is exactly 110 mg/dL. */
const MG_PER_DL_EXPONENT = 5;
const MMOL_PER_L_EXPONENT = 3;

export interface DecodedGlucoseMeasurement {
  measurement: GlucoseMeasurement;
  /** A Glucose Measurement Context (0x2A34) with the same sequence number follows. */
  contextFollows: boolean;
}

export function decodeGlucoseMeasurementWithContextFlag(
  frame: Uint8Array,
  protocol = 'gatt-2a18',
): DecodedGlucoseMeasurement {
  const reader = new ByteReader(frame, protocol);
  const flags = reader.u8('flags');
  const sequenceNumber = reader.u16('sequence number');
  let baseTime = readDateTime(reader, 'base time');
  let timeOffsetMinutes: number | undefined;
  if (flags & FLAG_TIME_OFFSET) timeOffsetMinutes = reader.s16('time offset');

  const molar = (flags & FLAG_MOL_PER_L) !== 0;
  const unit = molar ? 'mmol/L' : 'mg/dL';
  let concentration: DeviceValue = { value: null, unit, missing: 'not-reported' };
  let specimen: GlucoseSpecimen | undefined;
  let sampleLocation: SampleLocation | undefined;
  if (flags & FLAG_CONCENTRATION) {
    concentration = sfloatValue(
      reader.u16('glucose concentration'),
      unit,
      molar ? MMOL_PER_L_EXPONENT : MG_PER_DL_EXPONENT,
    );
    const typeAndLocation = reader.u8('type and sample location');
    specimen = SPECIMENS[typeAndLocation & 0x0f];
    sampleLocation = LOCATIONS[typeAndLocation >> 4];
  }
  const measurement: GlucoseMeasurement = { kind: 'glucose', concentration, sequenceNumber };
  if (specimen) measurement.specimen = specimen;
  if (sampleLocation) measurement.sampleLocation = sampleLocation;
  if (specimen === 'control-solution' || sampleLocation === 'control-solution') {
    measurement.controlSolution = true;
  }

  const annunciations: DeviceAnnunciation[] = [];
  if (timeOffsetMinutes !== undefined && !isUnknownDate(baseTime) && isValidDateTime(baseTime)) {
    baseTime = addMinutes(baseTime, timeOffsetMinutes);
  }
  const stamp = timeStampToMeasurement(baseTime);
  if (stamp.deviceTime) measurement.deviceTime = stamp.deviceTime;
  if (stamp.annunciation) annunciations.push(stamp.annunciation);
  if (timeOffsetMinutes !== undefined) measurement.extra = { timeOffsetMinutes };

  if (flags & FLAG_SENSOR_STATUS) {
    const status = reader.u16('sensor status annunciation');
    checkReservedBits(status, SENSOR_STATUS_DEFINED, protocol, 'sensor status annunciation');
    if (status !== 0) bitsToAnnunciations(status, GLUCOSE_SENSOR_STATUS_BITS, annunciations);
  }
  // "Result higher (lower) than the device can process" beside a number: the number is the meter's
  // limit, and the result lies beyond it.
  if (concentration.value !== null) {
    if (annunciations.includes('result-above-device-range')) concentration.comparator = '>';
    else if (annunciations.includes('result-below-device-range')) concentration.comparator = '<';
  }
  if (annunciations.length > 0) measurement.annunciations = annunciations;
  return { measurement, contextFollows: (flags & FLAG_CONTEXT_FOLLOWS) !== 0 };
}

export function decodeGlucoseMeasurement(frame: Uint8Array, protocol = 'gatt-2a18'): GlucoseMeasurement {
  return decodeGlucoseMeasurementWithContextFlag(frame, protocol).measurement;
}

export interface GlucoseEncodeOptions {
  /** Set the "context information follows" flag (the simulator then sends a 0x2A34 after it). */
  contextFollows?: boolean;
}

export function encodeGlucoseMeasurement(
  measurement: DeviceMeasurement,
  options: GlucoseEncodeOptions = {},
  protocol = 'gatt-2a18',
): Uint8Array {
  if (measurement.kind !== 'glucose') {
    throw new EncodeError('WRONG_KIND', protocol, `encodes glucose, not ${measurement.kind}`);
  }
  const { concentration } = measurement;
  if (concentration.unit !== 'mg/dL' && concentration.unit !== 'mmol/L') {
    throw new EncodeError('UNSUPPORTED_UNIT', protocol, `glucose unit ${concentration.unit}`);
  }
  const molar = concentration.unit === 'mmol/L';
  const reported = !(concentration.value === null && concentration.missing === 'not-reported');
  const offsetValue = measurement.extra?.['timeOffsetMinutes'];
  const timeOffset = typeof offsetValue === 'number' ? offsetValue : undefined;

  let flags = 0;
  if (timeOffset !== undefined) flags |= FLAG_TIME_OFFSET;
  if (reported) flags |= FLAG_CONCENTRATION;
  if (molar) flags |= FLAG_MOL_PER_L;
  if (hasAnyOf(measurement.annunciations, GLUCOSE_SENSOR_STATUS_BITS)) flags |= FLAG_SENSOR_STATUS;
  if (options.contextFollows) flags |= FLAG_CONTEXT_FOLLOWS;

  const writer = new ByteWriter().u8(flags).u16(measurement.sequenceNumber ?? 0);
  // The base time is the record time minus its offset; an unknown time is sent as all zeros.
  if (measurement.deviceTime !== undefined) {
    let base = parseLocalDateTime(measurement.deviceTime, protocol);
    if (timeOffset !== undefined) base = addMinutes(base, -timeOffset);
    writeDateTime(writer, base);
  } else {
    writeDateTime(writer, { year: 0, month: 0, day: 0, hours: 0, minutes: 0, seconds: 0 });
  }
  if (timeOffset !== undefined) writer.u16(timeOffset & 0xffff);
  if (reported) {
    writer.u16(sfloatFromValue(concentration, molar ? MMOL_PER_L_EXPONENT : MG_PER_DL_EXPONENT, protocol));
    const type = measurement.specimen ? SPECIMENS.indexOf(measurement.specimen) : 0;
    const location = measurement.sampleLocation
      ? LOCATIONS.indexOf(measurement.sampleLocation)
      : LOCATION_NOT_AVAILABLE;
    writer.u8((location << 4) | type);
  }
  if (flags & FLAG_SENSOR_STATUS) {
    writer.u16(annunciationsToBits(measurement.annunciations, GLUCOSE_SENSOR_STATUS_BITS));
  }
  return writer.finish();
}

/**
 * Glucose Measurement Context (0x2A34): what the person said about a record. Its meal field is what
 * tells fasting from random glucose in screening.
 */
export interface GlucoseContext {
  sequenceNumber: number;
  carbohydrate?: { meal: string; grams: DeviceValue };
  meal?: MealContext;
  tester?: string;
  health?: string;
  exercise?: { durationSeconds: number | null; intensityPercent: number };
  /** Amount in milligrams (sent as kg) or millilitres (sent as litres); a special value says why there is none. */
  medication?: { kind: string; unit: 'mg' | 'mL'; amount: number | SpecialValue };
  hba1c?: DeviceValue;
}

const CONTEXT_CARBOHYDRATE = 0x01;
const CONTEXT_MEAL = 0x02;
const CONTEXT_TESTER_HEALTH = 0x04;
const CONTEXT_EXERCISE = 0x08;
const CONTEXT_MEDICATION = 0x10;
const CONTEXT_MEDICATION_LITRES = 0x20;
const CONTEXT_HBA1C = 0x40;
const CONTEXT_EXTENDED_FLAGS = 0x80;

const CARBOHYDRATE_MEALS = [undefined, 'breakfast', 'lunch', 'dinner', 'snack', 'drink', 'supper', 'brunch'];
const MEALS: readonly (MealContext | undefined)[] = [
  undefined,
  'preprandial',
  'postprandial',
  'fasting',
  'casual',
  'bedtime',
];
const TESTERS = [undefined, 'self', 'health-care-professional', 'lab-test'];
const HEALTH = [
  undefined,
  'minor-health-issues',
  'major-health-issues',
  'during-menses',
  'under-stress',
  'no-health-issues',
];
const MEDICATIONS = [
  undefined,
  'rapid-acting-insulin',
  'short-acting-insulin',
  'intermediate-acting-insulin',
  'long-acting-insulin',
  'pre-mixed-insulin',
];
const NOT_AVAILABLE = 0x0f;
const EXERCISE_OVERRUN = 0xffff;

/**
 * Carbohydrate is sent in kilograms and medication in kilograms or litres; people count grams,
 * milligrams and millilitres, so the exponents move by 3, 6 and 3.
 */
const GRAMS_PER_KG_EXPONENT = 3;
const MILLIGRAMS_PER_KG_EXPONENT = 6;
const MILLILITRES_PER_L_EXPONENT = 3;

function enumName(names: readonly (string | undefined)[], code: number, fallback: string): string {
  return names[code] ?? `${fallback}-${code}`;
}

export function decodeGlucoseContext(frame: Uint8Array, protocol = 'gatt-2a34'): GlucoseContext {
  const reader = new ByteReader(frame, protocol);
  const flags = reader.u8('flags');
  const context: GlucoseContext = { sequenceNumber: reader.u16('sequence number') };
  if (flags & CONTEXT_EXTENDED_FLAGS) reader.u8('extended flags');
  if (flags & CONTEXT_CARBOHYDRATE) {
    const id = reader.u8('carbohydrate id');
    context.carbohydrate = {
      meal: enumName(CARBOHYDRATE_MEALS, id, 'carbohydrate'),
      grams: sfloatValue(reader.u16('carbohydrate'), 'g', GRAMS_PER_KG_EXPONENT),
    };
  }
  if (flags & CONTEXT_MEAL) {
    const meal = MEALS[reader.u8('meal')];
    if (meal) context.meal = meal;
  }
  if (flags & CONTEXT_TESTER_HEALTH) {
    const byte = reader.u8('tester and health');
    if ((byte & 0x0f) !== NOT_AVAILABLE) context.tester = enumName(TESTERS, byte & 0x0f, 'tester');
    if (byte >> 4 !== NOT_AVAILABLE) context.health = enumName(HEALTH, byte >> 4, 'health');
  }
  if (flags & CONTEXT_EXERCISE) {
    const duration = reader.u16('exercise duration');
    context.exercise = {
      durationSeconds: duration === EXERCISE_OVERRUN ? null : duration,
      intensityPercent: reader.u8('exercise intensity'),
    };
  }
  if (flags & CONTEXT_MEDICATION) {
    const kind = enumName(MEDICATIONS, reader.u8('medication id'), 'medication');
    const litres = (flags & CONTEXT_MEDICATION_LITRES) !== 0;
    const decoded = decodeSfloat(reader.u16('medication'));
    const shift = litres ? MILLILITRES_PER_L_EXPONENT : MILLIGRAMS_PER_KG_EXPONENT;
    context.medication = {
      kind,
      unit: litres ? 'mL' : 'mg',
      amount:
        decoded.kind === 'special'
          ? decoded.special
          : scaleDecimal(decoded.mantissa, decoded.exponent + shift),
    };
  }
  if (flags & CONTEXT_HBA1C) context.hba1c = sfloatValue(reader.u16('HbA1c'), '%');
  return context;
}

export function encodeGlucoseContext(context: GlucoseContext, protocol = 'gatt-2a34'): Uint8Array {
  let flags = 0;
  if (context.carbohydrate) flags |= CONTEXT_CARBOHYDRATE;
  if (context.meal) flags |= CONTEXT_MEAL;
  if (context.tester !== undefined || context.health !== undefined) flags |= CONTEXT_TESTER_HEALTH;
  if (context.exercise) flags |= CONTEXT_EXERCISE;
  const medicationLitres = context.medication?.unit === 'mL';
  if (context.medication) flags |= CONTEXT_MEDICATION | (medicationLitres ? CONTEXT_MEDICATION_LITRES : 0);
  if (context.hba1c) flags |= CONTEXT_HBA1C;
  const writer = new ByteWriter().u8(flags).u16(context.sequenceNumber);
  const code = (names: readonly (string | undefined)[], name: string) => {
    const index = names.indexOf(name);
    if (index > 0) return index;
    const numeric = /-(\d+)$/.exec(name);
    if (numeric) return Number(numeric[1]);
    throw new EncodeError('NOT_ENCODABLE', protocol, `unknown context value ${JSON.stringify(name)}`);
  };
  if (context.carbohydrate) {
    writer.u8(code(CARBOHYDRATE_MEALS, context.carbohydrate.meal));
    writer.u16(sfloatFromValue(context.carbohydrate.grams, GRAMS_PER_KG_EXPONENT, protocol));
  }
  if (context.meal) writer.u8(MEALS.indexOf(context.meal));
  if (flags & CONTEXT_TESTER_HEALTH) {
    const tester = context.tester === undefined ? NOT_AVAILABLE : code(TESTERS, context.tester);
    const health = context.health === undefined ? NOT_AVAILABLE : code(HEALTH, context.health);
    writer.u8((health << 4) | tester);
  }
  if (context.exercise) {
    writer.u16(context.exercise.durationSeconds ?? EXERCISE_OVERRUN).u8(context.exercise.intensityPercent);
  }
  if (context.medication) {
    writer.u8(code(MEDICATIONS, context.medication.kind));
    const exponent = medicationLitres ? MILLILITRES_PER_L_EXPONENT : MILLIGRAMS_PER_KG_EXPONENT;
    writer.u16(encodeSfloat(context.medication.amount, exponent));
  }
  if (context.hba1c) writer.u16(sfloatFromValue(context.hba1c, 0, protocol));
  return writer.finish();
}

/**
 * Joins a record and its context into one measurement: the meal goes where screening looks for it,
 * the rest into `extra` with its unit in the key.
 */
export function applyGlucoseContext(
  measurement: GlucoseMeasurement,
  context: GlucoseContext,
): GlucoseMeasurement {
  if (measurement.sequenceNumber !== undefined && measurement.sequenceNumber !== context.sequenceNumber) {
    throw new DecodeError(
      'OUT_OF_SEQUENCE',
      'gatt-2a34',
      `context ${context.sequenceNumber} does not belong to record ${measurement.sequenceNumber}`,
    );
  }
  const extra: Record<string, string | number | boolean> = { ...measurement.extra };
  if (context.carbohydrate) {
    extra['carbohydrateMeal'] = context.carbohydrate.meal;
    if (context.carbohydrate.grams.value !== null)
      extra['carbohydrateGrams'] = context.carbohydrate.grams.value;
  }
  if (context.tester) extra['tester'] = context.tester;
  if (context.health) extra['health'] = context.health;
  if (context.exercise) {
    if (context.exercise.durationSeconds !== null)
      extra['exerciseDurationSeconds'] = context.exercise.durationSeconds;
    extra['exerciseIntensityPercent'] = context.exercise.intensityPercent;
  }
  if (context.medication) {
    extra['medication'] = context.medication.kind;
    if (typeof context.medication.amount === 'number') {
      extra[context.medication.unit === 'mL' ? 'medicationMillilitres' : 'medicationMilligrams'] =
        context.medication.amount;
    }
  }
  if (context.hba1c?.value !== null && context.hba1c?.value !== undefined)
    extra['hba1cPercent'] = context.hba1c.value;
  const merged: GlucoseMeasurement = { ...measurement };
  if (context.meal) merged.meal = context.meal;
  if (Object.keys(extra).length > 0) merged.extra = extra;
  return merged;
}
