import type { DeviceMeasurement } from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { MemoryOutbox } from '../outbox/memory-outbox.js';
import { ScreeningState } from '../screening/screening-state.js';
import type { LiveReading } from './live.js';
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
    // The page says it in its own language: the value's name in both, and the number refused.
    expect(refused[0]?.details).toEqual({
      value: 'weight',
      label: { id: 'Berat badan', en: 'Body weight' },
      measured: { value: 0, unit: 'kg' },
    });
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

describe('ReadingPipeline with a kiosk clock years behind', () => {
  it('judges a right meter clock against the clinic time, binds its recent record, and says how it was stamped', async () => {
    const { KioskClock } = await import('../clock/kiosk-clock.js');
    const real = Date.parse('2026-12-07T03:00:00Z');
    const wall = real - 3 * 365 * 24 * 3600_000;
    const clock = new KioskClock({ wall: () => wall, monotonic: () => 0 });
    const outbox = new MemoryOutbox();
    const screening = new ScreeningState(undefined);
    const untrusted: string[] = [];
    const readings = new ReadingPipeline({
      kiosk: KIOSK,
      outbox,
      screening,
      clock,
      onUntrusted: (id) => untrusted.push(id),
    });
    const kept: KeptReading[] = [];
    readings.on('kept', (batch) => kept.push(...batch));
    screening.open({ sessionId: 'scr-1', patientId: 'pat-1', openedAt: '2026-12-07T09:55:00+07:00' });
    const meter = readings.forDevice({ id: 'meter-1', protocol: 'bayer-contour', mode: 'dialogue' });
    // Five minutes ago on the meter, in the kiosk's zone (WIB).
    const glucose = (seq: number): DeviceMeasurement => ({
      kind: 'glucose',
      concentration: { value: 104, unit: 'mg/dL' },
      specimen: 'capillary-plasma',
      sequenceNumber: seq,
      deviceTime: '2026-12-07T09:55',
    });

    meter.accept([glucose(1)], new Date(wall), true);
    clock.observe(real, 0);
    meter.accept([glucose(2)], new Date(wall), true);

    const [before, after] = kept.map((k) => k.reading);
    // Before the check: the meter looked 3 years ahead of the kiosk, its time was set aside, and
    // the reading says its clock was not trusted.
    expect(before).toMatchObject({ timeSource: 'kiosk', clock: { source: 'kiosk', trusted: false } });
    expect(before?.sessionId).toBeUndefined();
    expect(untrusted).toEqual([before?.id]);
    // After it: the meter's time is taken, the record is bound, no "set the device clock".
    expect(after).toMatchObject({
      timeSource: 'device',
      measuredAt: '2026-12-07T02:55:00.000Z',
      receivedAt: '2026-12-07T03:00:00.000Z',
      sessionId: 'scr-1',
      clock: { source: 'device', trusted: true, offsetMs: real - wall },
    });
    expect(after?.flags.map((f) => f.code)).not.toContain('time.device-clock-future');
  });

  it('settles a continuous oximeter behind a gateway per device and shows the values on their way live', () => {
    const { readings, kept } = pipeline();
    const live: LiveReading[] = [];
    readings.on('live', (value) => live.push(value));
    const gateway = readings.forDevice({ id: 'gateway-1', protocol: 'ble-gateway', mode: 'dialogue' });
    const plx = (spo2: number, deviceAddress: string): DeviceMeasurement => ({
      kind: 'pulse-oximetry',
      spo2: { value: spo2, unit: '%' },
      pulseRate: { value: 72, unit: '/min' },
      extra: { continuous: true, deviceAddress },
    });
    const a = 'A0:11:22:33:44:06';
    const b = 'A0:11:22:33:44:07';
    for (let i = 0; i < 6; i++) gateway.accept([plx(97, a), plx(95, b)], new Date(), true);
    expect(kept.map((k) => [k.reading.device.address, k.reading.values[0]?.value])).toEqual([
      [a, 97],
      [b, 95],
    ]);
    expect(live).toHaveLength(8);
    expect(live[0]).toEqual({
      deviceId: 'gateway-1',
      deviceAddress: a,
      kind: 'pulse-oximetry',
      values: [
        { name: 'spo2', value: 97, unit: '%' },
        { name: 'pulseRate', value: 72, unit: '/min' },
      ],
    });
  });
});
