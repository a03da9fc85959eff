import type { PulseOximetryMeasurement } from '@klinik-desa/protocol';

export interface SpotCheckOptions {
  /** How many consecutive packets must agree before the value counts (a CMS50D+ sends 60 a second). */
  windowPackets: number;
  /** Largest spread of SpO2 (%) within the window. */
  spo2Spread: number;
  /** Largest spread of pulse rate (/min) within the window. */
  pulseSpread: number;
}

const DEFAULTS: SpotCheckOptions = { windowPackets: 120, spo2Spread: 1, pulseSpread: 4 };

/**
 * A streaming pulse oximeter reports many values a second for as long as the finger is in it; the
 * screening wants one: the reading once it has settled. This passes one measurement per finger,
 * the median of the first window in which SpO2 and pulse hold steady, and nothing more until the
 * finger is taken out (the device then reports no value). Pure: no clock.
 */
export class SpotCheckDetector {
  private readonly options: SpotCheckOptions;
  private window: { spo2: number; pulse: number | undefined }[] = [];
  private taken = false;

  constructor(options: Partial<SpotCheckOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  accept(m: PulseOximetryMeasurement): PulseOximetryMeasurement | undefined {
    const spo2 = m.spo2.value;
    if (spo2 === null) {
      this.window = [];
      this.taken = false;
      return undefined;
    }
    if (this.taken) return undefined;
    this.window.push({ spo2, pulse: m.pulseRate?.value ?? undefined });
    if (this.window.length > this.options.windowPackets) this.window.shift();
    if (this.window.length < this.options.windowPackets) return undefined;
    const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
    const spo2s = this.window.map((w) => w.spo2);
    const pulses = this.window.map((w) => w.pulse).filter((p): p is number => p !== undefined);
    if (spread(spo2s) > this.options.spo2Spread) return undefined;
    if (pulses.length > 0 && spread(pulses) > this.options.pulseSpread) return undefined;
    this.taken = true;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const settled: PulseOximetryMeasurement = { ...m, spo2: { value: median(spo2s), unit: m.spo2.unit } };
    if (m.pulseRate && pulses.length > 0)
      settled.pulseRate = { value: median(pulses), unit: m.pulseRate.unit };
    return settled;
  }
}
