import { readFileSync } from 'node:fs';
// The zod-free SDK: the agent reads only a few fields from the answers, and the schemas cost memory.
import { ClinicClient } from '@klinik-desa/sdk/lite';
import type { KioskConfig } from '../config/config.js';

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
