/**
 * What one decode may cost. A vendor's decode runs in a worker thread held to this; the built-in
 * drivers run in the agent's thread and are held to the same per-frame time by their tests
 * (built-in-budget.test.ts), so a slow board stays responsive whichever driver a device uses.
 */
export interface DriverBudget {
  /** A decode that has not answered in this long is stopped (its worker terminated and restarted). */
  readonly decodeMs: number;
  /** The JavaScript heap a vendor driver's worker may use; past it the worker is ended. */
  readonly memoryMb: number;
  /** How long loading the driver in a fresh worker may take. */
  readonly startMs: number;
  /** Frames waiting for a busy driver at most; more are dropped and counted (DRIVER_OVERLOADED). */
  readonly maxWaiting: number;
  /** This many driver failures within `failureWindowMs` mark the device failed. */
  readonly maxFailures: number;
  readonly failureWindowMs: number;
}

export const DRIVER_BUDGET: DriverBudget = {
  // A frame is at most a few hundred bytes: the built-in drivers decode one in microseconds, so
  // 250 ms is a driver stuck, not a driver slow on a small board.
  decodeMs: 250,
  memoryMb: 64,
  startMs: 10_000,
  maxWaiting: 64,
  maxFailures: 5,
  failureWindowMs: 60_000,
};
