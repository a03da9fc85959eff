import type { WeightMeasurement } from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { weighingScript } from '../simulate/scale-script.js';
import { WeighingDetector } from './weighing.js';

const st = (value: number, unit: WeightMeasurement['weight']['unit'] = 'kg'): WeightMeasurement => ({
  kind: 'weight',
  weight: { value, unit },
});
const us = (value: number): WeightMeasurement => ({
  kind: 'weight',
  weight: { value, unit: 'kg' },
  annunciations: ['unstable'],
});

describe('WeighingDetector', () => {
  it('gives one reading for one person however long the stable line repeats', () => {
    const d = new WeighingDetector();
    const out = weighingScript(62.45, 50)
      .map((m) => d.accept(m))
      .filter(Boolean);
    expect(out).toEqual([st(62.45)]);
  });

  it('gives one reading per person for people weighed one after another', () => {
    const d = new WeighingDetector();
    const out = [...weighingScript(62.45), ...weighingScript(62.45), ...weighingScript(80)]
      .map((m) => d.accept(m))
      .filter(Boolean);
    expect(out.map((m) => m?.weight.value)).toEqual([62.45, 62.45, 80]);
  });

  it('ignores small wobble of a stable value, but takes a clearly different load', () => {
    const d = new WeighingDetector({ minLoadKg: 1, changeKg: 0.5 });
    expect(d.accept(st(70))).toBeDefined();
    expect(d.accept(st(70.3))).toBeUndefined();
    expect(d.accept(st(72))).toBeDefined();
  });

  it('never takes an empty platform or an unstable value', () => {
    const d = new WeighingDetector();
    expect(d.accept(st(0))).toBeUndefined();
    expect(d.accept(st(0.4))).toBeUndefined();
    expect(d.accept(us(60))).toBeUndefined();
  });

  it('passes the first overload line of a load (the scale says it is beyond its capacity) and holds its repeats', () => {
    const d = new WeighingDetector();
    const ol: WeightMeasurement = {
      kind: 'weight',
      weight: { value: null, unit: 'kg', missing: 'out-of-range' },
      annunciations: ['overload'],
    };
    expect(d.accept(us(150))).toBeUndefined();
    expect(d.accept(ol)).toBe(ol);
    expect(d.accept(ol)).toBeUndefined();
    // Unsteady lines while still overloaded are the same load: no second overload reading.
    expect(d.accept(us(190))).toBeUndefined();
    expect(d.accept(ol)).toBeUndefined();
    // A stable value ends the overload: the scale can weigh again, and overload again later.
    expect(d.accept(st(0))).toBeUndefined();
    expect(d.accept(ol)).toBe(ol);
    expect(d.accept(st(80))).toEqual(st(80));
  });

  it('compares loads in kilograms whatever the scale unit', () => {
    const d = new WeighingDetector({ minLoadKg: 1, changeKg: 0.5 });
    expect(d.accept(st(1500, 'g'))).toBeDefined();
    expect(d.accept(st(3.3, '[lb_av]'))).toBeUndefined(); // 1.497 kg: the same load
  });
});

describe('WeighingDetector after a restart', () => {
  it('does not weigh again the person who was on the scale when the agent restarted', () => {
    const d = new WeighingDetector(undefined, 62.45);
    expect(d.accept(st(62.45))).toBeUndefined();
    expect(d.accept(us(10))).toBeUndefined();
    expect(d.accept(st(62.45))).toBeDefined();
  });
});
