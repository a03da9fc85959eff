export { Agent } from './agent.js';
export { Backoff } from './backoff.js';
export {
  brokerCa,
  brokerPassword,
  ConfigError,
  type DeviceConfig,
  KioskConfig,
  loadConfig,
  parseConfig,
} from './config/config.js';
export { DeviceConnection, type DeviceEvents } from './devices/device-connection.js';
export { type OpenPort, openPort } from './devices/port.js';
export { AgentError, isAgentError } from './errors.js';
export type { AgentEvents, AgentUpdate, AgentView } from './http/agent-view.js';
export { createLogger } from './logger.js';
export { type Outbox, type OutboxEntry, OutboxLockedError } from './outbox/outbox.js';
export { SqliteOutbox, type SqliteOutboxOptions } from './outbox/sqlite-outbox.js';
export { type AgentParts, REAL_PARTS } from './parts.js';
export { type ConnectMqtt, MqttRefusedError, Publisher, type PublisherOptions } from './publish/publisher.js';
export {
  buildReading,
  type DeviceReadings,
  type KeptReading,
  type ReadingContext,
  ReadingPipeline,
  type ReadingPipelineOptions,
  type RefusedMeasurement,
  SpotCheckDetector,
  type SpotCheckOptions,
  WeighingDetector,
  type WeighingOptions,
} from './readings/index.js';
export { OpenScreening, ScreeningState } from './screening/index.js';
export { weighingScript } from './simulate/scale-script.js';
export { type LocalStatus, StatusBoard } from './status/index.js';
export { AGENT_VERSION } from './version.js';
