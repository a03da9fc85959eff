import type {
  BloodPressureMeasurement,
  BodyCompositionMeasurement,
  DeviceAnnunciation,
  DeviceMeasurement,
  DeviceValue,
  GlucoseMeasurement,
  PulseOximetryMeasurement,
  TemperatureMeasurement,
  Ucum,
  WeightMeasurement,
} from '@klinik-desa/protocol';
import { GlucoseSpecimen, SampleLocation, TemperatureSite } from '@klinik-desa/protocol';
import fc from 'fast-check';
import { GLUCOSE_SENSOR_STATUS_BITS } from '../gatt/glucose.js';
import { PLX_DEVICE_STATUS_BITS, PLX_MEASUREMENT_STATUS_BITS } from '../gatt/plx.js';
import { scaleDecimal } from '../ieee11073.js';

/** Every PLX status name, measurement status first, in bit order (the reserved bits left out). */
const PLX_STATUS: readonly DeviceAnnunciation[] = [
  ...PLX_MEASUREMENT_STATUS_BITS.filter((name) => name !== null),
  ...PLX_DEVICE_STATUS_BITS,
];

/**
 * fast-check arbitraries of measurements each built-in protocol can carry exactly, for round-trip
 * tests. Vendors can reuse the building blocks (`deviceTime`, `decimal`, `withOptional`).
 */

const two = (n: number) => String(n).padStart(2, '0');

/** A wall-clock time in 2000–2099, `YYYY-MM-DDThh:mm:ss` (or without seconds). */
export function deviceTime(options: { seconds?: boolean } = {}): fc.Arbitrary<string> {
  return fc
    .record({
      year: fc.integer({ min: 2000, max: 2099 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
      second: fc.integer({ min: 0, max: 59 }),
    })
    .map(
      ({ year, month, day, hour, minute, second }) =>
        `${year}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}${options.seconds === false ? '' : `:${two(second)}`}`,
    );
}

/** mantissa × 10^exponent as the decoders produce it (the double nearest to that decimal). */
export function decimal(options: {
  min: number;
  max: number;
  exponents: readonly number[];
}): fc.Arbitrary<number> {
  return fc
    .tuple(fc.integer({ min: options.min, max: options.max }), fc.constantFrom(...options.exponents))
    .map(([mantissa, exponent]) => scaleDecimal(mantissa, exponent));
}

export function deviceValue(unit: Ucum, numbers: fc.Arbitrary<number>): fc.Arbitrary<DeviceValue> {
  return numbers.map((n) => ({ value: n, unit }));
}

const SPECIALS = ['nan', 'nres', 'positive-infinity', 'negative-infinity', 'reserved'] as const;

export function sfloatDeviceValue(
  unit: Ucum,
  options: { exponents?: readonly number[]; specials?: boolean } = {},
) {
  const numbers = deviceValue(
    unit,
    decimal({ min: -2045, max: 2045, exponents: options.exponents ?? [-2, -1, 0, 1, 2] }),
  );
  if (options.specials === false) return numbers;
  return fc.oneof(
    { weight: 8, arbitrary: numbers },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...SPECIALS).map((missing): DeviceValue => ({ value: null, unit, missing })),
    },
  );
}

/** An object with each optional key present or absent (never `undefined`). */
export function withOptional<T extends object>(
  required: { [K in keyof T]?: fc.Arbitrary<T[K]> },
  optional: { [K in keyof T]?: fc.Arbitrary<T[K]> },
): fc.Arbitrary<T> {
  return fc.record({ ...required, ...optional } as Record<string, fc.Arbitrary<unknown>>, {
    requiredKeys: Object.keys(required),
  }) as unknown as fc.Arbitrary<T>;
}

/** A subset of names in their canonical order (decoders list annunciations in bit order). */
export function orderedSubset<N extends string>(
  names: readonly N[],
  options: { maxLength?: number } = {},
): fc.Arbitrary<N[]> {
  return fc
    .subarray([...names], { minLength: 1, ...(options.maxLength ? { maxLength: options.maxLength } : {}) })
    .map((subset) => names.filter((n) => subset.includes(n)));
}

