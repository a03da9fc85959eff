import type { ReadingClock } from '@klinik-desa/protocol';

export interface KioskClockOptions {
  /** The kiosk's wall clock (ms since 1970): what the operating system says, right or wrong. */
  wall?: () => number;
  /** A clock that never steps (ms): `performance.now()`. */
  monotonic?: () => number;
  /** A kiosk clock within this of the clinic's counts as right and is not corrected. Default 2 min. */
  toleranceMs?: number;
}

/** What the kiosk knows of its clock, for the status. */
export interface ClockView {
  /** Checked against the clinic's time. */
  trusted: boolean;
  /** Trusted time minus the kiosk clock, when checked. */
  offsetMs?: number;
  /** How far the check itself may be off (half the round trip it was measured over). */
  uncertaintyMs?: number;
  /** When last checked, in trusted time. */
  checkedAt?: string;
}

/** A reference time learnt from the clinic, tied to the monotonic clock. */
interface Anchor {
  trustedMs: number;
  monotonic: number;
  uncertaintyMs: number;
}

/**
 * The kiosk's sense of time. A board without a battery-backed clock boots with a stale date, and
 * NTP may step it years later while the agent runs; the operating system's word on whether it is
 * synchronized needs systemd, which a kiosk may not run. So the clinic is the reference: each
 * receipt carries the clinic's time (`at`), and the best recent one is tied to the monotonic clock,
 * which no step moves. From it come the trusted time (`now`), the kiosk clock's offset, and the
 * stamp a reading carries (`stamp`). Before the first check the kiosk's clock is used and readings
 * say it was not trusted. Ages (pruning, a scale's last weighing) use `timeline`, which only the
 * monotonic clock advances, so a step never makes anything older or younger at once.
 */
export class KioskClock {
  private readonly wall: () => number;
  private readonly monotonic: () => number;
  private readonly toleranceMs: number;
  private anchor: Anchor | undefined;
  private startWall: number;
  private startMonotonic: number;

  constructor(options: KioskClockOptions = {}) {
    this.wall = options.wall ?? Date.now;
    this.monotonic = options.monotonic ?? (() => performance.now());
    this.toleranceMs = options.toleranceMs ?? 120_000;
    this.startWall = this.wall();
    this.startMonotonic = this.monotonic();
  }

  /**
   * The clinic's time `clinicMs`, seen now, from an exchange that took `roundTripMs` (the receipt of
   * a reading sent that long ago): the clinic's clock read somewhere within that span, so the
   * middle is taken. A tighter check replaces an older one; an older one ages by its span.
   */
  observe(clinicMs: number, roundTripMs: number): void {
    const monotonic = this.monotonic();
    const candidate: Anchor = {
      trustedMs: clinicMs + roundTripMs / 2,
      monotonic,
      uncertaintyMs: Math.max(roundTripMs / 2, 500),
    };
    const current = this.anchor;
    // A check ages: the monotonic clock drifts too (about 1 s a day on a cheap board).
    const aged = current ? current.uncertaintyMs + (monotonic - current.monotonic) / 86_400 : Infinity;
    if (candidate.uncertaintyMs <= aged) this.anchor = candidate;
  }

  /** The best time the kiosk has: the clinic's, carried forward, once checked; else its own clock. */
  now(): number {
    const anchor = this.anchor;
    return anchor ? anchor.trustedMs + (this.monotonic() - anchor.monotonic) : this.wall();
  }

  /** Trusted time minus the kiosk's clock; undefined before the first check. */
  offsetMs(): number | undefined {
    return this.anchor ? Math.round(this.now() - this.wall()) : undefined;
  }

  /**
   * The time `wallMs` (a reading of the kiosk clock taken `ago` ms of the monotonic clock before
   * now) in trusted time, and how it is stamped. Readings are stamped as they arrive, so `ago` is 0
   * but for those corrected later, while still waiting to be sent.
   */
  correct(wallMs: number, monotonicAt: number = this.monotonic()): { ms: number; clock: ReadingClock } {
    const anchor = this.anchor;
    if (!anchor) return { ms: wallMs, clock: { source: 'kiosk', trusted: false } };
    const trusted = anchor.trustedMs + (monotonicAt - anchor.monotonic);
    // The offset as it was then: a step of the wall clock since then does not change it.
    const offset = Math.round(trusted - wallMs);
    if (Math.abs(offset) <= this.toleranceMs)
      return { ms: wallMs, clock: { source: 'kiosk', trusted: true } };
    return { ms: wallMs + offset, clock: { source: 'corrected', trusted: true, offsetMs: offset } };
  }

  /** The monotonic clock now, for correcting later what is stamped now. */
  monotonicNow(): number {
    return this.monotonic();
  }

  /**
   * Milliseconds on a line no clock step moves: the kiosk clock at start, advanced by the monotonic
   * clock. For ages only (what to prune, whether a weighing is seconds old), never shown as a date.
   */
  timeline(): number {
    // Whole milliseconds, as Date.now() gives: the outbox keeps them as integers.
    return Math.round(this.startWall + (this.monotonic() - this.startMonotonic));
  }

  /**
   * Continues the timeline from `latestMs`, the latest time the last run left in the outbox, when
   * there is one: a board without a battery-backed clock may boot years off the last run's clock,
   * either way. The time the kiosk was off is then not counted, so things are kept longer, never
   * pruned early (a meter's memory handed over again would otherwise be kept twice).
   */
  resumeTimeline(latestMs: number | undefined): void {
    if (latestMs === undefined) return;
    this.startWall = latestMs + 1;
    this.startMonotonic = this.monotonic();
  }

  view(): ClockView {
    const anchor = this.anchor;
    if (!anchor) return { trusted: false };
    return {
      trusted: true,
      offsetMs: this.offsetMs() as number,
      uncertaintyMs: Math.round(anchor.uncertaintyMs),
      checkedAt: new Date(anchor.trustedMs).toISOString(),
    };
  }
}
