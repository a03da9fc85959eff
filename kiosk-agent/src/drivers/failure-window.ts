/**
 * Counts failures on the monotonic clock and says when there have been `max` within `windowMs`:
 * one stray failure an hour is tolerated, a driver failing on every frame is not.
 */
export class FailureWindow {
  private readonly times: number[] = [];

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Notes one failure; true once `max` fall within the window. */
  note(): boolean {
    const now = this.now();
    this.times.push(now);
    while ((this.times[0] ?? now) <= now - this.windowMs) this.times.shift();
    return this.times.length >= this.max;
  }
}
