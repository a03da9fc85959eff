import type { WeightMeasurement } from '@klinik-desa/protocol';

/**
 * What a stream-mode scale says while one person is weighed: a few unstable lines as the load
 * settles, the stable line repeated while they stand, then unstable lines and a stable zero as
 * they step off. The detector must turn this into exactly one reading.
 */
export function weighingScript(kg: number, repeats = 5): WeightMeasurement[] {
  const unstable = (v: number): WeightMeasurement => ({
    kind: 'weight',
    weight: { value: v, unit: 'kg' },
    annunciations: ['unstable'],
  });
  const stable = (v: number): WeightMeasurement => ({ kind: 'weight', weight: { value: v, unit: 'kg' } });
  const round = (v: number) => Math.round(v * 100) / 100;
  return [
    unstable(round(kg * 0.4)),
    unstable(round(kg * 0.9)),
    unstable(round(kg * 1.02)),
    ...Array.from({ length: repeats }, () => stable(kg)),
    unstable(round(kg * 0.5)),
    stable(0),
    stable(0),
  ];
}
