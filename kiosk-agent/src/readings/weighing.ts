import type { WeightMeasurement } from '@klinik-desa/protocol';

export interface WeighingOptions {
  /** Below this (kg) the platform counts as empty: the end of a weighing, never a reading. */
  minLoadKg: number;
  /** A stable value further than this (kg) from the last one is a new load without the scale seeing it leave. */
  changeKg: number;
}

const KG: Record<string, number> = { kg: 1, g: 0.001, '[lb_av]': 0.45359237, '[oz_av]': 0.028349523125 };

/**
 * One weighing, one reading. A scale in stream mode repeats its stable line for as long as the
 * person stands on it; this passes the first stable value of each weighing and holds back the
 * repeats. Unstable lines and an empty platform end the weighing. An overload is the scale's limit,
 * not a weight: its first line passes (the reading says the load is beyond the scale, as the
 * consequence table promises) and its repeats are held back until the scale shows a stable value
 * again. Pure: no clock.
 */
export class WeighingDetector {
  private current: number | undefined;
  private overloaded = false;

  constructor(
    private readonly options: WeighingOptions = { minLoadKg: 1, changeKg: 0.5 },
    /** The load (kg) of a weighing already taken, e.g. just before the agent restarted. */
    current?: number,
  ) {
    this.current = current;
  }

  /** Returns the measurement when it starts a new weighing or an overload, otherwise `undefined`. */
  accept(m: WeightMeasurement): WeightMeasurement | undefined {
    const notes = m.annunciations ?? [];
    const value = m.weight.value;
    if (notes.includes('overload')) {
      this.current = undefined;
      if (this.overloaded) return undefined;
      this.overloaded = true;
      return m;
    }
    if (value === null || notes.includes('unstable')) {
      this.current = undefined;
      return undefined;
    }
    this.overloaded = false;
    const kg = value * (KG[m.weight.unit] ?? 1);
    if (kg < this.options.minLoadKg) {
      this.current = undefined;
      return undefined;
    }
    if (this.current !== undefined && Math.abs(kg - this.current) <= this.options.changeKg) return undefined;
    this.current = kg;
    return m;
  }
}
