// The ingest's brokers behind one interface: MQTT (embedded, Mosquitto, EMQX) and RabbitMQ over AMQP.
export { AmqpTransport, type AmqpTransportOptions } from './amqp-transport.js';
export { connectIngestClient, MqttTransport } from './mqtt-transport.js';
export { ingestPermissionCommands, kioskPermissionCommands, rabbitmqScript } from './rabbitmq-permissions.js';
export {
  type AmqpTopology,
  bindingKeys,
  DEFAULT_TOPOLOGY,
  queueArguments,
  REASON_HEADER,
  routingKeyOf,
  topicOf,
} from './topology.js';
export {
  BrokerUnavailableError,
  type IngestTransport,
  type MessageHandler,
  type Settle,
} from './transport.js';
