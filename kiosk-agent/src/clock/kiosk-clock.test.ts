import type { Reading } from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { KioskClock } from './kiosk-clock.js';
import { LateCorrection } from './late-correction.js';

const YEAR = 365 * 24 * 3600_000;
const REAL = Date.parse('2026-12-07T03:00:00Z');

/** A kiosk whose wall clock is set by hand and whose monotonic clock moves only when told. */
function fakeKiosk(wallStart: number) {
  const t = { wall: wallStart, mono: 1000 };
  const clock = new KioskClock({ wall: () => t.wall, monotonic: () => t.mono });
  const pass = (ms: number) => {
    t.wall += ms;
    t.mono += ms;
  };
  return { t, clock, pass };
}

describe('KioskClock', () => {
  it('uses the kiosk clock, untrusted, until the clinic has told its time', () => {
    const { clock } = fakeKiosk(REAL - 3 * YEAR);
    expect(clock.correct(REAL - 3 * YEAR)).toEqual({
      ms: REAL - 3 * YEAR,
      clock: { source: 'kiosk', trusted: false },
    });
    expect(clock.view()).toEqual({ trusted: false });
  });

  it('corrects a clock years behind with the clinic time, and keeps the correction across an NTP step', () => {
    const { t, clock, pass } = fakeKiosk(REAL - 3 * YEAR);
    pass(10_000);
    // A receipt that took 400 ms: the clinic read its clock 200 ms before it arrived, give or take.
    clock.observe(REAL + 10_000 - 200, 400);
    const behind = clock.correct(t.wall);
    expect(behind.ms).toBe(REAL + 10_000);
    expect(behind.clock).toEqual({ source: 'corrected', trusted: true, offsetMs: 3 * YEAR });
    expect(clock.view()).toMatchObject({ trusted: true, offsetMs: 3 * YEAR, uncertaintyMs: 500 });

    pass(60_000);
    const timelineBefore = clock.timeline();
    t.wall = REAL + 70_000; // NTP steps the kiosk clock right
    expect(clock.timeline()).toBe(timelineBefore);
    expect(clock.correct(t.wall)).toEqual({ ms: REAL + 70_000, clock: { source: 'kiosk', trusted: true } });
    expect(clock.now()).toBe(REAL + 70_000);
    expect(clock.offsetMs()).toBe(0);
  });

  it('keeps the tighter of two checks', () => {
    const { clock, pass } = fakeKiosk(REAL);
    clock.observe(REAL + 5000, 10_000);
    pass(1000);
    clock.observe(REAL + 1000, 20);
    expect(clock.view()).toMatchObject({ offsetMs: 10, uncertaintyMs: 500 });
    pass(1000);
    clock.observe(REAL + 9000, 30_000);
    expect(clock.offsetMs()).toBe(10);
  });
});

describe('LateCorrection', () => {
  const reading = (at: string) =>
    JSON.stringify({
      id: 'r-1',
      measuredAt: at,
      receivedAt: at,
      timeSource: 'kiosk',
      clock: { source: 'kiosk', trusted: false },
    });

  it('sends a reading stamped before the check with the clinic time, saying what it added', () => {
    const { t, clock, pass } = fakeKiosk(REAL - YEAR);
    const late = new LateCorrection(clock);
    const stale = new Date(t.wall).toISOString();
    const entry = { id: 'r-1', payload: reading(stale) };
    late.note('r-1', t.wall, t.mono);
    expect(late.payloadFor(entry)).toBe(entry.payload);

    pass(30_000);
    clock.observe(REAL + 30_000, 0);
    t.wall = REAL + 30_000; // and then the kiosk clock is stepped: the offset stays the one of then
    const sent = JSON.parse(late.payloadFor(entry)) as Reading;
    expect(sent.measuredAt).toBe(new Date(REAL).toISOString());
    expect(sent.receivedAt).toBe(new Date(REAL).toISOString());
    expect(sent.clock).toEqual({ source: 'corrected', trusted: true, offsetMs: YEAR });
    expect(Date.parse(sent.receivedAt) - (sent.clock?.offsetMs ?? 0)).toBe(Date.parse(stale));
  });
});

describe('the timeline across a restart', () => {
  it('continues from the latest time the outbox holds, whichever way the wall clock moved', () => {
    let wall = Date.parse('2026-12-07T00:00:00Z');
    let mono = 1000;
    const make = () => new KioskClock({ wall: () => wall, monotonic: () => mono });
    const lastRun = Date.parse('2023-12-07T00:00:00Z');
    const clock = make();
    clock.resumeTimeline(lastRun);
    expect(clock.timeline()).toBe(lastRun + 1);
    mono += 5000;
    wall += 99 * 24 * 3600_000; // an NTP step while running moves nothing either
    expect(clock.timeline()).toBe(lastRun + 5001);
    const fresh = make();
    fresh.resumeTimeline(undefined);
    expect(fresh.timeline()).toBe(wall);
  });
});
