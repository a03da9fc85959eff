export { Agent } from './agent.js';
export { Backoff } from './backoff.js';
export {
  brokerPassword,
  ConfigError,
  type DeviceConfig,
  KioskConfig,
  loadConfig,
  parseConfig,
} from './config/config.js';
export { DeviceConnection, type DeviceEvents } from './devices/device-connection.js';
export { LineGuard } from './devices/line-guard.js';
export { openPort } from './devices/port.js';
export { createLogger } from './logger.js';
export { type Outbox, type OutboxEntry, OutboxLockedError } from './outbox/outbox.js';
export { SqliteOutbox, type SqliteOutboxOptions } from './outbox/sqlite-outbox.js';
export { MqttRefusedError, Publisher, type PublisherOptions } from './publish/publisher.js';
export { SpotCheckDetector, type SpotCheckOptions } from './readings/spot-check.js';
export { type ReadingContext, toReading } from './readings/to-reading.js';
export { WeighingDetector, type WeighingOptions } from './readings/weighing.js';
export { weighingScript } from './simulate/scale-script.js';
export { AGENT_VERSION } from './version.js';