// A&D: the data field has 8 characters for digits and point.
export const adScaleMeasurement: fc.Arbitrary<WeightMeasurement> = fc.oneof(
  fc
    .record({
      unit: fc.constantFrom<Ucum>('kg', 'g', '[lb_av]', '[oz_av]'),
      magnitude: fc.integer({ min: 1, max: 9_999_999 }),
      negative: fc.boolean(),
      unstable: fc.boolean(),
    })
    .map(({ unit, magnitude, negative, unstable }): WeightMeasurement => {
      const amount = (unit === 'g' ? magnitude / 1000 : magnitude / 100) * (negative ? -1 : 1);
      const m: WeightMeasurement = { kind: 'weight', weight: { value: amount, unit } };
      if (unstable) m.annunciations = ['unstable'];
      return m;
    }),
  fc.constantFrom<Ucum>('kg', 'g').map(
    (unit): WeightMeasurement => ({
      kind: 'weight',
      weight: { value: null, unit, missing: 'out-of-range' },
      annunciations: ['overload'],
    }),
  ),
);

const tenths = (max: number) => fc.integer({ min: 0, max: max * 10 }).map((n) => n / 10);

export const tanitaMeasurement: fc.Arbitrary<BodyCompositionMeasurement> =
  withOptional<BodyCompositionMeasurement>(
    { kind: fc.constant('body-composition'), bodyFat: deviceValue('%', tenths(75)) },
    {
      weight: deviceValue('kg', tenths(270)),
      height: deviceValue('cm', tenths(250)),
      bmi: deviceValue('kg/m2', tenths(90)),
      fatMass: deviceValue('kg', tenths(150)),
      fatFreeMass: deviceValue('kg', tenths(150)),
      muscleMass: deviceValue('kg', tenths(150)),
      boneMass: deviceValue('kg', tenths(10)),
      bodyWaterMass: deviceValue('kg', tenths(100)),
      bodyWaterPercentage: deviceValue('%', tenths(80)),
      visceralFatRating: deviceValue('1', fc.integer({ min: 1, max: 59 })),
      basalMetabolism: deviceValue('kJ', fc.integer({ min: 2000, max: 20000 })),
      metabolicAge: deviceValue('a', fc.integer({ min: 12, max: 90 })),
      impedance: deviceValue('Ohm', tenths(1500)),
      sex: fc.constantFrom('male', 'female'),
      age: fc.integer({ min: 5, max: 99 }),
      deviceTime: deviceTime({ seconds: false }),
      extra: fc.record(
        {
          model: fc.constantFrom('MC-780', 'SC-330', 'DC-320'),
          subjectId: fc.stringMatching(/^[0-9]{10}$/),
          bodyType: fc.constantFrom(0, 2),
          clothesTareKg: tenths(5),
          Sw: tenths(100),
        },
        { requiredKeys: [] },
      ),
    },
  ).map((m) => (m.extra && Object.keys(m.extra).length === 0 ? (({ extra: _e, ...rest }) => rest)(m) : m));

export const contourMeasurement: fc.Arbitrary<GlucoseMeasurement> = fc
  .record({
    concentration: fc.oneof(
      deviceValue('mg/dL', fc.integer({ min: 10, max: 600 })),
      deviceValue(
        'mmol/L',
        fc.integer({ min: 6, max: 333 }).map((n) => n / 10),
      ),
    ),
    sequenceNumber: fc.integer({ min: 1, max: 9999 }),
    specimen: fc.option(fc.constantFrom('capillary-whole-blood' as const, 'capillary-plasma' as const), {
      nil: undefined,
    }),
    meal: fc.option(fc.constantFrom('preprandial' as const, 'postprandial' as const), { nil: undefined }),
    controlSolution: fc.option(fc.constant(true as const), { nil: undefined }),
    range: fc.option(
      fc.constantFrom<DeviceAnnunciation>('result-above-device-range', 'result-below-device-range'),
      {
        nil: undefined,
      },
    ),
    markers: fc.option(fc.constantFrom('M0/T1', 'M1', 'D', 'X/T0'), { nil: undefined }),
    deviceTime: fc.option(deviceTime({ seconds: false }), { nil: undefined }),
  })
  .map(({ range, markers, ...rest }): GlucoseMeasurement => {
    const m: GlucoseMeasurement = {
      kind: 'glucose',
      concentration: rest.concentration,
      sequenceNumber: rest.sequenceNumber,
    };
    if (rest.specimen) m.specimen = rest.specimen;
    if (rest.meal) m.meal = rest.meal;
    if (rest.controlSolution) m.controlSolution = true;
    if (range) {
      m.annunciations = [range];
      // The decoder reads the number beside a range marker as the meter's limit.
      if (rest.concentration.value !== null) {
        m.concentration = {
          ...rest.concentration,
          comparator: range === 'result-above-device-range' ? '>' : '<',
        };
      }
    }
    if (markers) m.extra = { markers };
    if (rest.deviceTime) m.deviceTime = rest.deviceTime;
    return m;
  });

const ONETOUCH_COMMENTS = ['not-enough-food', 'too-much-food', 'mild-exercise', 'stress', 'other'];

