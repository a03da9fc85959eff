import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { type Reading, topics } from '@klinik-desa/protocol';
import { waitFor } from '@klinik-desa/testkit';
import type { IClientOptions, MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { Agent } from './agent.js';
import { parseConfig } from './config/config.js';
import { createLogger } from './logger.js';
import { MemoryOutbox } from './outbox/memory-outbox.js';

/**
 * A broker connection that is always up: it answers CONNACK at once, acknowledges every publish
 * and lets the test deliver messages (receipts) as the clinic would.
 */
class FakeMqttClient extends EventEmitter {
  readonly published: { topic: string; payload: string }[] = [];
  readonly subscribed: string[] = [];
  readonly stream = {};

  constructor(readonly options: IClientOptions) {
    super();
    setImmediate(() => this.emit('connect', {}));
  }

  publish(topic: string, payload: string, _options: unknown, done?: (error?: Error) => void): this {
    this.published.push({ topic, payload });
    setImmediate(() => done?.());
    return this;
  }

  async publishAsync(topic: string, payload: string): Promise<void> {
    this.published.push({ topic, payload });
  }

  async subscribeAsync(topic: string): Promise<void> {
    this.subscribed.push(topic);
  }

  end(): this {
    setImmediate(() => this.emit('close'));
    return this;
  }

  async endAsync(): Promise<void> {
    this.end();
  }
}

describe('Agent with its parts handed in', () => {
  it('reads a fake scale and publishes to a fake broker, with no port, broker or disk of its own', async () => {
    const config = parseConfig(
      {
        kiosk: { id: 'kiosk-1', clinicId: 'clinic-1' },
        mqtt: { url: 'mqtt://broker.invalid:1883' },
        outbox: { path: ':memory:' },
        http: { port: 0 },
        devices: [{ id: 'scale-1', protocol: 'ad-scale', port: 'tcp://scale.invalid:4001' }],
      },
      '/',
    );
    const scale = new PassThrough();
    const opened: string[] = [];
    const clients: FakeMqttClient[] = [];
    const outbox = new MemoryOutbox();
    const agent = new Agent(config, createLogger('silent'), {
      openPort: async (path) => {
        opened.push(path);
        return scale;
      },
      connectMqtt: (_url, options) => {
        const client = new FakeMqttClient(options);
        clients.push(client);
        return client as unknown as MqttClient;
      },
      openOutbox: () => outbox,
      clinicClient: () => undefined,
    });
    await agent.start();
    try {
      await waitFor(() => agent.devices[0]?.status.state === 'connected', {
        what: 'the fake scale connected',
      });
      expect(opened).toEqual(['tcp://scale.invalid:4001']);
      const client = clients[0] as FakeMqttClient;
      await waitFor(() => client.subscribed.length > 0, { what: 'the receipts subscription' });
      expect(client.subscribed).toEqual([topics.receipts('clinic-1', 'kiosk-1')]);

      // One weighing: the scale repeats its stable line, and one reading comes of it.
      scale.write('US,+00061.90 kg\r\nST,+00062.45 kg\r\nST,+00062.45 kg\r\nST,+00062.45 kg\r\n');
      const readingsTopic = topics.readings('clinic-1', 'kiosk-1');
      await waitFor(() => client.published.some((p) => p.topic === readingsTopic), {
        what: 'the reading published',
      });
      const sent = client.published.filter((p) => p.topic === readingsTopic);
      expect(sent).toHaveLength(1);
      const reading = JSON.parse((sent[0] as { payload: string }).payload) as Reading;
      expect(reading).toMatchObject({ kioskId: 'kiosk-1', device: { id: 'scale-1', protocol: 'ad-scale' } });
      expect(reading.values.find((v) => v.name === 'weight')?.value).toBe(62.45);
      expect(outbox.get(reading.id)?.state).not.toBe('received');

      // The clinic's receipt, through the fake broker, closes the reading in the handed-in outbox.
      const receipt = {
        receipts: [{ readingId: reading.id, status: 'stored' }],
        at: new Date().toISOString(),
      };
      client.emit('message', topics.receipts('clinic-1', 'kiosk-1'), Buffer.from(JSON.stringify(receipt)));
      await waitFor(() => outbox.get(reading.id)?.state === 'received', { what: 'the receipt kept' });
      expect(agent.status().devices?.[0]).toMatchObject({ id: 'scale-1', readings: 1 });
    } finally {
      await agent.stop();
    }
  });
});
