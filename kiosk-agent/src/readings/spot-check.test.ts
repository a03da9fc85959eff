import type { PulseOximetryMeasurement } from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { SpotCheckDetector } from './spot-check.js';

const packet = (spo2: number | null, pulse: number | null = 72): PulseOximetryMeasurement => ({
  kind: 'pulse-oximetry',
  spo2: spo2 === null ? { value: null, unit: '%', missing: 'not-reported' } : { value: spo2, unit: '%' },
  pulseRate:
    pulse === null ? { value: null, unit: '/min', missing: 'not-reported' } : { value: pulse, unit: '/min' },
});

describe('SpotCheckDetector', () => {
  it('gives one settled reading per finger, however long the stream', () => {
    const d = new SpotCheckDetector({ windowPackets: 10 });
    const settling = [90, 93, 95, 96, 97, 98, 97, 99, 96].map((s) => packet(s, 80));
    const steady = Array.from({ length: 300 }, (_, i) => packet(97 + (i % 2), 72 + (i % 3)));
    const out = [...settling, ...steady].map((p) => d.accept(p)).filter(Boolean);
    expect(out).toHaveLength(1);
    expect(out[0]?.spo2.value).toBeGreaterThanOrEqual(97);
    expect(out[0]?.pulseRate?.value).toBeGreaterThanOrEqual(72);
  });

  it('takes the next finger after the first is taken out', () => {
    const d = new SpotCheckDetector({ windowPackets: 5 });
    const finger = (spo2: number) => Array.from({ length: 20 }, () => packet(spo2));
    const stream = [...finger(98), packet(null, null), ...finger(94)];
    expect(
      stream
        .map((p) => d.accept(p))
        .filter(Boolean)
        .map((m) => m?.spo2.value),
    ).toEqual([98, 94]);
  });

  it('never settles on a value that keeps moving', () => {
    const d = new SpotCheckDetector({ windowPackets: 10 });
    const moving = Array.from({ length: 200 }, (_, i) => packet(90 + (i % 6)));
    expect(moving.map((p) => d.accept(p)).filter(Boolean)).toEqual([]);
  });
});
