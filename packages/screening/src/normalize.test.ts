import {
  type DeviceMeasurement,
  type DeviceValue,
  MEASUREMENT_KINDS,
  MissingReason,
  Reading,
  type Ucum,
} from '@klinik-desa/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MeasurementRejectedError, REJECTION_CODES, ScreeningOptionError } from './errors.js';
import { intervalBounds } from './interval.js';
import { type NormalizeContext, type NormalizedReading, normalize } from './normalize.js';
import { toReading } from './reading.js';
import { THRESHOLDS } from './thresholds.js';
import { VALUES, type ValueName } from './values.js';

const receivedAt = '2026-11-23T02:15:00.000Z';
const ctx: NormalizeContext = { receivedAt };

function ok(m: DeviceMeasurement, c: NormalizeContext = ctx): NormalizedReading {
  const result = normalize(m, c);
  if (!result.ok) throw new Error(`rejected: ${result.error.code} ${result.error.message}`);
  return result.reading;
}

function rejected(m: DeviceMeasurement, c: NormalizeContext = ctx): MeasurementRejectedError {
  const result = normalize(m, c);
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.reading.values)}`);
  return result.error;
}

const value = (r: NormalizedReading, name: string) => r.values.find((v) => v.name === name);
const codes = (r: NormalizedReading) => r.flags.map((f) => f.code);

/** The smallest measurement holding `name` = `x` in its canonical unit (with believable companions). */
function measurementWith(name: ValueName, x: number): DeviceMeasurement {
  const v = (n: number, unit: Ucum = VALUES[name].unit): DeviceValue => ({ value: n, unit });
  switch (name) {
    case 'systolic':
      return { kind: 'blood-pressure', systolic: v(x), diastolic: v(Math.min(20, x - 1)) };
    case 'diastolic':
      return { kind: 'blood-pressure', systolic: v(Math.max(120, x + 1), 'mm[Hg]'), diastolic: v(x) };
    case 'meanArterialPressure':
      return {
        kind: 'blood-pressure',
        systolic: v(120, 'mm[Hg]'),
        diastolic: v(80, 'mm[Hg]'),
        meanArterialPressure: v(x),
      };
    case 'pulseRate':
      return { kind: 'pulse-oximetry', spo2: v(97, '%'), pulseRate: v(x) };
    case 'weight':
      return { kind: 'weight', weight: v(x) };
    case 'height':
      return { kind: 'height', height: v(x) };
    case 'bmi':
      return { kind: 'weight', weight: v(60, 'kg'), bmi: v(x) };
    case 'bodyFat':
      return { kind: 'body-composition', bodyFat: v(x) };
    case 'glucose':
    case 'glucoseMolar':
      return { kind: 'glucose', concentration: v(x, 'mg/dL') };
    case 'bodyTemperature':
      return { kind: 'temperature', temperature: v(x) };
    case 'spo2':
      return { kind: 'pulse-oximetry', spo2: v(x) };
    case 'waistCircumference':
      return { kind: 'waist', waistCircumference: v(x) };
    case 'totalCholesterol':
      return { kind: 'cholesterol', totalCholesterol: v(x) };
    case 'uricAcid':
      return { kind: 'uric-acid', uricAcid: v(x) };
    case 'haemoglobin':
      return { kind: 'haemoglobin', haemoglobin: v(x) };
  }
}

describe('conversions to canonical units', () => {
  it.each<[DeviceMeasurement, string, number, string, string]>([
    [
      {
        kind: 'blood-pressure',
        systolic: { value: 16, unit: 'kPa' },
        diastolic: { value: 10.7, unit: 'kPa' },
      },
      'systolic',
      120,
      'mm[Hg]',
      '8480-6',
    ],
    [
      {
        kind: 'blood-pressure',
        systolic: { value: 16, unit: 'kPa' },
        diastolic: { value: 10.7, unit: 'kPa' },
      },
      'diastolic',
      80,
      'mm[Hg]',
      '8462-4',
    ],
    [
      {
        kind: 'blood-pressure',
        systolic: { value: 120, unit: 'mm[Hg]' },
        diastolic: { value: 80, unit: 'mm[Hg]' },
        meanArterialPressure: { value: 12.4, unit: 'kPa' },
      },
      'meanArterialPressure',
      93,
      'mm[Hg]',
      '8478-0',
    ],
    [
      {
        kind: 'blood-pressure',
        systolic: { value: 120, unit: 'mm[Hg]' },
        diastolic: { value: 80, unit: 'mm[Hg]' },
        pulseRate: { value: 72, unit: '/min' },
      },
      'pulseRate',
      72,
      '/min',
      '8867-4',
    ],
    [{ kind: 'weight', weight: { value: 62.455, unit: 'kg' } }, 'weight', 62.46, 'kg', '29463-7'],
    [{ kind: 'weight', weight: { value: 182.5, unit: '[lb_av]' } }, 'weight', 82.78, 'kg', '29463-7'],
    [{ kind: 'weight', weight: { value: 2000, unit: '[oz_av]' } }, 'weight', 56.7, 'kg', '29463-7'],
    [{ kind: 'weight', weight: { value: 55200, unit: 'g' } }, 'weight', 55.2, 'kg', '29463-7'],
    [
      { kind: 'weight', weight: { value: 70, unit: 'kg' }, height: { value: 1.681, unit: 'm' } },
      'height',
      168.1,
      'cm',
      '8302-2',
    ],
    [{ kind: 'height', height: { value: 60, unit: '[in_i]' } }, 'height', 152.4, 'cm', '8302-2'],
    [
      { kind: 'weight', weight: { value: 70, unit: 'kg' }, bmi: { value: 24.22, unit: 'kg/m2' } },
      'bmi',
      24.2,
      'kg/m2',
      '39156-5',
    ],
    [{ kind: 'body-composition', bodyFat: { value: 28.45, unit: '%' } }, 'bodyFat', 28.5, '%', '41982-0'],
    [{ kind: 'glucose', concentration: { value: 7, unit: 'mmol/L' } }, 'glucose', 126, 'mg/dL', '41653-7'],
    [{ kind: 'glucose', concentration: { value: 11.1, unit: 'mmol/L' } }, 'glucose', 200, 'mg/dL', '41653-7'],
    [{ kind: 'glucose', concentration: { value: 3.9, unit: 'mmol/L' } }, 'glucose', 70, 'mg/dL', '41653-7'],
    [
      { kind: 'glucose', concentration: { value: 7, unit: 'mmol/L' } },
      'glucoseMolar',
      7,
      'mmol/L',
      '15074-8',
    ],
    [{ kind: 'glucose', concentration: { value: 110, unit: 'mg/dL' } }, 'glucose', 110, 'mg/dL', '41653-7'],
    [
      { kind: 'temperature', temperature: { value: 99.5, unit: '[degF]' } },
      'bodyTemperature',
      37.5,
      'Cel',
      '8310-5',
    ],
    [
      { kind: 'temperature', temperature: { value: 98.6, unit: '[degF]' } },
      'bodyTemperature',
      37,
      'Cel',
      '8310-5',
    ],
    [
      { kind: 'temperature', temperature: { value: 36.65, unit: 'Cel' } },
      'bodyTemperature',
      36.7,
      'Cel',
      '8310-5',
    ],
    [{ kind: 'pulse-oximetry', spo2: { value: 97, unit: '%' } }, 'spo2', 97, '%', '59408-5'],
    [
      { kind: 'waist', waistCircumference: { value: 36, unit: '[in_i]' } },
      'waistCircumference',
      91.4,
      'cm',
      '8280-0',
    ],
    [
      { kind: 'waist', waistCircumference: { value: 0.855, unit: 'm' } },
      'waistCircumference',
      85.5,
      'cm',
      '8280-0',
    ],
  ])('%# %s → %s %s %s', (m, name, expected, unit, loinc) => {
    const v = value(ok(m), name);
    expect(v).toBeDefined();
    expect(v?.value).toBe(expected);
    expect(v?.unit).toBe(unit);
    expect(v?.code).toBe(loinc);
    expect(v?.original).toEqual(
      name === 'glucoseMolar'
        ? { value: 7, unit: 'mmol/L' }
        : { value: (m as never)[fieldOf(m, name)]['value'], unit: (m as never)[fieldOf(m, name)]['unit'] },
    );
  });

  it('keeps a mmol/L meter value beside the mg/dL value, and only then', () => {
    const molar = ok({ kind: 'glucose', concentration: { value: 8.1, unit: 'mmol/L' } });
    expect(molar.values.map((v) => [v.name, v.value, v.unit])).toEqual([
      ['glucose', 146, 'mg/dL'],
      ['glucoseMolar', 8.1, 'mmol/L'],
    ]);
    expect(ok({ kind: 'glucose', concentration: { value: 146, unit: 'mg/dL' } }).values).toHaveLength(1);
  });

  it('rejects a unit a value cannot be in', () => {
    const error = rejected({
      kind: 'blood-pressure',
      systolic: { value: 120, unit: 'kg' },
      diastolic: { value: 80, unit: 'mm[Hg]' },
    });
    expect(error.code).toBe('UNSUPPORTED_UNIT');
    expect(error.value).toBe('systolic');
  });
});

function fieldOf(m: DeviceMeasurement, name: string): string {
  const fields: Record<string, string> = {
    bodyTemperature: 'temperature',
    glucose: 'concentration',
  };
  const field = fields[name] ?? name;
  return field in m ? field : name;
}

describe('values the device could not give', () => {
  it.each(MissingReason.options)(
    'a primary %s value becomes null with a FHIR data-absent reason',
    (missing) => {
      const r = ok({ kind: 'weight', weight: { value: null, unit: 'kg', missing } });
      const v = value(r, 'weight');
      expect(v?.value).toBeNull();
      expect(v?.absentReason).toBe(
        {
          nan: 'not-a-number',
          'positive-infinity': 'positive-infinity',
          'negative-infinity': 'negative-infinity',
          'not-reported': 'unknown',
        }[missing as string] ?? 'error',
      );
      expect(v?.original).toEqual({ value: null, unit: 'kg' });
    },
  );

  it('drops an absent secondary value (a monitor that does not compute the mean pressure)', () => {
    const r = ok({
      kind: 'blood-pressure',
      systolic: { value: 120, unit: 'mm[Hg]' },
      diastolic: { value: null, unit: 'mm[Hg]', missing: 'nres' },
      meanArterialPressure: { value: null, unit: 'mm[Hg]', missing: 'nan' },
    });
    expect(r.values.map((v) => [v.name, v.value, v.absentReason])).toEqual([
      ['systolic', 120, undefined],
      ['diastolic', null, 'error'],
    ]);
    expect(codes(r).filter((c) => c.startsWith('bp.'))).toEqual([]);
  });

  it('treats a non-finite number that slipped past a decoder as NaN, never as a number', () => {
    const r = ok({ kind: 'temperature', temperature: { value: Number.POSITIVE_INFINITY, unit: 'Cel' } });
    expect(value(r, 'bodyTemperature')).toMatchObject({ value: null, absentReason: 'not-a-number' });
  });
});

describe('plausibility', () => {
  // Generated from the table: at every bound, one step of the value's resolution inside and outside.
  const cases: [ValueName, number, 'ok' | 'remeasure' | 'impossible'][] = [];
  for (const row of THRESHOLDS.plausibility) {
    const step = 10 ** -VALUES[row.value].decimals;
    const round = (x: number) => Number(x.toFixed(VALUES[row.value].decimals));
    const state = (x: number): 'ok' | 'remeasure' | 'impossible' => {
      const inside = (i: typeof row.possible) =>
        (i.gt === undefined || x > i.gt) &&
        (i.gte === undefined || x >= i.gte) &&
        (i.lt === undefined || x < i.lt) &&
        (i.lte === undefined || x <= i.lte);
      if (!inside(row.possible)) return 'impossible';
      return inside(row.expected) ? 'ok' : 'remeasure';
    };
    for (const b of [...intervalBounds(row.possible), ...intervalBounds(row.expected)]) {
      for (const x of [round(b - step), b, round(b + step)]) if (x > 0) cases.push([row.value, x, state(x)]);
    }
  }

  it.each(cases)('%s %s is %s', (name, x, expected) => {
    const result = normalize(measurementWith(name, x), ctx);
    if (expected === 'impossible') {
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error).toBeInstanceOf(MeasurementRejectedError);
        expect(result.error.code).toBe('IMPLAUSIBLE');
        expect(result.error.value).toBe(name);
        expect(result.error.message).toMatch(/outside the possible range/);
      }
      return;
    }
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const remeasure = result.reading.flags.filter(
      (f) => f.code === 'plausibility.remeasure' && f.value === name,
    );
    expect(remeasure).toHaveLength(expected === 'remeasure' ? 1 : 0);
  });

  it('refuses a 400 kg adult and a saturation above 100 %, names the value and keeps the device number', () => {
    const heavy = rejected({ kind: 'weight', weight: { value: 400, unit: 'kg' } });
    expect(heavy.code).toBe('IMPLAUSIBLE');
    expect(heavy.measured).toEqual({ value: 400, unit: 'kg' });
    expect(heavy.message).toMatch(/Body weight 400 kg/);
    expect(rejected({ kind: 'pulse-oximetry', spo2: { value: 101, unit: '%' } }).value).toBe('spo2');
    expect(rejected({ kind: 'weight', weight: { value: 0, unit: 'kg' } }).code).toBe('IMPLAUSIBLE');
  });

  it('checks the converted value: 900 lb is a scale error', () => {
    expect(rejected({ kind: 'weight', weight: { value: 900, unit: '[lb_av]' } }).code).toBe('IMPLAUSIBLE');
  });

  it('refuses a diastolic that is not below the systolic', () => {
    const error = rejected({
      kind: 'blood-pressure',
      systolic: { value: 90, unit: 'mm[Hg]' },
      diastolic: { value: 90, unit: 'mm[Hg]' },
    });
    expect(error.code).toBe('IMPLAUSIBLE');
    expect(error.value).toBe('diastolic');
    expect(
      ok({
        kind: 'blood-pressure',
        systolic: { value: 91, unit: 'mm[Hg]' },
        diastolic: { value: 90, unit: 'mm[Hg]' },
      }).values,
    ).toHaveLength(2);
  });

  it('keeps an alarming but possible value, flags it and still triages it', () => {
    const r = ok({ kind: 'pulse-oximetry', spo2: { value: 65, unit: '%' } });
    expect(codes(r)).toContain('plausibility.remeasure');
    expect(codes(r)).toContain('spo2.very-low');
    expect(r.flags.find((f) => f.code === 'plausibility.remeasure')?.message?.en).toMatch(
      /^Oxygen saturation \(SpO2\) is outside/,
    );
  });
});

describe('glucose', () => {
  it.each([
    [{ controlSolution: true }],
    [{ specimen: 'control-solution' as const }],
    [{ sampleLocation: 'control-solution' as const }],
  ])('refuses a control-solution test (%o)', (extra) => {
    const error = rejected({ kind: 'glucose', concentration: { value: 110, unit: 'mg/dL' }, ...extra });
    expect(error.code).toBe('CONTROL_SOLUTION');
    expect(error).toBeInstanceOf(MeasurementRejectedError);
  });

  it('refuses a CGM (interstitial fluid) value', () => {
    expect(
      rejected({
        kind: 'glucose',
        concentration: { value: 110, unit: 'mg/dL' },
        specimen: 'interstitial-fluid',
      }).code,
    ).toBe('UNSUPPORTED_SPECIMEN');
  });

  it.each([
    ['fasting', undefined, 'fasting', false],
    ['preprandial', undefined, 'random', false],
    ['postprandial', undefined, 'random', false],
    ['casual', undefined, 'random', false],
    ['bedtime', undefined, 'random', false],
    [undefined, undefined, 'random', true],
    [undefined, 'fasting', 'fasting', false],
    ['fasting', 'random', 'random', false],
  ] as const)('meal %s, worker %s → %s', (meal, worker, expected, assumed) => {
    const r = ok(
      { kind: 'glucose', concentration: { value: 110, unit: 'mg/dL' }, ...(meal ? { meal } : {}) },
      { ...ctx, ...(worker ? { glucoseContext: worker } : {}) },
    );
    expect(r.context?.glucose).toBe(expected);
    expect(codes(r)).toContain(
      expected === 'fasting' ? 'glucose.fasting.prediabetes' : 'glucose.random.normal',
    );
    expect(codes(r).includes('glucose.assumed-random')).toBe(assumed);
  });

  it.each([
    [undefined, false, '41653-7'],
    [undefined, true, '41604-0'],
    ['capillary-whole-blood', false, '41653-7'],
    ['capillary-plasma', true, '41604-0'],
    ['undetermined-plasma', false, '41653-7'],
    ['venous-plasma', true, '1558-6'],
    ['venous-plasma', false, '2345-7'],
    ['arterial-plasma', false, '2345-7'],
    ['venous-whole-blood', true, '2339-0'],
  ] as const)('specimen %s, fasting %s is coded %s', (specimen, fasting, loinc) => {
    const r = ok(
      { kind: 'glucose', concentration: { value: 95, unit: 'mg/dL' }, ...(specimen ? { specimen } : {}) },
      { ...ctx, glucoseContext: fasting ? 'fasting' : 'random' },
    );
    expect(value(r, 'glucose')?.code).toBe(loinc);
    expect(r.context).toEqual({ glucose: fasting ? 'fasting' : 'random', ...(specimen ? { specimen } : {}) });
  });
});

describe('device clocks', () => {
  const at = (
    deviceTime: string | undefined,
    extra: Partial<DeviceMeasurement> = {},
    c: Partial<NormalizeContext> = {},
  ) =>
    ok(
      {
        kind: 'temperature',
        temperature: { value: 36.6, unit: 'Cel' },
        ...(deviceTime ? { deviceTime } : {}),
        ...extra,
      } as DeviceMeasurement,
      { ...ctx, ...c },
    );

  it('reads a zone-less device time in WIB by default', () => {
    const r = at('2026-11-23T09:14:30');
    expect(r.timeSource).toBe('device');
    expect(r.measuredAt).toBe('2026-11-23T02:14:30.000Z');
    expect(r.receivedAt).toBe(receivedAt);
    expect(r.device.time).toBe('2026-11-23T09:14:30');
    expect(codes(r).filter((c) => c.startsWith('time.'))).toEqual([]);
  });

  it('reads it in another zone or at a fixed offset when configured', () => {
    expect(at('2026-11-23T10:14', {}, { timeZone: 'Asia/Makassar' }).measuredAt).toBe(
      '2026-11-23T02:14:00.000Z',
    );
    expect(at('2026-11-23T11:14', {}, { timeZone: 'Asia/Jayapura' }).measuredAt).toBe(
      '2026-11-23T02:14:00.000Z',
    );
    expect(at('2026-11-23T10:14', {}, { utcOffsetMinutes: 480 }).measuredAt).toBe('2026-11-23T02:14:00.000Z');
  });

  it.each([
    [undefined, 'kiosk', 'time.no-device-clock', 'normal'],
    ['2000-01-01T00:00:00', 'kiosk', 'time.device-clock-past', 'attention'],
    ['2026-11-22T09:14:59', 'kiosk', 'time.device-clock-past', 'attention'],
    ['2026-11-22T09:15:00', 'device', undefined, undefined],
    ['2026-11-23T09:20:00', 'device', undefined, undefined],
    ['2026-11-23T09:20:01', 'kiosk', 'time.device-clock-future', 'attention'],
    ['2027-03-01T08:00', 'kiosk', 'time.device-clock-future', 'attention'],
    ['2026-02-30T09:00:00', 'kiosk', 'time.device-clock-invalid', 'attention'],
    ['2026-13-01T09:00', 'kiosk', 'time.device-clock-invalid', 'attention'],
    ['2026-11-23T24:00', 'kiosk', 'time.device-clock-invalid', 'attention'],
    ['0000-00-00T00:00:00', 'kiosk', 'time.device-clock-invalid', 'attention'],
  ])('device time %s → %s time, flag %s', (deviceTime, source, flag, severity) => {
    const r = at(deviceTime);
    expect(r.timeSource).toBe(source);
    if (source === 'kiosk') expect(r.measuredAt).toBe(receivedAt);
    const timeFlags = r.flags.filter((f) => f.code.startsWith('time.'));
    expect(timeFlags.map((f) => f.code)).toEqual(flag ? [flag] : []);
    if (severity) expect(timeFlags[0]?.severity).toBe(severity);
  });

  it('takes a value typed in by the health worker as measured when received, with no clock to flag', () => {
    const r = at(undefined, {}, { manual: true });
    expect(r.timeSource).toBe('kiosk');
    expect(r.measuredAt).toBe(receivedAt);
    expect(codes(r).filter((c) => c.startsWith('time.'))).toEqual([]);
  });

  it('ignores the device time when the device says its clock is wrong', () => {
    const r = at('2026-11-23T09:14:30', { annunciations: ['time-fault'] });
    expect(r.timeSource).toBe('kiosk');
    expect(codes(r)).toContain('time.device-clock-invalid');
  });

  it('takes a different clock policy', () => {
    const c = { clock: { maxPastMinutes: 10, maxFutureMinutes: 0 } };
    expect(at('2026-11-23T09:04:59', {}, c).timeSource).toBe('kiosk');
    expect(at('2026-11-23T09:05:00', {}, c).timeSource).toBe('device');
    expect(at('2026-11-23T09:15:01', {}, c).timeSource).toBe('kiosk');
  });

  it('throws ScreeningOptionError for a bad context', () => {
    const m: DeviceMeasurement = { kind: 'waist', waistCircumference: { value: 80, unit: 'cm' } };
    expect(() => normalize(m, { receivedAt: 'yesterday' })).toThrow(ScreeningOptionError);
    expect(() => normalize(m, { receivedAt: new Date(Number.NaN) })).toThrow(ScreeningOptionError);
    expect(() => normalize(m, { receivedAt, timeZone: 'Asia/Atlantis' })).toThrow(/unknown time zone/);
    expect(() => normalize(m, { receivedAt, utcOffsetMinutes: 7.5 })).toThrow(ScreeningOptionError);
    expect(() => normalize(m, { receivedAt, clock: { maxPastMinutes: -1 } })).toThrow(ScreeningOptionError);
    expect(normalize(m, { receivedAt: new Date(receivedAt) }).ok).toBe(true);
    expect(ok(m, { receivedAt: '2026-11-23T09:15:00+07:00' }).receivedAt).toBe(receivedAt);
  });
});

describe('device annunciations', () => {
  it('asks for a re-measurement on movement or a loose cuff, and flags an irregular pulse', () => {
    const r = ok({
      kind: 'blood-pressure',
      systolic: { value: 128, unit: 'mm[Hg]' },
      diastolic: { value: 82, unit: 'mm[Hg]' },
      annunciations: ['body-movement', 'irregular-pulse', 'battery-low'],
    });
    expect(codes(r)).toEqual([
      'time.no-device-clock',
      'device.remeasure',
      'bp.irregular-pulse',
      'device.notice',
      'bp.normal',
    ]);
    expect(r.flags[1]?.message).toEqual({
      id: 'Alat melaporkan masalah pengukuran (pasien bergerak saat pengukuran). Ukur ulang.',
      en: 'The device reported a measurement problem (the patient moved during the measurement). Measure again.',
    });
    expect(r.flags[3]?.message?.en).toBe('The device reports: the device battery is low.');
    expect(r.annunciations).toEqual(['body-movement', 'irregular-pulse', 'battery-low']);
  });
});

describe('triage at normalize time', () => {
  it('classifies what one reading can: a single BP, glucose, a scale BMI with the configured table, a waist when the sex is known', () => {
    expect(
      codes(
        ok(
          { kind: 'weight', weight: { value: 70, unit: 'kg' }, bmi: { value: 26, unit: 'kg/m2' } },
          { ...ctx, rules: { bmiTable: 'national' } },
        ),
      ),
    ).toContain('bmi.national.overweight');
    const waist: DeviceMeasurement = { kind: 'waist', waistCircumference: { value: 85, unit: 'cm' } };
    expect(codes(ok(waist)).filter((c) => c.startsWith('waist'))).toEqual([]);
    expect(codes(ok(waist, { ...ctx, patient: { sex: 'female' } }))).toContain(
      'waist.female.central-obesity',
    );
    expect(codes(ok(waist, { ...ctx, patient: { sex: 'male' } }))).toContain('waist.male.normal');
  });
});

describe('toReading', () => {
  const normalized = ok({
    kind: 'weight',
    weight: { value: 62.45, unit: 'kg' },
    sequenceNumber: 3,
    deviceTime: '2026-11-23T09:14:00',
  });
  const identity = {
    id: '019ab3c2-5f00-7a3c-9d11-2b3c4d5e6f70',
    clinicId: 'kdmp-3201-001',
    kioskId: 'kiosk-1',
    device: { id: 'scale-1', protocol: 'gatt-2a9d' },
    sessionId: 'KS-1',
  };

  it('adds the kiosk ids and gives a valid protocol Reading', () => {
    const reading = toReading(normalized, identity);
    expect(Reading.parse(reading)).toEqual(reading);
    expect(reading.device).toEqual({
      id: 'scale-1',
      protocol: 'gatt-2a9d',
      sequenceNumber: 3,
      time: '2026-11-23T09:14:00',
    });
    expect(reading.sessionId).toBe('KS-1');
    expect(reading).not.toHaveProperty('patientId');
  });

  it('names the field that does not fit the protocol', () => {
    expect(() => toReading(normalized, { ...identity, id: 'not-a-uuid' })).toThrow(/at id:/);
    expect(() => toReading(normalized, { ...identity, kioskId: 'a/b' })).toThrow(ScreeningOptionError);
  });
});

describe('any decoded measurement', () => {
  const units = Object.fromEntries(Object.values(VALUES).map((v) => [v.name, v.accepts])) as Record<
    ValueName,
    readonly Ucum[]
  >;
  const deviceValue = (name: ValueName) =>
    fc.oneof(
      fc.record({
        value: fc.double({ min: -50, max: 2000, noNaN: true, noDefaultInfinity: true }),
        unit: fc.constantFrom(...units[name], 'kg' as Ucum),
      }),
      fc.record({
        value: fc.constant(null),
        unit: fc.constantFrom(...units[name]),
        missing: fc.constantFrom(...MissingReason.options),
      }),
    );
  const common = {
    deviceTime: fc.option(
      fc
        .date({ min: new Date('1999-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 19)),
      { nil: undefined },
    ),
    annunciations: fc.option(
      fc.array(fc.constantFrom('body-movement', 'irregular-pulse', 'time-fault', 'x')),
      { nil: undefined },
    ),
  };
  const measurement: fc.Arbitrary<DeviceMeasurement> = fc.oneof(
    fc.record(
      {
        kind: fc.constant('blood-pressure' as const),
        systolic: deviceValue('systolic'),
        diastolic: deviceValue('diastolic'),
        pulseRate: deviceValue('pulseRate'),
        ...common,
      },
      { requiredKeys: ['kind', 'systolic', 'diastolic'] },
    ),
    fc.record(
      {
        kind: fc.constant('glucose' as const),
        concentration: deviceValue('glucose'),
        meal: fc.constantFrom('fasting' as const, 'casual' as const),
        controlSolution: fc.boolean(),
        ...common,
      },
      { requiredKeys: ['kind', 'concentration'] },
    ),
    fc.record(
      {
        kind: fc.constant('weight' as const),
        weight: deviceValue('weight'),
        height: deviceValue('height'),
        bmi: deviceValue('bmi'),
        ...common,
      },
      { requiredKeys: ['kind', 'weight'] },
    ),
    fc.record(
      {
        kind: fc.constant('body-composition' as const),
        bodyFat: deviceValue('bodyFat'),
        weight: deviceValue('weight'),
        ...common,
      },
      { requiredKeys: ['kind', 'bodyFat'] },
    ),
    fc.record(
      { kind: fc.constant('temperature' as const), temperature: deviceValue('bodyTemperature'), ...common },
      { requiredKeys: ['kind', 'temperature'] },
    ),
    fc.record(
      {
        kind: fc.constant('pulse-oximetry' as const),
        spo2: deviceValue('spo2'),
        pulseRate: deviceValue('pulseRate'),
        ...common,
      },
      { requiredKeys: ['kind', 'spo2'] },
    ),
    fc.record(
      { kind: fc.constant('height' as const), height: deviceValue('height'), ...common },
      { requiredKeys: ['kind', 'height'] },
    ),
    fc.record(
      {
        kind: fc.constant('waist' as const),
        waistCircumference: deviceValue('waistCircumference'),
        ...common,
      },
      { requiredKeys: ['kind', 'waistCircumference'] },
    ),
    fc.record(
      {
        kind: fc.constant('cholesterol' as const),
        totalCholesterol: deviceValue('totalCholesterol'),
        ...common,
      },
      { requiredKeys: ['kind', 'totalCholesterol'] },
    ),
    fc.record(
      { kind: fc.constant('uric-acid' as const), uricAcid: deviceValue('uricAcid'), ...common },
      { requiredKeys: ['kind', 'uricAcid'] },
    ),
    fc.record(
      { kind: fc.constant('haemoglobin' as const), haemoglobin: deviceValue('haemoglobin'), ...common },
      { requiredKeys: ['kind', 'haemoglobin'] },
    ),
  ) as fc.Arbitrary<DeviceMeasurement>;

  it('covers every measurement kind', () => {
    expect(MEASUREMENT_KINDS.length).toBe(11);
  });

  it('becomes a valid Reading or a typed rejection, never an exception or a number from nothing', () => {
    fc.assert(
      fc.property(
        measurement,
        fc.constantFrom('male', 'female') as fc.Arbitrary<'male' | 'female'>,
        (m, sex) => {
          const result = normalize(m, { receivedAt, patient: { sex } });
          if (!result.ok) {
            expect(REJECTION_CODES).toContain(result.error.code);
            return;
          }
          const reading = toReading(result.reading, {
            id: '019ab3c2-5f00-7a3c-9d11-2b3c4d5e6f70',
            clinicId: 'c1',
            kioskId: 'k1',
            device: { id: 'd1', protocol: 'test' },
          });
          expect(Reading.safeParse(reading).success).toBe(true);
          for (const v of reading.values) {
            expect(v.unit).toBe(VALUES[v.name as ValueName].unit);
            if (v.original?.value === null) expect(v.value).toBeNull();
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
