import { type Channel, TOPIC_ROOT } from '@klinik-desa/protocol';

/**
 * Who is on the other end of an MQTT connection. The same rules are written out as Mosquitto's ACL
 * file (`mosquitto-config`) and enforced by the embedded broker's authorizer, so a kiosk is held to
 * its own topics whichever broker it talks to.
 */
export type MqttPrincipal =
  | { kind: 'kiosk'; clinicId: string; kioskId: string }
  | { kind: 'ingest' }
  /** The zero-setup embedded broker before any kiosk is registered: everything is allowed. */
  | { kind: 'open' };

const KIOSK_PUBLISHES: readonly Channel[] = ['readings', 'status', 'events'];

/** Drops the MQTT 5 `$share/<group>/` prefix: access is decided on the topic filter itself. */
export function unshare(filter: string): string {
  const m = /^\$share\/[^/]+\/(.*)$/.exec(filter);
  return m ? m[1]! : filter;
}

function channelOf(topic: string): { clinicId: string; kioskId: string; channel: string } | undefined {
  const parts = topic.split('/');
  if (parts.length !== 5 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) return undefined;
  return { clinicId: parts[2]!, kioskId: parts[3]!, channel: parts[4]! };
}

export function mayPublish(who: MqttPrincipal, topic: string): boolean {
  if (who.kind === 'open') return true;
  const t = channelOf(topic);
  if (!t || t.clinicId.includes('+') || t.kioskId.includes('+')) return false;
  if (who.kind === 'ingest') return t.channel === 'receipts';
  return (
    t.clinicId === who.clinicId &&
    t.kioskId === who.kioskId &&
    (KIOSK_PUBLISHES as readonly string[]).includes(t.channel)
  );
}

export function maySubscribe(who: MqttPrincipal, filter: string): boolean {
  if (who.kind === 'open') return true;
  const t = channelOf(unshare(filter));
  if (!t) return false;
  if (who.kind === 'ingest') {
    return t.clinicId === '+' && t.kioskId === '+' && ['readings', 'status', 'events'].includes(t.channel);
  }
  return t.clinicId === who.clinicId && t.kioskId === who.kioskId && t.channel === 'receipts';
}

/** A kiosk's MQTT user name: the same as its API client id. */
export function kioskUsername(clinicId: string, kioskId: string): string {
  return `kiosk.${clinicId}.${kioskId}`;
}

export function parseKioskUsername(username: string): { clinicId: string; kioskId: string } | undefined {
  const m = /^kiosk\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{1,64})$/.exec(username);
  return m ? { clinicId: m[1]!, kioskId: m[2]! } : undefined;
}

/** Mosquitto 2 `acl_file` content for the ingest user and every registered kiosk. */
export function mosquittoAcl(
  ingestUser: string,
  kiosks: readonly { clinicId: string; kioskId: string }[],
): string {
  const lines = [
    '# Written by `clinic-server mosquitto-config`. Each kiosk may publish only under its own',
    '# clinic/kiosk topics and read only its own receipts; the ingest user reads every kiosk.',
    '',
    `user ${ingestUser}`,
    `topic read ${TOPIC_ROOT}/+/+/readings`,
    `topic read ${TOPIC_ROOT}/+/+/status`,
    `topic read ${TOPIC_ROOT}/+/+/events`,
    `topic write ${TOPIC_ROOT}/+/+/receipts`,
  ];
  for (const k of kiosks) {
    const base = `${TOPIC_ROOT}/${k.clinicId}/${k.kioskId}`;
    lines.push(
      '',
      `user ${kioskUsername(k.clinicId, k.kioskId)}`,
      `topic write ${base}/readings`,
      `topic readwrite ${base}/status`,
      `topic write ${base}/events`,
      `topic read ${base}/receipts`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Mosquitto 2 `password_file` content: `user:$7$...` lines, hashes as the record keeps them. */
export function mosquittoPasswordFile(entries: readonly { username: string; secretHash: string }[]): string {
  return entries.map((e) => `${e.username}:${e.secretHash}\n`).join('');
}
