import {
  type DataAbsentReason,
  DeviceAddress,
  type DeviceMeasurement,
  type DeviceValue,
  type Flag,
  type GlucoseMeasurement,
  type MeasurementKind,
  type MissingReason,
  type Reading,
  type ReadingValue,
} from '@klinik-desa/protocol';
import { type DeviceInfo, deviceInfoOf } from './device-info.js';
import {
  type AnnunciationEffects,
  annunciationEffects,
  beyondRangeFlag,
  CLOCK_FAULT_ANNUNCIATIONS,
} from './device-says.js';
import { WITHHELD_ABSENT_REASON } from './device-vocabulary.js';
import { MeasurementRejectedError, type RejectionCode, ScreeningOptionError } from './errors.js';
import { makeFlag } from './flags.js';
import { formatInterval, inInterval } from './interval.js';
import { checkPlausibility } from './plausibility.js';
import { roundHalfUp } from './rounding.js';
import { deviceLimitOf, THRESHOLDS } from './thresholds.js';
import { localToInstant, toInstant, type ZoneSpec, zoneSpec } from './time.js';
import { type GlucoseContext, type RuleOptions, type Sex, type TriageValues, triage } from './triage.js';
import { convertUnit } from './units.js';
import { glucoseCode, VALUES, type ValueName } from './values.js';

/** How far a device clock may be from the kiosk's before the kiosk's receive time is used instead. */
export interface ClockPolicy {
  /** A device time older than this before receipt is a reset or stale clock. Default 24 h. */
  maxPastMinutes?: number;
  /** A device time later than this after receipt is a clock running ahead. Default 5 min. */
  maxFutureMinutes?: number;
}

export const DEFAULT_CLOCK_POLICY: Required<ClockPolicy> = { maxPastMinutes: 24 * 60, maxFutureMinutes: 5 };

export interface NormalizeContext {
  /** When the kiosk received the measurement (its own clock, trusted). */
  receivedAt: Date | string;
  /** IANA zone the device wall clock is read in; default `Asia/Jakarta` (WIB). */
  timeZone?: string;
  /** A fixed offset instead of a zone (e.g. 480 for WITA); wins over `timeZone`. */
  utcOffsetMinutes?: number;
  clock?: ClockPolicy;
  /**
   * Typed in by the health worker as it was measured (a height from a stadiometer, a waist from a
   * tape): measured when received, and no device clock to flag as missing.
   */
  manual?: boolean;
  /** The health worker's word on fasting, which wins over the meter's meal marker. */
  glucoseContext?: GlucoseContext;
  /** What the kiosk knows of the patient, for the waist and adult-only tables. */
  patient?: { sex?: Sex; ageYears?: number };
  rules?: RuleOptions;
}

/**
 * A normalized measurement: a `Reading` without the ids only the kiosk can give (reading id, clinic,
 * kiosk, device config, session). `toReading` adds them.
 */
export type NormalizedReading = Omit<
  Reading,
  'id' | 'clinicId' | 'kioskId' | 'device' | 'sessionId' | 'patientId'
> & {
  /**
   * The device's own record number and clock, as reported, the address of the device behind a
   * gateway (the decoder's `extra.deviceAddress`) and what it said of itself (maker, model, serial,
   * firmware: `extra.deviceModel` and the like).
   */
  device: { sequenceNumber?: number; time?: string; address?: string } & DeviceInfo;
};

export type NormalizeResult =
  | { ok: true; reading: NormalizedReading }
  | { ok: false; error: MeasurementRejectedError };

const ABSENT_REASON: Readonly<Record<MissingReason, DataAbsentReason>> = {
  nan: 'not-a-number',
  nres: 'error',
  'positive-infinity': 'positive-infinity',
  'negative-infinity': 'negative-infinity',
  reserved: 'error',
  unsuccessful: 'error',
  'out-of-range': 'error',
  'not-reported': 'unknown',
};

interface FieldMap {
  field: string;
  name: ValueName;
  /** A primary value is kept even when absent (as a dataAbsentReason); a secondary one is dropped. */
  primary: boolean;
}

