/** The first retry waits about this long; each later one twice as long as the one before. */
export const INITIAL_RETRY_DELAY_MS = 500;
export const MAX_RETRY_DELAY_MS = 8_000;
/**
 * A `Retry-After` longer than this is not waited out inside a call: the error is thrown, with the
 * server's headers, so the caller decides (a kiosk should not hang a minute on one request).
 */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Exponential backoff with jitter: `retriesSoFar` 0, 1, 2... waits 0.5 s, 1 s, 2 s... up to 8 s,
 * each shortened by up to a quarter at random so that kiosks that failed together do not all
 * come back in the same instant.
 */
export function backoffMs(retriesSoFar: number, random: () => number = Math.random): number {
  const base = Math.min(INITIAL_RETRY_DELAY_MS * 2 ** retriesSoFar, MAX_RETRY_DELAY_MS);
  return Math.round(base * (1 - random() * 0.25));
}
