import { type Channel, TOPIC_ROOT } from '@klinik-desa/protocol';

/**
 * Who is on the other end of an MQTT connection. The same rules are written out for Mosquitto's
 * dynamic security plugin (`mosquitto-config`, domain/dynsec.ts) and enforced by the embedded
 * broker's authorizer, so a kiosk is held to its own topics whichever broker it talks to. There is
 * no anonymous principal: an open window before the first kiosk is registered let a client keep
 * full access for as long as it stayed connected.
 */
export type MqttPrincipal = { kind: 'kiosk'; clinicId: string; kioskId: string } | { kind: 'ingest' };

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
  const t = channelOf(topic);
  if (!t || t.clinicId.includes('+') || t.kioskId.includes('+')) return false;
  // The ingest writes receipts, and clears a malformed retained status with an empty retained one.
  if (who.kind === 'ingest') return t.channel === 'receipts' || t.channel === 'status';
  return (
    t.clinicId === who.clinicId &&
    t.kioskId === who.kioskId &&
    (KIOSK_PUBLISHES as readonly string[]).includes(t.channel)
  );
}

export function maySubscribe(who: MqttPrincipal, filter: string): boolean {
  const t = channelOf(unshare(filter));
  if (!t) return false;
  if (who.kind === 'ingest') {
    return t.clinicId === '+' && t.kioskId === '+' && ['readings', 'status', 'events'].includes(t.channel);
  }
  // Its own receipts, and its own retained status (what the clinic last heard from it).
  return (
    t.clinicId === who.clinicId &&
    t.kioskId === who.kioskId &&
    (t.channel === 'receipts' || t.channel === 'status')
  );
}

/** A kiosk's MQTT user name: the same as its API client id. */
export function kioskUsername(clinicId: string, kioskId: string): string {
  return `kiosk.${clinicId}.${kioskId}`;
}

export function parseKioskUsername(username: string): { clinicId: string; kioskId: string } | undefined {
  const m = /^kiosk\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{1,64})$/.exec(username);
  return m ? { clinicId: m[1]!, kioskId: m[2]! } : undefined;
}

/**
 * A client id belongs to its identity: a kiosk connects with its own user name as client id, so no
 * kiosk can take over another's session or the ingest's (MQTT disconnects the older connection of
 * a client id). The ingest may choose its id (several ingest processes need different ones), but
 * never one shaped like a kiosk's.
 */
export function mayUseClientId(who: MqttPrincipal, clientId: string): boolean {
  if (who.kind === 'kiosk') return clientId === kioskUsername(who.clinicId, who.kioskId);
  return clientId.length > 0 && !clientId.startsWith('kiosk.');
}
