import { TOPIC_ROOT } from '@klinik-desa/protocol';

/**
 * The RabbitMQ names and queue arguments of the national tier, and the MQTT-topic ↔ routing-key
 * mapping of RabbitMQ's MQTT plugin. Pure: the transport declares them.
 */
export interface AmqpTopology {
  /** The quorum queue every ingest worker consumes (competing consumers). */
  queue: string;
  /** Where bad input and poison messages go, with the queue that keeps them. */
  deadLetterExchange: string;
  deadLetterQueue: string;
  /** Deliveries of one message before RabbitMQ dead-letters it (a message that kills workers). */
  deliveryLimit: number;
}

export const DEFAULT_TOPOLOGY: AmqpTopology = {
  queue: 'klinik-desa.ingest',
  deadLetterExchange: 'klinik-desa.dead',
  deadLetterQueue: 'klinik-desa.dead',
  deliveryLimit: 50,
};

/** The exchange the MQTT plugin publishes to and delivers from (its default). */
export const MQTT_EXCHANGE = 'amq.topic';

/**
 * The plugin turns an MQTT topic into a routing key by swapping "/" and "." (AMQP topic keys are
 * dot-separated). Our ids hold no "." (topic-safe ids), so the swap is exact both ways.
 */
export function routingKeyOf(topic: string): string {
  return topic.replace(/[./]/g, (c) => (c === '/' ? '.' : '/'));
}

export const topicOf = routingKeyOf;

/** The binding keys of the ingest queue: every kiosk's readings, and its statuses and events. */
export function bindingKeys(reports: boolean): string[] {
  const root = routingKeyOf(TOPIC_ROOT);
  const channels = reports ? ['readings', 'status', 'events'] : ['readings'];
  return channels.map((channel) => `${root}.*.*.${channel}`);
}

/** The ingest queue's arguments: replicated (quorum), bounded redelivery, dead-lettered aside. */
export function queueArguments(topology: AmqpTopology): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    'x-dead-letter-exchange': topology.deadLetterExchange,
    'x-delivery-limit': topology.deliveryLimit,
  };
}

/** The header that says why a message was dead-lettered by the ingest (`CODE: words`). */
export const REASON_HEADER = 'x-kd-reason';
