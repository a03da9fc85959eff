import type { DeviceAnnunciation, PulseOximetryMeasurement } from '@klinik-desa/protocol';
import { SpotCheckDetector, type SpotCheckOptions } from './spot-check.js';

/**
 * A BLE oximeter's continuous measurement (GATT 0x2A5F) comes about once a second: five values in a
 * row that agree are a settled reading, where a serial oximeter at 60 a second needs 120.
 */
export const PLX_CONTINUOUS_SPOT_CHECK: Partial<SpotCheckOptions> = { windowPackets: 5 };

/** The oximeter says the value is not final yet: it is shown as settling and never counts. */
const NOT_FINAL: ReadonlySet<DeviceAnnunciation> = new Set(['measurement-ongoing', 'early-estimated-data']);
/** The oximeter says the value is wrong: the consequence table withholds it, once per finger. */
const INVALID: DeviceAnnunciation = 'invalid-measurement-detected';

/** What one continuous value did: settled into the finger's one reading, or still settling. */
export interface PlxStreamStep {
  /** The finger's one reading: the settled value, or an invalid measurement to withhold. */
  settled?: PulseOximetryMeasurement;
  /** A value on its way, shown to the health worker live and never kept. */
  settling?: PulseOximetryMeasurement;
}

/**
 * The settling step of one continuous pulse oximeter, honouring what its PLX status says: measurement
 * ongoing and early estimates are not final (shown, not counted), an invalid measurement becomes the
 * finger's one result and is withheld by the consequence table, and a questionable one seen while
 * the value settled stays on the settled reading, which the table flags for re-measuring. Pure: no
 * clock.
 */
export class PlxStreamSettler {
  private detector: SpotCheckDetector;
  private taken = false;
  /** What the oximeter said while this finger's value settled: the settled reading says it too. */
  private said = new Set<DeviceAnnunciation>();

  constructor(private readonly options: Partial<SpotCheckOptions> = PLX_CONTINUOUS_SPOT_CHECK) {
    this.detector = new SpotCheckDetector(options);
  }

  accept(m: PulseOximetryMeasurement): PlxStreamStep {
    if (m.spo2.value === null) {
      // No value: the finger is out. The next finger is a new reading.
      this.detector = new SpotCheckDetector(this.options);
      this.taken = false;
      this.said.clear();
      return {};
    }
    if (this.taken) return {};
    const annunciations = m.annunciations ?? [];
    if (annunciations.includes(INVALID)) {
      this.taken = true;
      return { settled: m };
    }
    if (annunciations.some((a) => NOT_FINAL.has(a))) {
      // Values before the oximeter calls them final do not count toward the settled one.
      this.detector = new SpotCheckDetector(this.options);
      this.said.clear();
      return { settling: m };
    }
    for (const a of annunciations) this.said.add(a);
    const settled = this.detector.accept(m);
    if (!settled) return { settling: m };
    this.taken = true;
    const { annunciations: _, ...rest } = settled;
    return { settled: this.said.size > 0 ? { ...rest, annunciations: [...this.said] } : rest };
  }
}
