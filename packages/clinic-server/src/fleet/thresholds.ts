import { ConfigError } from '../errors.js';

/** When a fact becomes an alert. The alert rules file for Prometheus uses the same figures. */
export interface FleetThresholds {
  /** A kiosk not heard for longer is silent (its agent publishes a status every 30 s). Default 1 h. */
  silentAfterMs: number;
  /** The oldest unconfirmed reading in a kiosk's outbox older than this. Default 24 h. */
  backlogOldestMs: number;
  /** The kiosk's clock this far from the server's, either way. Default 5 min. */
  clockSkewMs: number;
  /** Decode errors in the last 24 h from one kiosk at or above this. Default 20. */
  decodeErrorsPerDay: number;
  /** Referrals open for longer than this. Default 24 h. */
  referralWaitMs: number;
}

export const DEFAULT_FLEET_THRESHOLDS: FleetThresholds = {
  silentAfterMs: 60 * 60_000,
  backlogOldestMs: 24 * 60 * 60_000,
  clockSkewMs: 5 * 60_000,
  decodeErrorsPerDay: 20,
  referralWaitMs: 24 * 60 * 60_000,
};

/** The defaults with what was given; a threshold that is not a positive number is refused at once. */
export function fleetThresholds(given: Partial<FleetThresholds> = {}): FleetThresholds {
  const merged = { ...DEFAULT_FLEET_THRESHOLDS, ...given };
  for (const [name, value] of Object.entries(merged)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new ConfigError(
        'BAD_FLEET_THRESHOLD',
        `fleet threshold ${name} is ${String(value)}: give a positive number (default ${DEFAULT_FLEET_THRESHOLDS[name as keyof FleetThresholds]})`,
      );
    }
  }
  return merged;
}