export const oneTouchMeasurement: fc.Arbitrary<GlucoseMeasurement> = fc
  .record({
    // 1–19 and 601–999: results the meter showed as LO and HI.
    value: fc.integer({ min: 1, max: 999 }),
    deviceTime: deviceTime(),
    meal: fc.option(fc.constantFrom('preprandial' as const, 'postprandial' as const), { nil: undefined }),
    control: fc.boolean(),
    comment: fc.option(fc.constantFrom(...ONETOUCH_COMMENTS), { nil: undefined }),
    parityError: fc.boolean(),
  })
  .map(({ value: mg, deviceTime: time, meal, control, comment, parityError }): GlucoseMeasurement => {
    const m: GlucoseMeasurement = {
      kind: 'glucose',
      concentration: parityError
        ? { value: null, unit: 'mg/dL', missing: 'unsuccessful' }
        : { value: mg, unit: 'mg/dL' },
      deviceTime: time,
    };
    if (meal) m.meal = meal;
    if (control) m.controlSolution = true;
    const extra: Record<string, string | number> = {};
    if (comment) extra['comment'] = comment;
    if (parityError) {
      m.annunciations = ['record-parity-error'];
      extra['reportedValue'] = mg;
    } else if (mg > 600 || mg < 20) {
      m.concentration = { value: mg > 600 ? 600 : 20, unit: 'mg/dL', comparator: mg > 600 ? '>' : '<' };
      m.annunciations = [mg > 600 ? 'result-above-device-range' : 'result-below-device-range'];
      extra['reportedValue'] = mg;
    }
    if (Object.keys(extra).length > 0) m.extra = extra;
    return m;
  });

export const cms50Measurement: fc.Arbitrary<PulseOximetryMeasurement> = fc
  .record({
    spo2: fc.option(fc.integer({ min: 1, max: 126 }), { nil: null }),
    pulse: fc.option(fc.integer({ min: 1, max: 254 }), { nil: null }),
    annunciations: fc.option(orderedSubset(['finger-out', 'spo2-dropping', 'probe-error', 'searching']), {
      nil: undefined,
    }),
    signalStrength: fc.integer({ min: 0, max: 15 }),
    pulseBeep: fc.boolean(),
    plethysmogram: fc.integer({ min: 0, max: 127 }),
    barGraph: fc.integer({ min: 0, max: 15 }),
  })
  .map(({ spo2, pulse, annunciations, ...extra }): PulseOximetryMeasurement => {
    const m: PulseOximetryMeasurement = {
      kind: 'pulse-oximetry',
      spo2: spo2 === null ? { value: null, unit: '%', missing: 'unsuccessful' } : { value: spo2, unit: '%' },
      pulseRate:
        pulse === null
          ? { value: null, unit: '/min', missing: 'unsuccessful' }
          : { value: pulse, unit: '/min' },
      extra,
    };
    if (annunciations) m.annunciations = annunciations;
    return m;
  });

export const BP_STATUS: readonly DeviceAnnunciation[] = [
  'body-movement',
  'cuff-too-loose',
  'irregular-pulse',
  'improper-measurement-position',
  'pulse-rate-above-upper-limit',
];

export const bloodPressureMeasurement: fc.Arbitrary<BloodPressureMeasurement> = fc
  .constantFrom<Ucum>('mm[Hg]', 'kPa')
  .chain((unit) =>
    withOptional<BloodPressureMeasurement>(
      {
        kind: fc.constant('blood-pressure'),
        systolic: sfloatDeviceValue(unit),
        diastolic: sfloatDeviceValue(unit),
        meanArterialPressure: sfloatDeviceValue(unit),
      },
      {
        pulseRate: sfloatDeviceValue('/min'),
        deviceTime: deviceTime(),
        userId: fc.integer({ min: 0, max: 254 }),
        annunciations: orderedSubset(BP_STATUS),
      },
    ),
  );

