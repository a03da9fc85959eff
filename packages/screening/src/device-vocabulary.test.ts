import {
  DEVICE_ANNUNCIATION_NAMES,
  type DeviceAnnunciation,
  type DeviceMeasurement,
  type DeviceValue,
  Reading,
} from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { numberOf } from './derive.js';
import { ANNUNCIATION_CONSEQUENCES } from './device-vocabulary.js';
import type { MeasurementRejectedError } from './errors.js';
import { type NormalizedReading, normalize } from './normalize.js';
import { toReading } from './reading.js';

const ctx = { receivedAt: '2026-11-23T02:15:00.000Z' };
const BP: DeviceMeasurement = {
  kind: 'blood-pressure',
  systolic: { value: 128, unit: 'mm[Hg]' },
  diastolic: { value: 82, unit: 'mm[Hg]' },
  deviceTime: '2026-11-23T09:14:00',
};
const glucose = (concentration: DeviceValue, annunciations?: DeviceAnnunciation[]): DeviceMeasurement => ({
  kind: 'glucose',
  concentration,
  deviceTime: '2026-11-23T09:14:00',
  ...(annunciations ? { annunciations } : {}),
});

/** A measurement carrying the member, of the kind that says it (a BP for the generic ones). */
function measurementSaying(member: DeviceAnnunciation): DeviceMeasurement {
  if (member === 'overload') {
    return {
      kind: 'weight',
      weight: { value: null, unit: 'kg', missing: 'out-of-range' },
      annunciations: [member],
    };
  }
  if (member === 'result-above-device-range') return glucose({ value: 600, unit: 'mg/dL' }, [member]);
  if (member === 'result-below-device-range') return glucose({ value: 20, unit: 'mg/dL' }, [member]);
  return { ...BP, annunciations: [member] };
}

