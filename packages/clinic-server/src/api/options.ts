import type { FhirBundle } from '@klinik-desa/protocol';
import type { Logger } from 'pino';
import type { DerivedOptions } from '../domain/derived.js';
import type { RateLimit } from '../domain/rate-limit.js';
import type { SignInLimits } from '../domain/sign-in-limit.js';
import type { FleetThresholds } from '../fleet/index.js';
import type { Metrics } from '../metrics.js';
import type { ClinicStore } from '../store/store.js';
import type { SessionLifetimes } from './sessions.js';
import type { TokenLimits } from './tokens.js';

/** Builds the SATUSEHAT Bundle of a finished screening (the screening package's mapping). */
export type FhirBundleFor = (screeningId: string) => Promise<FhirBundle>;

export interface ApiOptions {
  store: ClinicStore;
  log: Logger;
  metrics: Metrics;
  /** Store and broker checks for /readyz: a message per failing check. */
  readiness: () => Promise<Record<string, string>>;
  fhirBundle?: FhirBundleFor;
  /** Called when a screening is finished with forwarding on, so the forwarder need not wait. */
  onScreeningFinished?: (screeningId: string) => void;
  /** Called when a client is revoked, so the brokers close its live MQTT connection at once. */
  onClientRevoked?: (clientId: string) => void;
  /**
   * Called with a kiosk's new secret when it is registered or rotated, so a broker that keeps its
   * own logins (Mosquitto's dynamic security) has them at once. The secret is not kept anywhere.
   */
  onKioskCredentials?: (clinicId: string, kioskId: string, secret: string, rotated: boolean) => Promise<void>;
  /** How the BMI and the mean blood pressure computed on finishing are classified. */
  screening?: DerivedOptions;
  /** The quarterly report: the village of each clinic id (clinics not named have none). */
  report?: { villages?: Readonly<Record<string, string>> | undefined };
  tokenLifetimeSeconds?: number;
  /**
   * Check every response against its schema before sending it (default true). Tests keep it on;
   * the server turns it off unless configured (`http.validateResponses`): on a screening's detail
   * it costs a quarter of the CPU, and the responses are built from typed code.
   */
  validateResponses?: boolean;
  /** Largest request body accepted (default 64 KiB). */
  bodyLimitBytes?: number;
  /**
   * Per verified client (default burst 600, 300 a second); `false` turns every request limit off
   * (this one, `addressRateLimit` and `lookupRateLimit`).
   */
  rateLimit?: RateLimit | false;
  /**
   * Per source address, for requests not (or not validly) signed in: the token endpoint, public
   * routes, and every request whose token is missing or unknown (default burst 60, 1 a second).
   */
  addressRateLimit?: RateLimit;
  /** Patient look-ups (GET /patients/{id}, POST /patients/search) per client (default 10, then 30 a minute). */
  lookupRateLimit?: RateLimit;
  /** Tokens per client: issued a minute, alive at once, wrong secrets a minute; `false` turns them off. */
  tokenLimits?: Partial<TokenLimits> | false;
  /** How long people's sessions last unused, and at most (default 30 minutes and 12 hours). */
  sessionLifetimes?: Partial<SessionLifetimes>;
  /** Wrong passwords allowed before a sign-in waits (default 5 per username and address per 15 minutes); `false` turns them off. */
  signInLimits?: Partial<SignInLimits> | false;
  /**
   * Web origins (e.g. `https://dashboard.example.id`) whose pages may call the API from a browser.
   * Default none: browsers then allow only pages served from the API's own origin.
   */
  corsOrigins?: readonly string[];
  /** When the fleet view's facts become alerts (defaults in `DEFAULT_FLEET_THRESHOLDS`). */
  fleetThresholds?: Partial<FleetThresholds>;
  now?: () => Date;
}
