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
