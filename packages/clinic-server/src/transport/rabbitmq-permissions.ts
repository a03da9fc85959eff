import { TOPIC_ROOT, topicFor } from '@klinik-desa/protocol';
import { kioskUsername } from '../domain/acl.js';
import { DEFAULT_TOPOLOGY, MQTT_EXCHANGE, routingKeyOf } from './topology.js';

/** A regular expression matching exactly this text. */
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * RabbitMQ's permissions for the national tier, as `rabbitmqctl` argument lists: the same rules as
 * the Mosquitto ACLs (acl.ts), in RabbitMQ's terms. A kiosk user is `kiosk.<clinic>.<kiosk>` (the
 * MQTT plugin takes the MQTT user name as the RabbitMQ user, in the default vhost unless the
 * name says `vhost:user`). Resource permissions let its MQTT session declare and use only its own
 * subscription queue; topic permissions on `amq.topic` let it publish only its own readings, status
 * and events routing keys and bind only its own receipts key. Pure: the commands are run by the
 * operator (`clinic-server rabbitmq-config` prints them) or by a test.
 */
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

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * A shell script of `rabbitmqctl` commands giving the ingest user and every registered kiosk their
 * permissions, and deleting the RabbitMQ users of kiosks no longer registered (revoked). The
 * record keeps only a hash of each kiosk secret, which RabbitMQ cannot use: a kiosk's RabbitMQ
 * user is added with its secret when it is provisioned (`rabbitmqctl add_user`), and this script
 * keeps what it may do in step with the record.
 */
export function rabbitmqScript(kiosks: { username: string }[], ingestUser: string, vhost = '/'): string {
  const lines = [
    '#!/bin/sh',
    '# Written by clinic-server rabbitmq-config.',
    'set -eu',
    // RABBITMQCTL may hold options too ("rabbitmqctl -n rabbit@host"): $CTL is split on purpose.
    'CTL=$(printenv RABBITMQCTL || echo rabbitmqctl)',
  ];
  const run = (args: string[]) => lines.push(`$CTL ${args.map(quote).join(' ')}`);
  for (const command of ingestPermissionCommands(ingestUser, vhost)) run(command);
  const registered: string[] = [];
  for (const { username } of kiosks) {
    const m = /^kiosk\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{1,64})$/.exec(username);
    if (!m) continue;
    registered.push(username);
    lines.push(`if $CTL -q list_users | cut -f1 | grep -qx ${quote(username)}; then`);
    for (const command of kioskPermissionCommands(m[1] as string, m[2] as string, vhost)) {
      lines.push(`  $CTL ${command.map(quote).join(' ')}`);
    }
    lines.push(
      `else echo ${quote(`${username}: no RabbitMQ user yet; add it with its secret: rabbitmqctl add_user ${username} <secret>`)} >&2; fi`,
    );
  }
  lines.push(
    '# Kiosk users the record no longer knows (revoked): deleted, which closes their connections.',
    `for user in $($CTL -q list_users | cut -f1 | grep '^kiosk\\.' || true); do`,
    `  case " ${registered.join(' ')} " in *" $user "*) ;; *) $CTL delete_user "$user" ;; esac`,
    'done',
    '',
  );
  return lines.join('\n');
}
