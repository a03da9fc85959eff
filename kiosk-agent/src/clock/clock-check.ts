import type { ClockView, KioskClock } from './kiosk-clock.js';

/** What a check of the kiosk clock is worth telling: the first one, or a clock found off anew. */
export interface ClockNews {
  message: string;
  offsetMs: number | undefined;
  uncertaintyMs: number | undefined;
}

/**
 * Checks the kiosk clock against the clinic's time a receipt carried (`clinicMs`, from an exchange
 * of `roundTripMs`), and says what is worth a log line: the first check, or a clock off by more
 * than two minutes whose offset moved by more than one. Nothing otherwise.
 */
export function checkClock(clock: KioskClock, clinicMs: number, roundTripMs: number): ClockNews | undefined {
  const before: ClockView = clock.view();
  clock.observe(clinicMs, roundTripMs);
  const after = clock.view();
  const off = Math.abs(after.offsetMs ?? 0) > 120_000;
  const moved = Math.abs((before.offsetMs ?? 0) - (after.offsetMs ?? 0)) > 60_000;
  if (before.trusted && !(off && moved)) return undefined;
  return {
    offsetMs: after.offsetMs,
    uncertaintyMs: after.uncertaintyMs,
    message: off
      ? `the kiosk clock is ${Math.round((after.offsetMs ?? 0) / 1000)} s off the clinic's: readings are stamped with the clinic's time`
      : "the kiosk clock agrees with the clinic's",
  };
}
