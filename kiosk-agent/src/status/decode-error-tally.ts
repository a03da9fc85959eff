/** One device's decode errors of one code since the last report. */
export interface DecodeErrorCount {
  deviceId: string;
  code: string;
  count: number;
}

/**
 * Decode errors summed between reports, by device and code: a garbled cable can spoil 60 frames a
 * second, and the clinic wants one `decode-errors` event a minute, not one per frame.
 */
export class DecodeErrorTally {
  private readonly counts = new Map<string, DecodeErrorCount>();

  add(deviceId: string, code: string): void {
    const key = `${deviceId}\u0000${code}`;
    const entry = this.counts.get(key);
    if (entry) entry.count++;
    else this.counts.set(key, { deviceId, code, count: 1 });
  }

  /** What was counted since the last call, and a fresh start. */
  drain(): DecodeErrorCount[] {
    const counts = [...this.counts.values()];
    this.counts.clear();
    return counts;
  }
}