const FIELDS: Readonly<Record<MeasurementKind, readonly FieldMap[]>> = {
  'blood-pressure': [
    { field: 'systolic', name: 'systolic', primary: true },
    { field: 'diastolic', name: 'diastolic', primary: true },
    { field: 'meanArterialPressure', name: 'meanArterialPressure', primary: false },
    { field: 'pulseRate', name: 'pulseRate', primary: false },
  ],
  glucose: [{ field: 'concentration', name: 'glucose', primary: true }],
  weight: [
    { field: 'weight', name: 'weight', primary: true },
    { field: 'height', name: 'height', primary: false },
    { field: 'bmi', name: 'bmi', primary: false },
  ],
  'body-composition': [
    { field: 'bodyFat', name: 'bodyFat', primary: true },
    { field: 'weight', name: 'weight', primary: false },
    { field: 'height', name: 'height', primary: false },
    { field: 'bmi', name: 'bmi', primary: false },
  ],
  temperature: [{ field: 'temperature', name: 'bodyTemperature', primary: true }],
  'pulse-oximetry': [
    { field: 'spo2', name: 'spo2', primary: true },
    { field: 'pulseRate', name: 'pulseRate', primary: false },
  ],
  height: [{ field: 'height', name: 'height', primary: true }],
  waist: [{ field: 'waistCircumference', name: 'waistCircumference', primary: true }],
  cholesterol: [{ field: 'totalCholesterol', name: 'totalCholesterol', primary: true }],
  'uric-acid': [{ field: 'uricAcid', name: 'uricAcid', primary: true }],
  haemoglobin: [{ field: 'haemoglobin', name: 'haemoglobin', primary: true }],
};

class Rejection {
  constructor(readonly error: MeasurementRejectedError) {}
}

function reject(
  code: RejectionCode,
  message: string,
  details: ConstructorParameters<typeof MeasurementRejectedError>[2] = {},
): never {
  throw new Rejection(new MeasurementRejectedError(code, message, details));
}

/**
 * One device value in its canonical unit, rounded to the value's decimals, with the original kept.
 * An impossible number rejects the whole measurement; a doubtful one adds a re-measure flag.
 */
function convertValue(
  name: ValueName,
  device: DeviceValue,
  flags: Flag[],
  options: RuleOptions,
  code: string = VALUES[name].code,
  withheld = false,
): ReadingValue {
  const def = VALUES[name];
  if (!def.accepts.includes(device.unit)) {
    reject('UNSUPPORTED_UNIT', `${def.label.en} cannot be given in ${device.unit}`, { value: name });
  }
  // A non-finite number breaks the decoder contract; treat it as the NaN it is rather than crash.
  if (device.value === null || !Number.isFinite(device.value)) {
    const missing: MissingReason = device.value === null ? device.missing : 'nan';
    return {
      name,
      code,
      value: null,
      unit: def.unit,
      absentReason: ABSENT_REASON[missing],
      original: { value: null, unit: device.unit },
    };
  }
  const value = roundHalfUp(convertUnit(device.value, device.unit, def.unit, name), def.decimals);
  if (withheld) {
    // The device said this number is not the patient's: kept as it said it, never used.
    return {
      name,
      code,
      value: null,
      unit: def.unit,
      absentReason: WITHHELD_ABSENT_REASON,
      original: { value: device.value, unit: device.unit },
    };
  }
  if (device.comparator !== undefined) {
    const limit = checkLimit(name, device.comparator, value, options);
    flags.push(limit);
    return {
      name,
      code,
      value,
      unit: def.unit,
      comparator: device.comparator,
      original: { value: device.value, unit: device.unit },
    };
  }
  const verdict = checkPlausibility(name, value, options.table ?? THRESHOLDS);
  if (verdict.status === 'impossible') {
    reject('IMPLAUSIBLE', verdict.reason, {
      value: name,
      measured: { value: device.value, unit: device.unit },
    });
  }
  if (verdict.status === 'remeasure') {
    flags.push(makeFlag('plausibility.remeasure', { value: name, table: options.table ?? THRESHOLDS }));
  }
  return { name, code, value, unit: def.unit, original: { value: device.value, unit: device.unit } };
}

/**
 * A device's limit (`> 600 mg/dL`) instead of a value: only for values devices report limits for,
 * and only where a real device's limit lies. Returns the flag the limit raises.
 */
function checkLimit(name: ValueName, comparator: '>' | '<', limit: number, options: RuleOptions): Flag {
  const table = options.table ?? THRESHOLDS;
  const row = deviceLimitOf(name, table);
  const flag = row && beyondRangeFlag(name, comparator, limit, table);
  if (!row || !flag) {
    reject(
      'COMPARATOR_NOT_ALLOWED',
      `${VALUES[name].label.en} has no device limit; "${comparator}" is not allowed`,
      {
        value: name,
      },
    );
  }
  const range = comparator === '>' ? row.above : row.below;
  if (!inInterval(range, limit)) {
    reject(
      'IMPLAUSIBLE',
      `${VALUES[name].label.en} limit ${comparator} ${limit} ${VALUES[name].unit} is not a device's limit (${formatInterval(range, VALUES[name].unit)})`,
      { value: name, measured: { value: limit, unit: VALUES[name].unit } },
    );
  }
  return flag;
}