function ok(m: DeviceMeasurement): NormalizedReading {
  const result = normalize(m, ctx);
  if (!result.ok) throw new Error(`rejected: ${result.error.code} ${result.error.message}`);
  return result.reading;
}
function rejected(m: DeviceMeasurement): MeasurementRejectedError {
  const result = normalize(m, ctx);
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.reading.values)}`);
  return result.error;
}
const codes = (r: NormalizedReading) => r.flags.map((f) => f.code);
const valueNamed = (r: NormalizedReading, name: string) => r.values.find((v) => v.name === name);

describe('the consequence of every member of the device vocabulary', () => {
  it.each(DEVICE_ANNUNCIATION_NAMES)('%s has texts and does what its row says', (member) => {
    const consequence = ANNUNCIATION_CONSEQUENCES[member];
    expect(consequence.text.id.length).toBeGreaterThan(0);
    expect(consequence.text.en.length).toBeGreaterThan(0);
    const r = ok(measurementSaying(member));
    const flagged = (code: string) => r.flags.find((f) => f.code === code);
    const systolic = valueNamed(r, 'systolic');
    switch (consequence.kind) {
      case 'remeasure':
        expect(flagged('device.remeasure')?.message?.id).toContain(consequence.text.id);
        expect(flagged('device.remeasure')?.message?.en).toContain(consequence.text.en);
        expect(systolic?.value).toBe(128);
        break;
      case 'withhold':
        expect(flagged('device.value-withheld')?.message?.id).toContain(consequence.text.id);
        expect(systolic).toMatchObject({ value: null, absentReason: 'error', original: { value: 128 } });
        expect(codes(r).some((c) => c.startsWith('bp.'))).toBe(false);
        break;
      case 'show':
        expect(flagged('device.notice')?.message?.en).toContain(consequence.text.en);
        expect(systolic?.value).toBe(128);
        break;
      case 'irregular-pulse':
        expect(flagged('bp.irregular-pulse')).toBeDefined();
        break;
      case 'clock':
        // Given a time beside it, the time is not believed (a decoder drops it first where it can).
        expect(r.timeSource).toBe('kiosk');
        expect(flagged('time.device-clock-invalid')).toBeDefined();
        break;
      case 'beyond-range':
        if (member === 'overload') {
          expect(valueNamed(r, 'weight')).toMatchObject({ value: null, absentReason: 'error' });
          expect(flagged('device.beyond-range')?.message?.en).toContain('(HI)');
        } else {
          expect(valueNamed(r, 'glucose')?.comparator).toBe(
            member === 'result-above-device-range' ? '>' : '<',
          );
        }
        break;
      case 'none':
        expect(consequence.reason?.length).toBeGreaterThan(0);
        expect(codes(r)).toEqual(['bp.normal']);
        expect(systolic?.value).toBe(128);
        break;
    }
    expect(r.annunciations).toEqual([member]);
  });

  it('raises re-measure for a loose cuff and an improper position, named as the decoder names them', () => {
    const r = ok({ ...BP, annunciations: ['cuff-too-loose', 'improper-measurement-position'] });
    expect(codes(r).filter((c) => c === 'device.remeasure')).toHaveLength(2);
  });
});

describe('a device limit (HI / LO) instead of a value', () => {
  it('keeps > 600 mg/dL as the limit and calls for urgent confirmation, never "diabetes" from the number', () => {
    const r = ok(glucose({ value: 600, unit: 'mg/dL', comparator: '>' }, ['result-above-device-range']));
    expect(valueNamed(r, 'glucose')).toMatchObject({ value: 600, comparator: '>', unit: 'mg/dL' });
    const flag = r.flags.find((f) => f.code === 'glucose.above-device-range');
    expect(flag).toMatchObject({ severity: 'urgent', value: 'glucose' });
    expect(flag?.message?.en).toContain('HI (> 600 mg/dL)');
    expect(codes(r).some((c) => c.startsWith('glucose.random.'))).toBe(false);
    expect(Reading.safeParse(toReading(r, identity)).success).toBe(true);
  });

  it('keeps < 20 mg/dL as the limit and calls it urgent hypoglycaemia', () => {
    const r = ok(glucose({ value: 20, unit: 'mg/dL', comparator: '<' }, ['result-below-device-range']));
    expect(valueNamed(r, 'glucose')).toMatchObject({ value: 20, comparator: '<' });
    const flag = r.flags.find((f) => f.code === 'glucose.below-device-range');
    expect(flag?.severity).toBe('urgent');
    expect(flag?.message?.id).toContain('hipoglikemia');
    expect(flag?.message?.en).toContain('LO (< 20 mg/dL)');
  });

  it('reads the HI annunciation beside a plain number as the limit, whoever decoded it', () => {
    const r = ok(glucose({ value: 600, unit: 'mg/dL' }, ['result-above-device-range']));
    expect(valueNamed(r, 'glucose')?.comparator).toBe('>');
    expect(codes(r)).toContain('glucose.above-device-range');
  });

  it('still calls HI urgent when the meter sent no number (+INF)', () => {
    const r = ok(
      glucose({ value: null, unit: 'mg/dL', missing: 'positive-infinity' }, ['result-above-device-range']),
    );
    expect(valueNamed(r, 'glucose')).toMatchObject({ value: null, absentReason: 'positive-infinity' });
    expect(r.flags.find((f) => f.code === 'glucose.above-device-range')?.message?.en).toContain('(HI)');
  });

  it('reads +INF and -INF as beyond the range: glucose urgent, a thermometer measured again', () => {
    const hi = ok(glucose({ value: null, unit: 'mg/dL', missing: 'positive-infinity' }));
    expect(hi.flags.find((f) => f.code === 'glucose.above-device-range')?.severity).toBe('urgent');
    const lo = ok({
      kind: 'temperature',
      temperature: { value: null, unit: 'Cel', missing: 'negative-infinity' },
    });
    expect(lo.flags.find((f) => f.code === 'device.beyond-range')?.message?.id).toContain('(LO)');
    const nan = ok({ kind: 'temperature', temperature: { value: null, unit: 'Cel', missing: 'nan' } });
    expect(codes(nan)).not.toContain('device.beyond-range');
    // Blood pressure has no device limit: +INF stays an absent value, with no range flag.
    const bp = ok({ ...BP, systolic: { value: null, unit: 'mm[Hg]', missing: 'positive-infinity' } });
    expect(codes(bp).some((c) => c.includes('range'))).toBe(false);
  });

  it('keeps the comparator on both the mg/dL and the mmol/L value', () => {
    const r = ok(glucose({ value: 33.3, unit: 'mmol/L', comparator: '>' }));
    expect(valueNamed(r, 'glucose')).toMatchObject({ value: 600, comparator: '>' });
    expect(valueNamed(r, 'glucoseMolar')).toMatchObject({ value: 33.3, comparator: '>' });
  });

  it.each([
    ['>', 200, true],
    ['>', 199, false],
    ['>', 1000, true],
    ['>', 1001, false],
    ['<', 70, true],
    ['<', 71, false],
    ['<', 10, true],
    ['<', 9, false],
  ] as const)('takes a glucometer limit %s %d mg/dL: %s', (comparator, limit, taken) => {
    const result = normalize(glucose({ value: limit, unit: 'mg/dL', comparator }), ctx);
    expect(result.ok).toBe(taken);
    if (!result.ok) expect(result.error.code).toBe('IMPLAUSIBLE');
  });

  it('asks to weigh again on a scale beyond its capacity, and computes no BMI from the limit', () => {
    const r = ok({
      kind: 'weight',
      weight: { value: 250, unit: 'kg', comparator: '>' },
      height: { value: 170, unit: 'cm' },
    });
    expect(valueNamed(r, 'weight')).toMatchObject({ value: 250, comparator: '>' });
    const flag = r.flags.find((f) => f.code === 'device.beyond-range');
    expect(flag).toMatchObject({ severity: 'attention', value: 'weight' });
    expect(flag?.message?.en).toContain('HI (> 250 kg)');
    expect(numberOf(toReading(r, identity), 'weight')).toBeUndefined();
    expect(numberOf(toReading(r, identity), 'height')).toBe(170);
  });

  it('asks to measure again on a thermometer LO', () => {
    const r = ok({ kind: 'temperature', temperature: { value: 32, unit: 'Cel', comparator: '<' } });
    expect(valueNamed(r, 'bodyTemperature')).toMatchObject({ value: 32, comparator: '<' });
    expect(codes(r)).toContain('device.beyond-range');
    expect(codes(r).some((c) => c.startsWith('temperature.'))).toBe(false);
  });
});

describe('bad input from a device', () => {
  it('refuses a comparator on a value no device reports limits for, with a named error', () => {
    const error = rejected({ ...BP, systolic: { value: 128, unit: 'mm[Hg]', comparator: '>' } });
    expect(error.code).toBe('COMPARATOR_NOT_ALLOWED');
    expect(error.value).toBe('systolic');
    expect(rejected({ kind: 'pulse-oximetry', spo2: { value: 70, unit: '%', comparator: '<' } }).code).toBe(
      'COMPARATOR_NOT_ALLOWED',
    );
  });

  it('refuses a name outside the vocabulary (a vendor driver gone astray), with a named error', () => {
    const error = rejected({ ...BP, annunciations: ['cuff-fit-too-loose' as DeviceAnnunciation] });
    expect(error.code).toBe('UNKNOWN_ANNUNCIATION');
    expect(error.message).toContain('cuff-fit-too-loose');
  });
});

const identity = {
  id: '019ab0d2-5c1e-7000-8000-000000000001',
  clinicId: 'klinik-desa-sukamaju',
  kioskId: 'kiosk-01',
  device: { id: 'glucometer-1', protocol: 'bayer-contour' },
};
