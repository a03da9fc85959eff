import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import {
  type AmqpTopology,
  bindingKeys,
  DEFAULT_TOPOLOGY,
  MQTT_EXCHANGE,
  queueArguments,
  REASON_HEADER,
  routingKeyOf,
  topicOf,
} from './topology.js';
import {
  BrokerUnavailableError,
  type IngestTransport,
  type MessageHandler,
  type Settle,
} from './transport.js';

export interface AmqpTransportOptions {
  /** amqp://user:password@host:5672/vhost */
  url: string;
  log: Logger;
  topology?: Partial<AmqpTopology>;
  /** Unacknowledged deliveries a worker holds at most (default 2000, one full batch). */
  prefetch?: number;
  /**
   * How long a message the record could not take waits before it is handed back (default 2000
   * ms): redelivery at once would spend the delivery limit within a second of an outage.
   */
  retryDelayMs?: number;
}

/** The live connection and its two channels; replaced whole on every reconnect. */
interface Link {
  model: ChannelModel;
  consume: Channel;
  publish: ConfirmChannel;
  consumerTag?: string;
}

/**
 * The national tier's transport: kiosks speak MQTT to RabbitMQ's MQTT plugin, which publishes to
 * `amq.topic`; the readings, statuses and events are routed into one quorum queue that every
 * ingest worker consumes over AMQP 0-9-1. A delivery is acknowledged only once its rows are
 * committed (see `Settle`), so a worker that dies mid-batch loses nothing: RabbitMQ hands its
 * unacknowledged messages to another. Receipts go back to `amq.topic` under the kiosk's receipts
 * routing key, where the plugin delivers them to the kiosk's MQTT subscription.
 */
export class AmqpTransport implements IngestTransport {
  readonly kind = 'amqp';
  private link: Link | undefined;
  private handler: MessageHandler | undefined;
  private reports = true;
  private consuming = false;
  private closed = false;
  private reconnecting: Promise<void> | undefined;
  private readonly topology: AmqpTopology;
  /** Deliveries waiting out `retryDelayMs` before they are handed back, with how to hand each back now. */
  private readonly retries = new Map<NodeJS.Timeout, () => void>();
  /** Deliveries settled by this worker since it started: the stop's account in the log. */
  readonly settled = { acknowledged: 0, handedBack: 0, deadLettered: 0 };

  private constructor(private readonly options: AmqpTransportOptions) {
    this.topology = { ...DEFAULT_TOPOLOGY, ...options.topology };
  }

  static async connect(options: AmqpTransportOptions): Promise<AmqpTransport> {
    const transport = new AmqpTransport(options);
    transport.link = await transport.open();
    return transport;
  }

  /** Connects, opens the channels and declares the topology (idempotent on the broker). */
  private async open(): Promise<Link> {
    const { url, log } = this.options;
    const model = await amqp.connect(url, { noDelay: true });
    try {
      const consume = await model.createChannel();
      const publish = await model.createConfirmChannel();
      const t = this.topology;
      await consume.assertExchange(t.deadLetterExchange, 'topic', { durable: true });
      await consume.assertQueue(t.deadLetterQueue, {
        durable: true,
        arguments: { 'x-queue-type': 'quorum' },
      });
      await consume.bindQueue(t.deadLetterQueue, t.deadLetterExchange, '#');
      await consume.assertQueue(t.queue, { durable: true, arguments: queueArguments(t) });
      for (const key of bindingKeys(this.reports)) await consume.bindQueue(t.queue, MQTT_EXCHANGE, key);
      await consume.prefetch(this.options.prefetch ?? 2000);
      const link: Link = { model, consume, publish };
      model.on('error', (error: Error) => log.error({ err: error }, 'AMQP connection error'));
      model.on('close', () => this.lost(link));
      return link;
    } catch (error) {
      await model.close().catch(() => undefined);
      throw error;
    }
  }

  /** The connection went away: its unacknowledged deliveries are back in the queue; reconnect. */
  private lost(link: Link): void {
    if (this.link !== link || this.closed) return;
    this.link = undefined;
    this.options.log.warn('AMQP broker unreachable: reconnecting; readings wait in the queue');
    this.reconnecting ??= this.reconnect().finally(() => {
      this.reconnecting = undefined;
    });
  }

