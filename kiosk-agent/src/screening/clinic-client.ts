import { readFileSync } from 'node:fs';
// The zod-free SDK: the agent reads only a few fields from the answers, and the schemas cost memory.
import { APIError, ClinicClient } from '@klinik-desa/sdk/lite';
import type { KioskConfig } from '../config/config.js';
import { AgentError } from '../errors.js';
import type { Logger } from '../logger.js';

/** The SDK client for the clinic API named in the config, or undefined when the kiosk has none. */
export function clinicClient(config: KioskConfig): ClinicClient | undefined {
  const api = config.clinicApi;
  if (!api) return undefined;
  const secret = api.clientSecret ?? readFileSync(api.clientSecretFile as string, 'utf8').trim();
  return new ClinicClient({
    baseUrl: api.baseUrl,
    clientId: api.clientId,
    clientSecret: secret,
    maxRetries: 1,
    timeout: 10_000,
  });
}

/** Something the kiosk page asked of the clinic could not be done. */
export class ClinicRequestError extends AgentError {
  override readonly name = 'ClinicRequestError';
  constructor(
    /** HTTP status for the local API: 400 bad input, 503 no clinic, else the clinic's own. */
    readonly status: number,
    /** `BAD_PATIENT`, `NO_CLINIC_API`, `CLINIC_UNREACHABLE`, or the clinic's code (`PATIENT_EXISTS`...). */
    override readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  /** The clinic could not be reached or was busy; its refusals (4xx) stand until something changes. */
  override get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** The clinic's own refusal (a 4xx answer) with its status and code; undefined for anything else. */
export function clinicRefusal(error: unknown): ClinicRequestError | undefined {
  return error instanceof APIError && error.status < 500
    ? new ClinicRequestError(error.status, error.code, error.message, error.details)
    : undefined;
}

/**
 * Asks the clinic on the kiosk page's behalf. The clinic's refusals (4xx) pass through with their
 * code; anything else means the clinic cannot be reached now, and the worker is told to measure
 * anyway. Only codes go into the log: the question may hold a NIK or a name.
 */
export async function askClinic<T>(
  client: ClinicClient | undefined,
  what: string,
  run: (client: ClinicClient) => Promise<T>,
  log: Logger,
): Promise<T> {
  if (!client) {
    throw new ClinicRequestError(
      503,
      'NO_CLINIC_API',
      'this kiosk has no clinicApi in its config, so it cannot ask the clinic; readings are kept unassigned for the clinic to assign',
    );
  }
  try {
    return await run(client);
  } catch (error) {
    const refusal = clinicRefusal(error);
    if (refusal) {
      log.info({ code: refusal.code, status: refusal.status }, `${what} refused by the clinic`);
      throw refusal;
    }
    const code = (error as { code?: string }).code;
    log.warn({ code, err: (error as Error).message }, `${what}: the clinic cannot be reached`);
    throw new ClinicRequestError(
      503,
      'CLINIC_UNREACHABLE',
      'the clinic cannot be reached now; measure anyway: the readings are kept and the clinic assigns them later',
    );
  }
}
