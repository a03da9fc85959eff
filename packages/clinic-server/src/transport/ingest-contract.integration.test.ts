import { startMosquitto, startRabbit } from '@klinik-desa/testkit';
import mqtt from 'mqtt';
import pino from 'pino';
import { startEmbeddedBroker } from '../broker.js';
import { kioskUsername } from '../domain/acl.js';
import { AmqpTransport } from './amqp-transport.js';
import { describeIngestContract } from './ingest-contract.suite.js';
import { MqttTransport } from './mqtt-transport.js';
import { kioskPermissionCommands } from './rabbitmq-permissions.js';

const log = pino({ level: 'silent' });

describeIngestContract('the embedded broker', async () => {
  const broker = await startEmbeddedBroker({ port: 0 });
  const server = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: 'ingest' });
  return {
    transport: async () => new MqttTransport(server, log),
    kiosk: (c, k) => mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: kioskUsername(c, k) }),
    close: () => broker.close(),
  };
});

describeIngestContract('Mosquitto with a shared subscription', async () => {
  const broker = await startMosquitto();
  const server = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'ingest-a' });
  return {
    transport: async () => new MqttTransport(server, log, 'ingest'),
    kiosk: (c, k) => mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: kioskUsername(c, k) }),
    close: () => broker.stop(),
  };
});

describeIngestContract('RabbitMQ (quorum queue over AMQP, kiosks over MQTT)', async () => {
  const rabbit = await startRabbit();
  return {
    transport: () => AmqpTransport.connect({ url: rabbit.amqpUrl, log }),
    async kiosk(c, k) {
      const username = kioskUsername(c, k);
      await rabbit.ctl(['add_user', username, 'kiosk-secret']);
      for (const command of kioskPermissionCommands(c, k)) await rabbit.ctl(command);
      return mqtt.connectAsync(rabbit.mqttUrl, {
        protocolVersion: 4,
        clientId: username,
        username,
        password: 'kiosk-secret',
      });
    },
    close: () => rabbit.remove(),
  };
});
