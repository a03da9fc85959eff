export { type ApiApp, type ApiOptions, buildApi, type FhirBundleFor } from './api/app.js';
export { openApiDocument, openApiYaml } from './api/openapi.js';
export { type BrokerAuth, type EmbeddedBroker, startEmbeddedBroker } from './broker.js';
export { parseConfigFile, resolveStartOptions, ServerConfigFile } from './config.js';
export {
  kioskUsername,
  type MqttPrincipal,
  mayPublish,
  maySubscribe,
  mayUseClientId,
} from './domain/acl.js';
export { type DynsecFile, dynsecFile, dynsecPassword } from './domain/dynsec.js';
export { hashSecret, verifySecret } from './domain/secrets.js';
export { ClinicError, ConfigError } from './errors.js';
export {
  type ForwarderConfig,
  resolveEndpoints,
  SATUSEHAT_ENVIRONMENTS,
  type SatusehatEnvironment,
} from './forwarder/config.js';
export { Forwarder } from './forwarder/forwarder.js';
export { SatusehatClient, SatusehatHttpError } from './forwarder/satusehat-client.js';
export { parseTokenAnswer, type SatusehatToken, TokenAnswerError } from './forwarder/token.js';
export {
  type Checked,
  createMessageChecker,
  Ingest,
  type IngestOptions,
  type IngestStats,
  MAX_READING_BYTES,
} from './ingest/index.js';
export { createLogger } from './logger.js';
export { Metrics } from './metrics.js';
export { type ClinicServer, type ClinicServerOptions, describeDb, startClinicServer } from './server.js';
export { isPostgresUrl, openPostgresStore, openStore } from './store/open.js';
export { SqlClinicStore } from './store/sql-store.js';
export { openSqliteStore } from './store/sqlite-store.js';
export type {
  ApiClientRecord,
  AuditEntry,
  ClinicStore,
  FhirSource,
  ForwardingClaim,
  ForwardingResult,
  IdempotencyBegin,
  IngestOutcome,
  InsertOutcome,
  KioskSecret,
  PageRequest,
  TokenRecord,
} from './store/store.js';
export {
  AmqpTransport,
  DEFAULT_TOPOLOGY,
  type IngestTransport,
  ingestPermissionCommands,
  kioskPermissionCommands,
  MqttTransport,
  REASON_HEADER,
} from './transport/index.js';
