import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes.js';
import {
  applyGlucoseContext,
  decodeGlucoseContext,
  decodeGlucoseMeasurement,
  decodeGlucoseMeasurementWithContextFlag,
  encodeGlucoseContext,
  encodeGlucoseMeasurement,
} from './glucose.js';

describe('Glucose Measurement 0x2A18', () => {
  it('adds the time offset to the base time and keeps the offset', () => {
    // flags 0x03: time offset + concentration; base 2025-12-31 23:50:00, offset +20 min
    const m = decodeGlucoseMeasurement(fromHex('030500e9070c1f173200140064b011'));
    expect(m.deviceTime).toBe('2026-01-01T00:10:00');
    expect(m.extra).toEqual({ timeOffsetMinutes: 20 });
    expect(m.concentration).toEqual({ value: 100, unit: 'mg/dL' });
  });

  it('reads type from the low nibble and sample location from the high nibble', () => {
    // 0x24: type 4 venous plasma, location 2 alternate site
    const m = decodeGlucoseMeasurement(fromHex('020100e90701010000006eb024'));
    expect(m.specimen).toBe('venous-plasma');
    expect(m.sampleLocation).toBe('alternate-site');
    // 0xFA: control solution type, location "not available"
    const control = decodeGlucoseMeasurement(fromHex('020100e90701010000006eb0fa'));
    expect(control.specimen).toBe('control-solution');
    expect(control.sampleLocation).toBeUndefined();
    expect(control.controlSolution).toBe(true);
  });

  it('turns the sensor status annunciation into annunciations', () => {
    const m = decodeGlucoseMeasurement(fromHex('0a0100e90701010000006eb0112108'));
    expect(m.annunciations).toEqual(['battery-low', 'result-above-device-range', 'time-fault']);
  });

  it('keeps the number beside "result higher/lower than the device can process" as the limit', () => {
    // 0x6eb0 is 110 mg/dL; status bit 5 (0x0020) above range, bit 6 (0x0040) below.
    expect(decodeGlucoseMeasurement(fromHex('0a0100e90701010000006eb0112000')).concentration).toEqual({
      value: 110,
      unit: 'mg/dL',
      comparator: '>',
    });
    expect(decodeGlucoseMeasurement(fromHex('0a0100e90701010000006eb0114000')).concentration).toEqual({
      value: 110,
      unit: 'mg/dL',
      comparator: '<',
    });
    // +INF beside the bit: no number to keep, the reason stays.
    expect(decodeGlucoseMeasurement(fromHex('0a0100e9070101000000fe07112000')).concentration).toEqual({
      value: null,
      unit: 'mg/dL',
      missing: 'positive-infinity',
    });
  });

  it('refuses a sensor status with a reserved bit (12–15), naming the error', () => {
    expect(() => decodeGlucoseMeasurement(fromHex('0a0100e90701010000006eb0110010'))).toThrow(
      expect.objectContaining({ name: 'DecodeError', code: 'RESERVED_BITS' }),
    );
  });

  it('says when a context record follows', () => {
    expect(
      decodeGlucoseMeasurementWithContextFlag(fromHex('120100e90701010000006eb011')).contextFollows,
    ).toBe(true);
  });

  it('encodes the vectors back byte for byte', () => {
    for (const hex of ['021100e9070913080f006eb011', '060300e90709130702283dc012', '000400e9070102030405']) {
      expect(toHex(encodeGlucoseMeasurement(decodeGlucoseMeasurement(fromHex(hex))))).toBe(hex);
    }
  });
});

describe('Glucose Measurement Context 0x2A34', () => {
  it('reads every optional field in order, extended flags included', () => {
    // flags 0xDF: carbohydrate, meal, tester-health, exercise, medication (kg), HbA1c, extended flags
    const bytes = fromHex('df1100' + '00' + '01' + '32d0' + '03' + '51' + '2c0132' + '01' + '05a0' + '3ef0');
    expect(decodeGlucoseContext(bytes)).toEqual({
      sequenceNumber: 17,
      carbohydrate: { meal: 'breakfast', grams: { value: 50, unit: 'g' } },
      meal: 'fasting',
      tester: 'self',
      health: 'no-health-issues',
      exercise: { durationSeconds: 300, intensityPercent: 50 },
      medication: { kind: 'rapid-acting-insulin', unit: 'mg', amount: 5 },
      hba1c: { value: 6.2, unit: '%' },
    });
  });

  it('round-trips through its encoder', () => {
    const context = decodeGlucoseContext(fromHex('7e0300030ff1ffff0a0405c03ef0'));
    expect(decodeGlucoseContext(encodeGlucoseContext(context))).toEqual(context);
  });

  it('joins a record with its context: the meal where screening looks for it', () => {
    const record = decodeGlucoseMeasurement(fromHex('121100e9070913080f006eb011'));
    const joined = applyGlucoseContext(record, {
      sequenceNumber: 17,
      meal: 'fasting',
      hba1c: { value: 6.2, unit: '%' },
    });
    expect(joined.meal).toBe('fasting');
    expect(joined.extra).toEqual({ hba1cPercent: 6.2 });
    expect(() => applyGlucoseContext(record, { sequenceNumber: 18 })).toThrow(/does not belong/);
  });
});
