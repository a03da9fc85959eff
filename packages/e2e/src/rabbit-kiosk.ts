import { kioskPermissionCommands } from '@klinik-desa/clinic-server';
import { type Reading, type Receipt, ReceiptMessage, topics } from '@klinik-desa/protocol';
import type { RabbitNode } from '@klinik-desa/testkit';
import mqtt, { type MqttClient } from 'mqtt';
import { weightReading } from './weight-reading.js';

/** A kiosk of clinic-1 on the national tier, with the readings it has to send and the receipts it got. */
export interface RabbitKiosk {
  kioskId: string;
  client: MqttClient;
  receipts: Receipt[];
  readings: Reading[];
  /** Publishes these readings (QoS 1) on the kiosk's own topic. */
  publish(readings: Reading[]): Promise<void>;
}

/**
 * A kiosk user with its RabbitMQ permissions (as `clinic-server rabbitmq-config` writes them),
 * connected to `node` over MQTT 3.1.1 with a persistent session and subscribed to its receipts;
 * `count` weight readings ready to send.
 */
export async function connectRabbitKiosk(node: RabbitNode, kioskId: string, count = 0): Promise<RabbitKiosk> {
  const username = `kiosk.clinic-1.${kioskId}`;
  const password = `secret-${kioskId}`;
  await node.ctl(['add_user', username, password]);
  for (const command of kioskPermissionCommands('clinic-1', kioskId)) await node.ctl(command);
  const client = await mqtt.connectAsync(node.mqttUrl, {
    protocolVersion: 4,
    clientId: username,
    username,
    password,
    clean: false,
    reconnectPeriod: 500,
  });
  const receipts: Receipt[] = [];
  client.on('message', (_t, payload) =>
    receipts.push(...ReceiptMessage.parse(JSON.parse(payload.toString('utf8'))).receipts),
  );
  await client.subscribeAsync(topics.receipts('clinic-1', kioskId), { qos: 1 });
  return {
    kioskId,
    client,
    receipts,
    readings: Array.from({ length: count }, () => weightReading('clinic-1', kioskId)),
    publish: async (readings) => {
      await Promise.all(
        readings.map((r) =>
          client.publishAsync(topics.readings('clinic-1', kioskId), JSON.stringify(r), { qos: 1 }),
        ),
      );
    },
  };
}
