import type { KioskStatus } from '@klinik-desa/protocol';

/** What the record knows about one kiosk, as the fleet view reads it. */
export interface KioskFacts {
  clinicId: string;
  kioskId: string;
  name: string | null;
  registeredAt: string;
  state: 'online' | 'offline' | 'unknown';
  /** When the clinic last received a status or an event from it (the server's clock). */
  lastSeenAt: string | null;
  /** Its last status message as kept. */
  status: KioskStatus | null;
  /** Its clock minus the server's when its last online status arrived. */
  clockSkewMs: number | null;
  /** Counts from its events received in the window the store was asked for. */
  recent: { decodeErrors: number; driverFailures: number; devicesLost: number };
}

/** What the record knows about one clinic beyond its kiosks. */
export interface ClinicFacts {
  clinicId: string;
  /** Screenings the forwarder gave up on, by reason. */
  satusehatFailures: { reason: string; count: number }[];
  openReferrals: { count: number; oldestAt: string | null };
}

/** Everything the fleet view and the fleet metrics are computed from. */
export interface FleetFacts {
  kiosks: KioskFacts[];
  clinics: ClinicFacts[];
}

/**
 * One clinic's kiosks counted in the record, for the fleet summary: each count is of the kiosks an
 * alert of that code would name (failed devices: of the devices), by the thresholds the store was given.
 */
export interface ClinicKioskCounts {
  clinicId: string;
  kiosks: number;
  online: number;
  offline: number;
  backlog: number;
  /** The oldest unconfirmed reading of any of its kiosks (UTC), null when none waits. */
  oldestUnconfirmedAt: string | null;
  alerts: {
    KIOSK_SILENT: number;
    KIOSK_NEVER_HEARD: number;
    OUTBOX_BACKLOG_OLD: number;
    OUTBOX_NEARLY_FULL: number;
    CLOCK_SKEW: number;
    DEVICE_FAILED: number;
    DEVICE_ERRORS: number;
    DISK_FULL: number;
  };
}

/** What the summary of the fleet is made from. */
export interface FleetSummaryFacts {
  kiosks: ClinicKioskCounts[];
  clinics: ClinicFacts[];
}

/** The moments and bounds the summary's alert counts are taken at (the thresholds applied to `now`). */
export interface SummaryCutoffs {
  /** Heard before this: silent. */
  silentBefore: string;
  /** Oldest unconfirmed reading before this: a backlog too old. */
  backlogBefore: string;
  /** Clock skew beyond this, either way (ms). */
  clockSkewMs: number;
  /** Decode errors in the window at or over this. */
  decodeErrors: number;
  recentSince: string;
}