export const gattGlucoseMeasurement: fc.Arbitrary<GlucoseMeasurement> = fc
  .record({
    concentration: fc.oneof(
      {
        weight: 4,
        arbitrary: deviceValue('mg/dL', decimal({ min: 0, max: 2045, exponents: [-2, -1, 0, 1, 2] })),
      },
      {
        weight: 4,
        arbitrary: deviceValue('mmol/L', decimal({ min: 0, max: 2045, exponents: [-3, -2, -1, 0] })),
      },
      { weight: 1, arbitrary: sfloatDeviceValue('mg/dL').filter((v) => v.value === null) },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom<Ucum>('mg/dL', 'mmol/L')
          .map((unit): DeviceValue => ({ value: null, unit, missing: 'not-reported' })),
      },
    ),
    sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
    deviceTime: fc.option(deviceTime(), { nil: undefined }),
    timeOffset: fc.option(fc.integer({ min: -1440, max: 1440 }), { nil: undefined }),
    specimen: fc.option(fc.constantFrom(...GlucoseSpecimen.options), { nil: undefined }),
    location: fc.option(fc.constantFrom(...SampleLocation.options), { nil: undefined }),
    annunciations: fc.option(orderedSubset(GLUCOSE_SENSOR_STATUS_BITS), { nil: undefined }),
  })
  .map((r): GlucoseMeasurement => {
    const m: GlucoseMeasurement = {
      kind: 'glucose',
      concentration: r.concentration,
      sequenceNumber: r.sequenceNumber,
    };
    const reported = !(r.concentration.value === null && r.concentration.missing === 'not-reported');
    if (reported && r.specimen) m.specimen = r.specimen;
    if (reported && r.location) m.sampleLocation = r.location;
    if (m.specimen === 'control-solution' || m.sampleLocation === 'control-solution')
      m.controlSolution = true;
    if (r.deviceTime) m.deviceTime = r.deviceTime;
    if (r.timeOffset !== undefined) m.extra = { timeOffsetMinutes: r.timeOffset };
    if (r.annunciations) m.annunciations = r.annunciations;
    const above = r.annunciations?.includes('result-above-device-range');
    const below = r.annunciations?.includes('result-below-device-range');
    // The decoder reads a number beside "result higher (lower) than the device can process" as the limit.
    if (r.concentration.value !== null && (above || below)) {
      m.concentration = { ...r.concentration, comparator: above ? '>' : '<' };
    }
    return m;
  });

const kilograms = fc.integer({ min: 0, max: 0xfffe }).map((raw) => (raw * 5) / 1000);
const pounds = fc.integer({ min: 0, max: 0xfffe }).map((raw) => raw / 100);

export const gattWeightMeasurement: fc.Arbitrary<WeightMeasurement> = fc.boolean().chain((imperial) =>
  fc
    .record({
      weight: fc.oneof(
        { weight: 9, arbitrary: deviceValue(imperial ? '[lb_av]' : 'kg', imperial ? pounds : kilograms) },
        {
          weight: 1,
          arbitrary: fc.constant<DeviceValue>({
            value: null,
            unit: imperial ? '[lb_av]' : 'kg',
            missing: 'unsuccessful',
          }),
        },
      ),
      deviceTime: fc.option(deviceTime(), { nil: undefined }),
      userId: fc.option(fc.integer({ min: 0, max: 254 }), { nil: undefined }),
      bmiHeight: fc.option(
        fc.tuple(fc.integer({ min: 0, max: 0xfffe }), fc.integer({ min: 0, max: 0xfffe })),
        { nil: undefined },
      ),
    })
    .map((r): WeightMeasurement => {
      const m: WeightMeasurement = { kind: 'weight', weight: r.weight };
      if (r.deviceTime) m.deviceTime = r.deviceTime;
      if (r.userId !== undefined) m.userId = r.userId;
      if (r.bmiHeight) {
        m.bmi = { value: r.bmiHeight[0] / 10, unit: 'kg/m2' };
        m.height = imperial
          ? { value: r.bmiHeight[1] / 10, unit: '[in_i]' }
          : { value: r.bmiHeight[1] / 1000, unit: 'm' };
      }
      return m;
    }),
);

export const gattBodyCompositionMeasurement: fc.Arbitrary<BodyCompositionMeasurement> = fc
  .boolean()
  .chain((imperial) => {
    const massUnit: Ucum = imperial ? '[lb_av]' : 'kg';
    const mass = fc.oneof(
      { weight: 9, arbitrary: deviceValue(massUnit, imperial ? pounds : kilograms) },
      {
        weight: 1,
        arbitrary: fc.constant<DeviceValue>({ value: null, unit: massUnit, missing: 'unsuccessful' }),
      },
    );
    const raw = fc.integer({ min: 0, max: 0xfffe });
    return withOptional<BodyCompositionMeasurement>(
      {
        kind: fc.constant('body-composition'),
        bodyFat: fc.oneof(
          {
            weight: 9,
            arbitrary: deviceValue(
              '%',
              raw.map((n) => n / 10),
            ),
          },
          {
            weight: 1,
            arbitrary: fc.constant<DeviceValue>({ value: null, unit: '%', missing: 'unsuccessful' }),
          },
        ),
      },
      {
        deviceTime: deviceTime(),
        userId: fc.integer({ min: 0, max: 254 }),
        basalMetabolism: deviceValue('kJ', raw),
        musclePercentage: deviceValue(
          '%',
          raw.map((n) => n / 10),
        ),
        muscleMass: mass,
        fatFreeMass: mass,
        softLeanMass: mass,
        bodyWaterMass: mass,
        impedance: deviceValue(
          'Ohm',
          raw.map((n) => n / 10),
        ),
        weight: mass,
        height: imperial
          ? deviceValue(
              '[in_i]',
              raw.map((n) => n / 10),
            )
          : deviceValue(
              'm',
              raw.map((n) => n / 1000),
            ),
        extra: fc.constant({ multiplePacket: true }),
      },
    );
  });

