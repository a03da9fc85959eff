import amqp from 'amqplib';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RabbitNode, startRabbit } from './rabbitmq.js';

describe('startRabbit', () => {
  let rabbit: RabbitNode;
  beforeAll(async () => {
    rabbit = await startRabbit();
  }, 120_000);
  afterAll(async () => {
    await rabbit?.remove();
  }, 60_000);

  it('runs a node of its own that speaks AMQP and MQTT, and keeps a durable queue across a kill', async () => {
    expect(rabbit.amqpPort).not.toBe(5672);
    const conn = await amqp.connect(rabbit.amqpUrl);
    const ch = await conn.createConfirmChannel();
    await ch.assertQueue('kd-probe', { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await ch.bindQueue('kd-probe', 'amq.topic', 'probe.#');
    await rabbit.ctl(['add_user', 'dev', 'pw']);
    await rabbit.ctl(['set_permissions', '-p', '/', 'dev', '.*', '.*', '.*']);
    const client = await mqtt.connectAsync(rabbit.mqttUrl, {
      username: 'dev',
      password: 'pw',
      clientId: 'dev',
    });
    await client.publishAsync('probe/a', 'hello', { qos: 1 });
    await client.endAsync();
    await conn.close();
    await rabbit.kill();
    await rabbit.start();
    // A quorum queue answers only once its Raft member has a leader again: until then a get times
    // out and the broker closes the connection, so ask again on a fresh one, as a worker would.
    let got: amqp.GetMessage | false = false;
    for (let attempt = 0; attempt < 20 && !got; attempt++) {
      const again = await amqp.connect(rabbit.amqpUrl);
      again.on('error', () => undefined);
      try {
        got = await (await again.createChannel()).get('kd-probe');
        await again.close();
      } catch {
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
    expect(got ? got.content.toString() : undefined).toBe('hello');
    expect(got ? got.fields.routingKey : undefined).toBe('probe.a');
  }, 180_000);
});
