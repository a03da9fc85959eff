// `@klinik-desa/sdk/lite`: the whole SDK without the zod schemas (about a tenth of the size in a
// browser bundle). Answers are not checked unless the client is given a validator, e.g.
// `new ClinicClient({ ..., validate: protocolValidator })` with `@klinik-desa/sdk/validate`.
export {
  type ClientOptions,
  ClinicClient,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MS,
  type Endpoint,
  type Fetch,
  type Logger,
  type RequestOptions,
} from './client.js';
export * from './core/errors.js';
export { CursorPage, PagedList, type PageFetcher } from './core/pagination.js';
export type * from './core/types.js';
export type {
  ResponseTypes,
  ResponseValidator,
  SchemaName,
  ValidationResult,
} from './core/validation.js';
export { Accounts } from './resources/accounts.js';
export { AuditEvents } from './resources/audit-events.js';
export { Clients } from './resources/clients.js';
export { Clinics, PuskesmasResource } from './resources/clinics.js';
export { Fleet } from './resources/fleet.js';
export { Kiosks } from './resources/kiosks.js';
export { Observations } from './resources/observations.js';
export { Patients } from './resources/patients.js';
export { Practitioners } from './resources/practitioners.js';
export { Referrals } from './resources/referrals.js';
export { Reports } from './resources/reports.js';
export { APIResource } from './resources/resource.js';
export { Screenings } from './resources/screenings.js';
export { UnassignedReadings } from './resources/unassigned-readings.js';