export const gattTemperatureMeasurement: fc.Arbitrary<TemperatureMeasurement> = fc
  .constantFrom<Ucum>('Cel', '[degF]')
  .chain((unit) =>
    withOptional<TemperatureMeasurement>(
      {
        kind: fc.constant('temperature'),
        temperature: fc.oneof(
          {
            weight: 8,
            arbitrary: deviceValue(
              unit,
              decimal({ min: -8_388_605, max: 8_388_605, exponents: [-4, -3, -2, -1, 0, 1, 3] }),
            ),
          },
          {
            weight: 1,
            arbitrary: fc
              .constantFrom(...SPECIALS)
              .map((missing): DeviceValue => ({ value: null, unit, missing })),
          },
        ),
      },
      {
        deviceTime: deviceTime(),
        site: fc.constantFrom(...TemperatureSite.options),
      },
    ),
  );

const plxBase = withOptional<PulseOximetryMeasurement>(
  { kind: fc.constant('pulse-oximetry'), spo2: sfloatDeviceValue('%'), pulseRate: sfloatDeviceValue('/min') },
  { pulseAmplitudeIndex: sfloatDeviceValue('%'), annunciations: orderedSubset(PLX_STATUS) },
);

export const gattSpotCheckMeasurement: fc.Arbitrary<PulseOximetryMeasurement> = fc
  .tuple(plxBase, fc.option(deviceTime(), { nil: undefined }), fc.boolean())
  .map(([m, time, clockNotSet]) => {
    if (clockNotSet) return { ...m, annunciations: [...(m.annunciations ?? []), 'device-clock-not-set'] };
    return time ? { ...m, deviceTime: time } : m;
  });

const wholeSfloat = decimal({ min: -2045, max: 2045, exponents: [0] });

export const gattContinuousMeasurement: fc.Arbitrary<PulseOximetryMeasurement> = fc
  .tuple(
    plxBase,
    fc.record(
      {
        spo2Fast: wholeSfloat,
        pulseRateFast: wholeSfloat,
        spo2Slow: wholeSfloat,
        pulseRateSlow: wholeSfloat,
      },
      { requiredKeys: [] },
    ),
  )
  .map(([m, averages]) => ({ ...m, extra: { continuous: true, ...averages } }));

const ADDRESSES = ['A4:C1:38:12:34:56', 'C0:FF:EE:00:00:01', '00:1B:DC:0F:AA:03'];

export const gatewayMeasurement: fc.Arbitrary<DeviceMeasurement> = fc
  .tuple(
    fc.oneof<fc.Arbitrary<DeviceMeasurement>[]>(
      bloodPressureMeasurement,
      gattGlucoseMeasurement,
      gattWeightMeasurement,
      gattBodyCompositionMeasurement,
      gattTemperatureMeasurement,
      gattSpotCheckMeasurement,
      gattContinuousMeasurement,
    ),
    fc.constantFrom(...ADDRESSES),
  )
  .map(([m, deviceAddress]) => ({ ...m, extra: { ...m.extra, deviceAddress } }));

/** The round-trip arbitrary of each built-in protocol, by id. */
export const BUILT_IN_ARBITRARIES: Readonly<Record<string, fc.Arbitrary<DeviceMeasurement>>> = {
  'ad-scale': adScaleMeasurement,
  tanita: tanitaMeasurement,
  'bayer-contour': contourMeasurement,
  'onetouch-ultra2': oneTouchMeasurement,
  'contec-cms50d-plus': cms50Measurement,
  'ble-gateway': gatewayMeasurement,
  'gatt-2a35': bloodPressureMeasurement,
  'gatt-2a18': gattGlucoseMeasurement,
  'gatt-2a9d': gattWeightMeasurement,
  'gatt-2a9c': gattBodyCompositionMeasurement,
  'gatt-2a1c': gattTemperatureMeasurement,
  'gatt-2a5e': gattSpotCheckMeasurement,
  'gatt-2a5f': gattContinuousMeasurement,
};
