import { TOPIC_ROOT, topicFor } from '@klinik-desa/protocol';
import { kioskUsername } from '../domain/acl.js';
import { DEFAULT_TOPOLOGY, MQTT_EXCHANGE, routingKeyOf } from './topology.js';

/**
 * RabbitMQ's permissions for the national tier, as `rabbitmqctl` argument lists: the same rules as
 * the Mosquitto ACLs (acl.ts), in RabbitMQ's terms. A kiosk user is `kiosk.<clinic>.<kiosk>` (the
 * MQTT plugin takes the MQTT user name as the RabbitMQ user, in the default vhost unless the
 * name says `vhost:user`). Resource permissions let its MQTT session declare and use only its own
 * subscription queue; topic permissions on `amq.topic` let it publish only its own readings, status
 * and events routing keys and bind only its own receipts key. Pure: the commands are run by the
 * operator (`clinic-server rabbitmq-config` prints them) or by a test.
 */
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** The permission commands of one kiosk (the user itself is added with its secret, see below). */
export function kioskPermissionCommands(clinicId: string, kioskId: string, vhost = '/'): string[][] {
  // topicFor throws on an id that is not topic-safe; a topic-safe id is safe in a pattern too.
  topicFor('readings', clinicId, kioskId);
  const user = kioskUsername(clinicId, kioskId);
  // The plugin keeps a session's subscriptions in mqtt-subscription-<client id>qos0/qos1.
  const ownQueue = `mqtt-subscription-${escapeRegExp(user)}qos[01]`;
  const prefix = escapeRegExp(routingKeyOf(`${TOPIC_ROOT}/${clinicId}/${kioskId}`));
  const exchange = escapeRegExp(MQTT_EXCHANGE);
  return [
    [
      'set_permissions',
      '-p',
      vhost,
      user,
      `^${ownQueue}$`,
      `^(${ownQueue}|${exchange})$`,
      `^(${ownQueue}|${exchange})$`,
    ],
    [
      'set_topic_permissions',
      '-p',
      vhost,
      user,
      MQTT_EXCHANGE,
      `^${prefix}\\.(readings|status|events)$`,
      `^${prefix}\\.receipts$`,
    ],
  ];
}

/** The ingest user's permissions: its queues and exchanges, receipts (and status clears) out. */
export function ingestPermissionCommands(user: string, vhost = '/'): string[][] {
  const ours = `${escapeRegExp(DEFAULT_TOPOLOGY.queue.split('.')[0] as string)}\\..*`;
  const exchange = escapeRegExp(MQTT_EXCHANGE);
  const root = escapeRegExp(routingKeyOf(TOPIC_ROOT));
  return [
    ['set_permissions', '-p', vhost, user, `^${ours}$`, `^(${ours}|${exchange})$`, `^(${ours}|${exchange})$`],
    [
      'set_topic_permissions',
      '-p',
      vhost,
      user,
      MQTT_EXCHANGE,
      `^${root}\\.[^.]+\\.[^.]+\\.(receipts|status)$`,
      `^${root}\\.`,
    ],
  ];
}
