import type { DeviceMeasurement } from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { MemoryOutbox } from '../outbox/memory-outbox.js';
import { ScreeningState } from '../screening/screening-state.js';
import { type KeptReading, ReadingPipeline, type RefusedMeasurement } from './reading-pipeline.js';

const KIOSK = {
  clinicId: 'clinic-1',
  kioskId: 'kiosk-1',
  timeZone: 'Asia/Jakarta',
  rules: { bmiTable: 'ilp' as const },
};
const weight = (kg: number, unstable = false): DeviceMeasurement => ({
  kind: 'weight',
  weight: { value: kg, unit: 'kg' },
  ...(unstable ? { annunciations: ['unstable' as const] } : {}),
});

function pipeline() {
  const outbox = new MemoryOutbox();
  const screening = new ScreeningState(undefined);
  const readings = new ReadingPipeline({ kiosk: KIOSK, outbox, screening, now: () => new Date() });
  const kept: KeptReading[] = [];
  const refused: RefusedMeasurement[] = [];
  readings.on('kept', (batch) => kept.push(...batch));
  readings.on('refused', (r) => refused.push(r));
  return { outbox, screening, readings, kept, refused };
}

describe('ReadingPipeline', () => {
  it('takes one reading per weighing from a streaming scale, bound to the open screening, kept on disk', () => {
    const { outbox, screening, readings, kept } = pipeline();
    screening.open({ sessionId: 'scr-1', patientId: 'pat-1', openedAt: '2026-05-01T08:00:00+07:00' });
    const scale = readings.forDevice({ id: 'scale-1', protocol: 'ad-scale', mode: 'stream' });
    scale.accept([weight(61.9, true), weight(62.45), weight(62.45), weight(62.45)], new Date(), true);
    expect(kept).toHaveLength(1);
    const { reading, deviceId } = kept[0] as KeptReading;
    expect(deviceId).toBe('scale-1');
    expect(reading).toMatchObject({ sessionId: 'scr-1', patientId: 'pat-1', kind: 'weight' });
    expect(outbox.get(reading.id)?.state).toBe('queued');
  });

  it('passes every measurement of a dialogue device, and drops a record handed over twice', () => {
    const { readings, kept } = pipeline();
    const meter = readings.forDevice({ id: 'meter-1', protocol: 'ad-scale', mode: 'dialogue' });
    const record = { ...weight(70), sequenceNumber: 7 };
    meter.accept([record, weight(71)], new Date(), true);
    meter.accept([record], new Date(), true);
    expect(kept.map((k) => k.reading.values[0]?.value)).toEqual([70, 71]);
  });

  it('refuses an impossible value as no patient reading, and a typed-in one with ManualReadingError', () => {
    const { readings, kept, refused } = pipeline();
    readings
      .forDevice({ id: 'scale-1', protocol: 'ad-scale', mode: 'dialogue' })
      .accept([weight(0)], new Date(), true);
    expect(refused).toEqual([expect.objectContaining({ deviceId: 'scale-1', code: 'IMPLAUSIBLE' })]);
    expect(() => readings.addManual({ kind: 'weight' })).toThrow(
      expect.objectContaining({ code: 'BAD_MEASUREMENT', status: 400 }),
    );
    expect(() => readings.addManual(weight(0))).toThrow(
      expect.objectContaining({ code: 'IMPLAUSIBLE', status: 422 }),
    );
    expect(readings.addManual(weight(55)).device).toEqual({ id: 'manual', protocol: 'manual' });
    expect(kept).toHaveLength(1);
  });

  it('refuses a comparator on a blood pressure and a name outside the vocabulary by code, and keeps going', () => {
    const { readings, kept, refused } = pipeline();
    const vendor = readings.forDevice({ id: 'bp-1', protocol: 'vendor-bp', mode: 'dialogue' });
    const bp = (systolic: number): DeviceMeasurement => ({
      kind: 'blood-pressure',
      systolic: { value: systolic, unit: 'mm[Hg]' },
      diastolic: { value: 80, unit: 'mm[Hg]' },
    });
    const limited = {
      ...bp(250),
      systolic: { value: 250, unit: 'mm[Hg]' as const, comparator: '>' as const },
    };
    const unknown = { ...bp(120), annunciations: ['cuff-fit-too-loose'] } as unknown as DeviceMeasurement;
    vendor.accept([limited, unknown, bp(121)], new Date(), true);
    expect(refused.map((r) => r.code)).toEqual(['COMPARATOR_NOT_ALLOWED', 'UNKNOWN_ANNUNCIATION']);
    expect(kept.map((k) => k.reading.values[0]?.value)).toEqual([121]);
  });
});
