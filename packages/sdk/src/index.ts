// `@klinik-desa/sdk`: the clinic API client, checking every answer against the API's schemas.
import { type ClientOptions, ClinicClient as LiteClinicClient } from './client.js';
import { protocolValidator } from './validate.js';

export * from './lite.js';
export { protocolValidator } from './validate.js';

/**
 * The clinic API client, with answers checked against the zod schemas of
 * `@klinik-desa/protocol` unless `validate: false` (faster; trusts the server).
 *
 * ```ts
 * const client = new ClinicClient({ baseUrl, clientId, clientSecret });
 * for await (const referral of client.referrals.list({ status: 'open' })) console.log(referral.flag.code);
 * ```
 */
export class ClinicClient extends LiteClinicClient {
  constructor(options: ClientOptions) {
    super({ ...options, validate: options?.validate === undefined ? protocolValidator : options.validate });
  }
}
