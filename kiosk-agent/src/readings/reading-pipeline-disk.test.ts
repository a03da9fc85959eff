import type { DeviceMeasurement, Reading } from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { OutboxFullError } from '../disk/no-space.js';
import { MemoryOutbox } from '../outbox/memory-outbox.js';
import type { NewOutboxEntry } from '../outbox/outbox.js';
import { ScreeningState } from '../screening/screening-state.js';
import { type KeptReading, ReadingPipeline } from './reading-pipeline.js';

const KIOSK = {
  clinicId: 'clinic-1',
  kioskId: 'kiosk-1',
  timeZone: 'Asia/Jakarta',
  rules: { bmiTable: 'ilp' as const },
};
const weight = (kg: number): DeviceMeasurement => ({ kind: 'weight', weight: { value: kg, unit: 'kg' } });

/** An outbox whose disk fills when the test says so: adds fail as the SQLite outbox's do then. */
class FillingOutbox extends MemoryOutbox {
  full = false;
  tries = 0;
  override addMany(entries: readonly NewOutboxEntry[]): boolean[] {
    this.tries++;
    if (this.full)
      throw new OutboxFullError('the outbox cannot keep new readings: its disk is full (SQLITE_FULL)');
    return super.addMany(entries);
  }
}

function pipeline(holdMax = 500) {
  const outbox = new FillingOutbox();
  const disk = { writable: true };
  const readings = new ReadingPipeline({
    kiosk: KIOSK,
    outbox,
    screening: new ScreeningState(undefined),
    disk,
    holdMax,
  });
  const kept: KeptReading[] = [];
  const held: { id: string; dropped: boolean }[] = [];
  readings.on('kept', (batch) => kept.push(...batch));
  readings.on('held', (h) => held.push({ id: h.reading.id, dropped: h.dropped }));
  const scale = readings.forDevice({ id: 'scale-1', protocol: 'ad-scale', mode: 'stream' });
  /** One person on the scale and off again; the frames' transaction runs at once. */
  const weigh = (kg: number) => {
    scale.accept([weight(kg), weight(kg), weight(kg), weight(0), weight(0), weight(0)], new Date(), false);
    readings.flush();
  };
  const kgOf = (r: Reading) => r.values[0]?.value;
  return { outbox, disk, readings, kept, held, weigh, kgOf };
}

describe('ReadingPipeline on a full disk', () => {
  it("holds a streaming scale's readings while the outbox cannot take them, and writes them in order once it can", () => {
    const { outbox, readings, kept, held, weigh, kgOf } = pipeline();
    weigh(60.1);
    outbox.full = true;
    weigh(61.2);
    weigh(62.3);
    expect(held.map((h) => h.dropped)).toEqual([false, false]);
    expect(readings.holding()).toEqual({ held: 2, dropped: 0 });
    expect(kept.map((k) => kgOf(k.reading))).toEqual([60.1]);

    outbox.full = false;
    weigh(63.4);
    expect(kept.map((k) => kgOf(k.reading))).toEqual([60.1, 61.2, 62.3, 63.4]);
    expect(kept.map((k) => k.reading.id).slice(1, 3)).toEqual(held.map((h) => h.id));
    expect(readings.holding()).toEqual({ held: 0, dropped: 0 });
    expect(outbox.stats().pending).toBe(4);
  });

  it('holds no more than its bound, and counts what it drops', () => {
    const { outbox, readings, held, weigh, kept } = pipeline(2);
    outbox.full = true;
    for (const kg of [70, 71, 72, 73]) weigh(kg);
    expect(held.map((h) => h.dropped)).toEqual([false, false, true, true]);
    expect(readings.holding()).toEqual({ held: 2, dropped: 2 });
    outbox.full = false;
    readings.flush();
    expect(kept).toHaveLength(2);
    expect(readings.holding()).toEqual({ held: 0, dropped: 2 });
  });

  it('does not try the outbox while the disk is known to be full, and writes what it holds once it is not', () => {
    const { outbox, disk, readings, weigh, kept } = pipeline();
    disk.writable = false;
    weigh(80);
    expect(outbox.tries).toBe(0);
    expect(readings.holding().held).toBe(1);
    disk.writable = true;
    readings.flush();
    expect(outbox.tries).toBe(1);
    expect(kept).toHaveLength(1);
  });

  it("refuses a dialogue's records and a typed-in value with OUTBOX_FULL instead of holding them", () => {
    const { outbox, readings, kept } = pipeline();
    outbox.full = true;
    const meter = readings.forDevice({ id: 'meter-1', protocol: 'bayer-contour', mode: 'dialogue' });
    const record: DeviceMeasurement = {
      kind: 'glucose',
      concentration: { value: 104, unit: 'mg/dL' },
      sequenceNumber: 1,
    };
    expect(() => meter.accept([record], new Date(), true)).toThrow(OutboxFullError);
    expect(() => readings.addManual({ kind: 'height', height: { value: 158, unit: 'cm' } })).toThrow(
      expect.objectContaining({ code: 'OUTBOX_FULL', retryable: true }),
    );
    expect(readings.holding()).toEqual({ held: 0, dropped: 0 });
    outbox.full = false;
    meter.accept([record], new Date(), true);
    expect(kept).toHaveLength(1);
  });
});
