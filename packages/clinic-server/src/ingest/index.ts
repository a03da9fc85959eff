// MQTT ingest: readings in, receipts out, each reading checked on arrival and committed in batches.
export { Ingest, type IngestOptions, type IngestStats } from './ingest.js';
export { type Checked, createMessageChecker, MAX_READING_BYTES } from './validation.js';