/** Which way a value with no number lies beyond its device's range, when the device says so. */
function beyondWithoutNumber(
  device: DeviceValue,
  name: ValueName,
  said: AnnunciationEffects,
): '>' | '<' | undefined {
  if (device.value !== null) return undefined;
  if (name === 'glucose' && said.glucoseBeyond) return said.glucoseBeyond;
  if (device.missing === 'positive-infinity' || device.missing === 'out-of-range') return '>';
  if (device.missing === 'negative-infinity') return '<';
  return undefined;
}

function glucoseContextOf(
  m: GlucoseMeasurement,
  ctx: NormalizeContext,
): { context: GlucoseContext; assumed: boolean } {
  if (ctx.glucoseContext) return { context: ctx.glucoseContext, assumed: false };
  if (m.meal === 'fasting') return { context: 'fasting', assumed: false };
  // Before-meal, after-meal, casual and bedtime results are not known to follow 8 hours of fasting;
  // ILP's fasting thresholds must not be applied to them. No marker at all: the GDS default.
  return { context: 'random', assumed: m.meal === undefined };
}

function isControlSolution(m: GlucoseMeasurement): boolean {
  return (
    m.controlSolution === true || m.specimen === 'control-solution' || m.sampleLocation === 'control-solution'
  );
}

function resolveTime(
  measurement: DeviceMeasurement,
  receivedAt: Date,
  zone: ZoneSpec,
  policy: Required<ClockPolicy>,
  flags: Flag[],
  options: RuleOptions,
  manual: boolean,
): { measuredAt: Date; timeSource: 'device' | 'kiosk' } {
  const table = options.table ?? THRESHOLDS;
  const kiosk = (code: string) => {
    flags.push(makeFlag(code, { table }));
    return { measuredAt: receivedAt, timeSource: 'kiosk' as const };
  };
  if (measurement.deviceTime === undefined) {
    return manual ? { measuredAt: receivedAt, timeSource: 'kiosk' } : kiosk('time.no-device-clock');
  }
  if (measurement.annunciations?.some((a) => CLOCK_FAULT_ANNUNCIATIONS.includes(a))) {
    return kiosk('time.device-clock-invalid');
  }
  const device = localToInstant(measurement.deviceTime, zone);
  if (!device) return kiosk('time.device-clock-invalid');
  const lagMinutes = (receivedAt.getTime() - device.getTime()) / 60_000;
  if (lagMinutes > policy.maxPastMinutes) return kiosk('time.device-clock-past');
  if (-lagMinutes > policy.maxFutureMinutes) return kiosk('time.device-clock-future');
  return { measuredAt: device, timeSource: 'device' };
}

function checkClockPolicy(clock: ClockPolicy | undefined): Required<ClockPolicy> {
  // Object.assign, not spreads: V8 merges `{ ...a, ...b }` on a slow path, once per reading here.
  const policy: Required<ClockPolicy> = Object.assign({}, DEFAULT_CLOCK_POLICY, clock);
  for (const [key, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new ScreeningOptionError(`clock.${key} must be a non-negative number of minutes`);
    }
  }
  return policy;
}

/**
 * The reading's values from the device's, in canonical units: a device limit keeps its comparator,
 * a value the device disowned is withheld, and a value beyond the range raises its flag.
 */
function readingValues(
  measurement: DeviceMeasurement,
  glucose: { context: GlucoseContext } | undefined,
  said: AnnunciationEffects,
  flags: Flag[],
  rules: RuleOptions,
): ReadingValue[] {
  const values: ReadingValue[] = [];
  const source = measurement as unknown as Record<string, DeviceValue | undefined>;
  for (const { field, name, primary } of FIELDS[measurement.kind]) {
    let device = source[field];
    if (!device || (!primary && device.value === null)) continue;
    if (name === 'glucose' && said.glucoseBeyond && device.value !== null && !device.comparator) {
      // The meter said HI or LO beside a number: that number is its limit, whoever decoded it.
      device = { ...device, comparator: said.glucoseBeyond };
    }
    const code =
      name === 'glucose' && measurement.kind === 'glucose'
        ? glucoseCode(measurement.specimen, glucose?.context === 'fasting')
        : VALUES[name].code;
    const withheld = said.withheldBy !== undefined;
    values.push(convertValue(name, device, flags, rules, code, withheld));
    const beyond = primary && !withheld ? beyondWithoutNumber(device, name, said) : undefined;
    if (beyond) {
      // HI or LO with no number (+INF, an overloaded scale): the limit is unknown, the direction is not.
      const flag = beyondRangeFlag(name, beyond, undefined, rules.table ?? THRESHOLDS);
      if (flag) flags.push(flag);
    }
    if (name === 'glucose' && device.unit === 'mmol/L' && device.value !== null && !withheld) {
      // Kept beside the mg/dL value in the meter's own unit, so nothing the meter said is lost.
      const molar: ReadingValue = {
        name: 'glucoseMolar',
        code: VALUES.glucoseMolar.code,
        value: roundHalfUp(device.value, VALUES.glucoseMolar.decimals),
        unit: 'mmol/L',
        original: { value: device.value, unit: device.unit },
      };
      if (device.comparator) molar.comparator = device.comparator;
      values.push(molar);
    }
  }
  return values;
}

