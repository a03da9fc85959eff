import { hostname } from 'node:os';
import { subscriptionFor } from '@klinik-desa/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { IngestTransport, MessageHandler } from './transport.js';

/**
 * The ingest's MQTT connection (the embedded broker, Mosquitto, EMQX). With a shared-subscription
 * group, several servers split the kiosks' messages (MQTT 5).
 */
export class MqttTransport implements IngestTransport {
  readonly kind = 'mqtt';
  private handler: MessageHandler | undefined;
  private readonly onMessage = (topic: string, payload: Buffer) => this.handler?.(topic, payload);

  constructor(
    readonly client: MqttClient,
    private readonly log: Logger,
    private readonly sharedGroup?: string,
  ) {}

  async start(handler: MessageHandler, options: { reports: boolean }): Promise<void> {
    this.handler = handler;
    this.client.on('message', this.onMessage);
    const group = this.sharedGroup ? { sharedGroup: this.sharedGroup } : {};
    const filter = subscriptionFor('readings', group);
    const filters = [filter];
    if (options.reports) filters.push(subscriptionFor('status', group), subscriptionFor('events', group));
    const granted = await this.client.subscribeAsync(filters, { qos: 1 });
    const refused = granted.filter((g) => g.qos > 2).map((g) => g.topic);
    if (refused.includes(filter)) throw new Error(`the broker refused the subscription to ${filter}`);
    if (refused.length > 0) this.log.warn({ refused }, `the broker refused ${refused.join(', ')}`);
    this.log.info({ filter }, `ingest subscribed to ${filter}`);
  }

  async publish(topic: string, payload: string | Buffer, options: { retain?: boolean } = {}): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1, retain: options.retain ?? false });
  }

  async pause(): Promise<void> {
    this.client.off('message', this.onMessage);
  }

  connected(): boolean {
    return this.client.connected;
  }

  async close(): Promise<void> {
    await this.pause();
    await this.client.endAsync();
  }
}

/**
 * The server's own MQTT connection, with a persistent session so that readings sent while it was
 * away wait for it at the broker.
 */
export async function connectIngestClient(
  brokerUrl: string,
  protocolVersion: 4 | 5,
  credentials: { username?: string; password?: string; ca?: Buffer },
  clientId: string | undefined,
  log: Logger,
): Promise<MqttClient> {
  const client = await mqtt.connectAsync(brokerUrl, {
    protocolVersion,
    clientId: clientId ?? `klinik-desa-ingest-${hostname()}`,
    clean: false,
    ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: 24 * 3600 } } : {}),
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    ...credentials,
  });
  // Nagle's algorithm would hold each receipt for the broker's delayed ACK (about 40 ms); every
  // reconnect brings a new socket, so it is turned off on each.
  const noDelay = () => (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  noDelay();
  client.on('connect', noDelay);
  client.on('error', (error) => log.error({ err: error }, 'MQTT error'));
  client.on('offline', () => log.warn('MQTT broker unreachable; readings wait in the kiosks'));
  client.on('connect', () => log.info('MQTT connected again'));
  return client;
}
