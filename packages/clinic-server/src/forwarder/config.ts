import { ConfigError } from '../errors.js';

/** SATUSEHAT's published environments (domain.md): sandbox is the staging host. */
export const SATUSEHAT_ENVIRONMENTS = {
  sandbox: 'https://api-satusehat-stg.dto.kemkes.go.id',
  production: 'https://api-satusehat.kemkes.go.id',
} as const;
export type SatusehatEnvironment = keyof typeof SATUSEHAT_ENVIRONMENTS;

export interface ForwarderConfig {
  /** An environment by name; or give both `authBaseUrl` and `fhirBaseUrl`. */
  environment?: SatusehatEnvironment | undefined;
  /** e.g. https://api-satusehat-stg.dto.kemkes.go.id/oauth2/v1 */
  authBaseUrl?: string | undefined;
  /** e.g. https://api-satusehat-stg.dto.kemkes.go.id/fhir-r4/v1 */
  fhirBaseUrl?: string | undefined;
  clientId: string;
  clientSecret: string;
  /** The organization id of these client credentials (one client id serves exactly one organization). */
  organizationId: string;
  /** The SATUSEHAT Location of the clinic's screening room. */
  location: { id: string; display: string };
  /** Used when a screening names no practitioner, neither inline nor a registered health worker. */
  defaultPractitioner?: { ihsNumber: string; name?: string | undefined } | undefined;
  /** IANA zone of the clinic (default Asia/Jakarta). */
  timeZone?: string | undefined;
  /** Tries before a screening is marked failed (default 8). */
  maxAttempts?: number | undefined;
  /** First retry delay; doubles each try up to `maxBackoffMs` (defaults 2 s and 10 min). */
  baseBackoffMs?: number | undefined;
  maxBackoffMs?: number | undefined;
  /** Per-request timeout (default 30 s). */
  requestTimeoutMs?: number | undefined;
  /** How often to look for due screenings (default 2 s; finishing a screening wakes it at once). */
  pollMs?: number | undefined;
  /**
   * Before a resend, ask the server which resources of the Bundle it already has (by their business
   * identifiers) and send only the rest. Default true: SATUSEHAT does not document If-None-Exist.
   */
  checkBeforeResend?: boolean | undefined;
  /**
   * Look up a patient's, or a registered health worker's, IHS number in SATUSEHAT by their NIK when
   * the record has none (default true). Off, they wait for `PATCH /patients/{id}` or
   * `PATCH /practitioners/{id}`.
   */
  lookUpIhsNumbers?: boolean | undefined;
}

export interface ResolvedEndpoints {
  authBaseUrl: string;
  fhirBaseUrl: string;
}

const trim = (url: string) => url.replace(/\/+$/, '');

/** Explicit URLs win; otherwise the named environment's hosts with SATUSEHAT's base paths. */
export function resolveEndpoints(
  config: Pick<ForwarderConfig, 'environment' | 'authBaseUrl' | 'fhirBaseUrl'>,
): ResolvedEndpoints {
  if (config.authBaseUrl && config.fhirBaseUrl) {
    for (const [name, url] of [
      ['authBaseUrl', config.authBaseUrl],
      ['fhirBaseUrl', config.fhirBaseUrl],
    ] as const) {
      if (!/^https?:\/\//.test(url))
        throw new ConfigError('SATUSEHAT_CONFIG', `${name} must be an http(s) URL, not "${url}"`);
    }
    return { authBaseUrl: trim(config.authBaseUrl), fhirBaseUrl: trim(config.fhirBaseUrl) };
  }
  if (config.authBaseUrl || config.fhirBaseUrl) {
    throw new ConfigError(
      'SATUSEHAT_CONFIG',
      'give both the SATUSEHAT auth and FHIR base URLs, or an environment',
    );
  }
  if (!config.environment) {
    throw new ConfigError(
      'SATUSEHAT_CONFIG',
      'name a SATUSEHAT environment (sandbox or production) or give its URLs',
    );
  }
  const host = SATUSEHAT_ENVIRONMENTS[config.environment];
  if (!host) {
    throw new ConfigError(
      'SATUSEHAT_CONFIG',
      `unknown SATUSEHAT environment "${config.environment}": use sandbox or production`,
    );
  }
  return { authBaseUrl: `${host}/oauth2/v1`, fhirBaseUrl: `${host}/fhir-r4/v1` };
}

/** Exponential backoff with full jitter, capped: `random` in [0, 1) is passed in so it can be tested. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
