export {
  ApiTestClient,
  ClinicCliError,
  type ClinicServerProcess,
  clinicServerCli,
  createAdminClient,
  startClinicServerProcess,
} from './clinic.js';
export {
  type ClinicOnMosquitto,
  MOSQUITTO_ADMIN_USER,
  MOSQUITTO_INGEST_USER,
  type MosquittoPasswords,
  startClinicOnMosquitto,
  writeMosquittoConfig,
} from './clinic-on-mosquitto.js';
export { JS_RUNTIME_VERSIONS, type JsRuntime, JsRuntimeUnavailableError, jsRuntime } from './js-runtimes.js';
export { TEST_PAGE_PIN, TEST_PAGE_PIN_HASH, unlockKioskPage } from './kiosk-page.js';
export { type MosquittoBroker, type MosquittoOptions, mosquittoBinary, startMosquitto } from './mosquitto.js';
export { freePort, waitFor } from './ports.js';
export { createTestDatabase, queryDatabase, TEST_PG_ADMIN_URL, type TestDatabase } from './postgres.js';
export {
  AGENT_CLI,
  type RunningProcess,
  repoRoot,
  runTsCli,
  SERVER_CLI,
  startProcess,
  startTsProcess,
} from './processes.js';
export { createPtyPair, type PtyPair, socatAvailable } from './pty.js';
export { type RabbitNode, RabbitUnavailableError, startRabbit } from './rabbitmq.js';
export { type RabbitCluster, startRabbitCluster } from './rabbitmq-cluster.js';
export {
  type FakePractitioner,
  type SatusehatFake,
  type SatusehatFakeOptions,
  type StoredResource,
  startSatusehatFake,
} from './satusehat-fake.js';
export { makeTlsFiles, type TlsFiles } from './tls-certificates.js';
