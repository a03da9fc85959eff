import type { DeviceAnnunciation, PulseOximetryMeasurement } from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { PlxStreamSettler } from './plx-stream.js';

const value = (spo2: number | null, ...annunciations: DeviceAnnunciation[]): PulseOximetryMeasurement => ({
  kind: 'pulse-oximetry',
  spo2: spo2 === null ? { value: null, unit: '%', missing: 'nan' } : { value: spo2, unit: '%' },
  pulseRate: { value: 72, unit: '/min' },
  ...(annunciations.length > 0 ? { annunciations } : {}),
  extra: { continuous: true },
});

function run(settler: PlxStreamSettler, values: PulseOximetryMeasurement[]) {
  const steps = values.map((v) => settler.accept(v));
  return {
    settled: steps.flatMap((s) => (s.settled ? [s.settled] : [])),
    settling: steps.flatMap((s) => (s.settling ? [s.settling] : [])),
  };
}

describe('PlxStreamSettler', () => {
  it('gives one reading per finger once five values agree, and shows the values before it as settling', () => {
    const { settled, settling } = run(new PlxStreamSettler(), [
      value(91),
      value(95),
      ...Array.from({ length: 20 }, () => value(97)),
    ]);
    expect(settled).toHaveLength(1);
    expect(settled[0]?.spo2.value).toBe(97);
    expect(settled[0]).not.toHaveProperty('annunciations');
    expect(settling.map((s) => s.spo2.value)).toEqual([91, 95, 97, 97, 97, 97]);
  });

  it('never counts values the oximeter calls ongoing or an early estimate, however steady', () => {
    const early = Array.from({ length: 10 }, (_, i) =>
      value(97, i % 2 ? 'measurement-ongoing' : 'early-estimated-data'),
    );
    const settler = new PlxStreamSettler();
    expect(run(settler, early).settled).toEqual([]);
    // Four final values after them are not yet five.
    expect(
      run(
        settler,
        Array.from({ length: 4 }, () => value(97)),
      ).settled,
    ).toEqual([]);
    expect(run(settler, [value(97)]).settled).toHaveLength(1);
  });

  it('makes an invalid measurement the finger’s one result, for the consequence table to withhold', () => {
    const { settled } = run(new PlxStreamSettler(), [
      value(97),
      value(88, 'invalid-measurement-detected'),
      ...Array.from({ length: 20 }, () => value(97)),
    ]);
    expect(settled).toHaveLength(1);
    expect(settled[0]?.annunciations).toEqual(['invalid-measurement-detected']);
  });

  it('keeps a questionable measurement seen while settling on the settled reading', () => {
    const { settled } = run(new PlxStreamSettler(), [
      value(97, 'questionable-measurement-detected'),
      ...Array.from({ length: 6 }, () => value(97)),
    ]);
    expect(settled).toHaveLength(1);
    expect(settled[0]?.annunciations).toEqual(['questionable-measurement-detected']);
  });

  it('starts again for the next finger once no value comes', () => {
    const finger = Array.from({ length: 6 }, () => value(97));
    const { settled } = run(new PlxStreamSettler(), [...finger, value(null), ...finger]);
    expect(settled).toHaveLength(2);
  });
});