  /** Tries again with a capped, jittered backoff, so that many workers do not retry in step. */
  private async reconnect(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        const link = await this.open();
        if (this.closed) {
          await link.model.close().catch(() => undefined);
          return;
        }
        this.link = link;
        if (this.consuming) await this.consume(link);
        this.options.log.info('AMQP connected again');
        return;
      } catch (error) {
        const delay = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6)) * (0.8 + Math.random() * 0.4);
        this.options.log.warn(
          { err: error },
          `AMQP reconnect failed: trying again in ${Math.round(delay)} ms`,
        );
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  async start(handler: MessageHandler, options: { reports: boolean }): Promise<void> {
    this.handler = handler;
    if (options.reports !== this.reports) {
      this.reports = options.reports;
      if (!options.reports) {
        // A queue declared by a worker that also takes reports keeps those bindings: drop them.
        const link = this.need();
        for (const channel of ['status', 'events']) {
          const key = bindingKeys(true).find((k) => k.endsWith(`.${channel}`)) as string;
          await link.consume.unbindQueue(this.topology.queue, MQTT_EXCHANGE, key);
        }
      }
    }
    this.consuming = true;
    await this.consume(this.need());
    this.options.log.info(
      { queue: this.topology.queue },
      `ingest consuming the quorum queue ${this.topology.queue}`,
    );
  }

  private async consume(link: Link): Promise<void> {
    const reply = await link.consume.consume(this.topology.queue, (message) => {
      if (!message) return; // The broker cancelled the consumer (queue deleted): the close handler reconnects.
      this.deliver(link, message);
    });
    link.consumerTag = reply.consumerTag;
  }

  private deliver(link: Link, message: ConsumeMessage): void {
    const settle: Settle = {
      ack: () => this.ack(link, message),
      retry: () => {
        const handBack = () => {
          this.retries.delete(timer);
          this.nack(link, message);
        };
        const timer = setTimeout(handBack, this.options.retryDelayMs ?? 2000);
        this.retries.set(timer, handBack);
      },
      deadLetter: (reason) => this.deadLetter(link, message, reason),
    };
    this.handler?.(topicOf(message.fields.routingKey), message.content, settle);
  }

  /**
   * A delivery of a channel that has since closed cannot be settled: the broker has handed it out
   * again already, and the record stores each reading once.
   */
  private ack(
    link: Link,
    message: ConsumeMessage,
    as: 'acknowledged' | 'deadLettered' = 'acknowledged',
  ): void {
    if (this.link !== link) return;
    try {
      link.consume.ack(message);
      this.settled[as]++;
    } catch (error) {
      this.options.log.debug({ err: error }, 'could not acknowledge a delivery of a closed channel');
    }
  }

  private nack(link: Link, message: ConsumeMessage): void {
    if (this.link !== link) return;
    try {
      link.consume.nack(message, false, true);
      this.settled.handedBack++;
    } catch (error) {
      this.options.log.debug({ err: error }, 'could not hand back a delivery of a closed channel');
    }
  }

  /**
   * Bad input goes to the dead-letter exchange with its reason in a header, confirmed by the
   * broker before the original is acknowledged; if the broker does not confirm, the message is
   * handed back rather than lost.
   */
  private deadLetter(link: Link, message: ConsumeMessage, reason: { code: string; message: string }): void {
    const headers = {
      ...message.properties.headers,
      [REASON_HEADER]: `${reason.code}: ${reason.message}`.slice(0, 500),
      'x-kd-code': reason.code,
    };
    try {
      link.publish.publish(
        this.topology.deadLetterExchange,
        message.fields.routingKey,
        message.content,
        { persistent: true, headers },
        (error: unknown) => (error ? this.nack(link, message) : this.ack(link, message, 'deadLettered')),
      );
    } catch (error) {
      this.options.log.warn({ err: error }, 'could not dead-letter a message: handed back');
      this.nack(link, message);
    }
  }

  async publish(topic: string, payload: string | Buffer): Promise<void> {
    const link = this.need();
    const content = typeof payload === 'string' ? Buffer.from(payload) : payload;
    await new Promise<void>((resolve, reject) => {
      link.publish.publish(
        MQTT_EXCHANGE,
        routingKeyOf(topic),
        content,
        // The plugin delivers at the lower of this and the subscription's QoS: at least once.
        { persistent: true, headers: { 'x-mqtt-publish-qos': 1 } },
        (error: unknown) =>
          error
            ? reject(new BrokerUnavailableError(`the broker did not confirm the receipts for ${topic}`))
            : resolve(),
      );
    });
  }

  async pause(): Promise<void> {
    this.consuming = false;
    const link = this.link;
    if (link?.consumerTag) await link.consume.cancel(link.consumerTag).catch(() => undefined);
  }

  connected(): boolean {
    return this.link !== undefined;
  }

  /**
   * Stops as a worker should (the ingest has drained first, so every committed delivery is
   * acknowledged): the deliveries still waiting out their retry delay are handed back now, then
   * the consuming channel is closed before the connection. RabbitMQ settles a channel's acks and
   * nacks before it answers the channel's close, so when this returns the broker holds nothing of
   * ours as unacknowledged: what was committed will not be delivered again, and what was not goes
   * to the next worker at once.
   */
  async close(): Promise<void> {
    await this.pause();
    for (const [timer, handBack] of this.retries) {
      clearTimeout(timer);
      handBack();
    }
    this.closed = true;
    const link = this.link;
    this.link = undefined;
    if (!link) return;
    const { acknowledged, handedBack, deadLettered } = this.settled;
    try {
      await link.consume.close();
      await link.publish.close();
    } catch (error) {
      // The broker went away meanwhile: it hands our unacknowledged deliveries out again itself.
      this.options.log.warn({ err: error }, 'AMQP channels closed by the broker before the stop');
    }
    await link.model.close().catch(() => undefined);
    this.options.log.info(
      { acknowledged, handedBack, deadLettered },
      `AMQP ingest stopped: ${acknowledged} deliveries acknowledged after their commit, ${handedBack} handed back uncommitted, ${deadLettered} dead-lettered`,
    );
  }

  private need(): Link {
    if (!this.link)
      throw new BrokerUnavailableError('the AMQP broker is not connected; it is being reconnected');
    return this.link;
  }
}
