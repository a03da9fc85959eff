export { type EmbeddedBroker, startEmbeddedBroker } from './broker.js';
export { ConfigError } from './errors.js';
export { Ingest, type IngestOptions, type IngestStats } from './ingest.js';
export { createLogger } from './logger.js';
export { type ClinicServer, type ClinicServerOptions, startClinicServer } from './server.js';
export { openSqliteStore } from './store/sqlite-store.js';
export type { ClinicStore, InsertOutcome } from './store/store.js';
export { createReadingChecker, MAX_READING_BYTES } from './validation.js';