/**
 * Turns a decoded device measurement into a normalized reading: canonical UCUM units with LOINC
 * codes (the device's own value and unit kept as `original`), the measurement time (device clock when
 * believable, else the kiosk's receive time, flagged), the glucose context, plausibility, device and
 * triage flags. Returns a typed rejection for control-solution tests, impossible values and units
 * that do not fit. Throws `ScreeningOptionError` only for a bad context (unknown zone, bad date).
 */
export function normalize(measurement: DeviceMeasurement, ctx: NormalizeContext): NormalizeResult {
  const zone = zoneSpec(ctx);
  const receivedAt = toInstant(ctx.receivedAt, zone, 'receivedAt');
  const policy = checkClockPolicy(ctx.clock);
  const rules = ctx.rules ?? {};
  const table = rules.table ?? THRESHOLDS;
  try {
    const flags: Flag[] = [];
    let glucose: { context: GlucoseContext; assumed: boolean } | undefined;
    const said: AnnunciationEffects = annunciationEffects(measurement.annunciations, table);
    if (said.unknown !== undefined) {
      reject(
        'UNKNOWN_ANNUNCIATION',
        `the device said ${JSON.stringify(said.unknown)}, which is not in the device vocabulary`,
      );
    }

    if (measurement.kind === 'glucose') {
      if (isControlSolution(measurement)) {
        reject('CONTROL_SOLUTION', 'a control-solution test checks the meter; it is not a patient reading', {
          value: 'glucose',
        });
      }
      if (measurement.specimen === 'interstitial-fluid') {
        reject(
          'UNSUPPORTED_SPECIMEN',
          'interstitial-fluid (CGM) glucose is not a capillary meter result; the screening thresholds do not apply',
          { value: 'glucose' },
        );
      }
      glucose = glucoseContextOf(measurement, ctx);
    }

    const values = readingValues(measurement, glucose, said, flags, rules);
    const numbers: TriageValues = {};
    // A limit is not a value: triage judges it by its own flag above, never by the number.
    for (const v of values) numbers[v.name as ValueName] = v.comparator ? null : v.value;
    if (
      typeof numbers.systolic === 'number' &&
      typeof numbers.diastolic === 'number' &&
      numbers.systolic <= numbers.diastolic
    ) {
      reject(
        'IMPLAUSIBLE',
        `diastolic ${numbers.diastolic} mmHg is not below systolic ${numbers.systolic} mmHg: a monitor fault, not a reading`,
        { value: 'diastolic' },
      );
    }

    const { measuredAt, timeSource } = resolveTime(
      measurement,
      receivedAt,
      zone,
      policy,
      flags,
      rules,
      ctx.manual === true,
    );

    flags.push(...said.flags);
    if (glucose?.assumed) flags.push(makeFlag('glucose.assumed-random', { value: 'glucose', table }));

    const triageContext: Parameters<typeof triage>[1] = Object.assign({}, rules);
    if (glucose) triageContext.glucoseContext = glucose.context;
    if (ctx.patient?.sex) triageContext.sex = ctx.patient.sex;
    if (ctx.patient?.ageYears !== undefined) triageContext.ageYears = ctx.patient.ageYears;
    flags.push(...triage(numbers, triageContext));

    const reading: NormalizedReading = {
      kind: measurement.kind,
      measuredAt: measuredAt.toISOString(),
      receivedAt: receivedAt.toISOString(),
      timeSource,
      values,
      flags,
      device: {},
    };
    if (measurement.sequenceNumber !== undefined) reading.device.sequenceNumber = measurement.sequenceNumber;
    if (measurement.deviceTime !== undefined) reading.device.time = measurement.deviceTime;
    const address = measurement.extra?.['deviceAddress'];
    if (typeof address === 'string' && DeviceAddress.safeParse(address).success)
      reading.device.address = address;
    if (measurement.extra) Object.assign(reading.device, deviceInfoOf(measurement.extra));
    if (measurement.kind === 'glucose' && glucose) {
      reading.context = {
        glucose: glucose.context,
        ...(measurement.meal ? { meal: measurement.meal } : {}),
        ...(measurement.specimen ? { specimen: measurement.specimen } : {}),
      };
    }
    if (measurement.annunciations?.length) reading.annunciations = measurement.annunciations.slice(0, 32);
    return { ok: true, reading };
  } catch (e) {
    if (e instanceof Rejection) return { ok: false, error: e.error };
    throw e;
  }
}
