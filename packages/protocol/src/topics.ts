import { TopicSafeId } from './ids.js';

export const TOPIC_ROOT = 'klinik-desa/v1';
export const CHANNELS = ['readings', 'receipts', 'status', 'events'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface TopicAddress {
  clinicId: string;
  kioskId: string;
  channel: Channel;
}

export class TopicError extends Error {
  readonly code = 'BAD_TOPIC';
  override readonly name = 'TopicError';
}

function checkId(what: string, id: string): void {
  if (!TopicSafeId.safeParse(id).success) {
    throw new TopicError(
      `${what} ${JSON.stringify(id)} cannot be used in a topic: use 1-64 letters, digits, "-" or "_"`,
    );
  }
}

/** `klinik-desa/v1/{clinicId}/{kioskId}/{channel}`. Throws `TopicError` on an id that is not topic-safe. */
export function topicFor(channel: Channel, clinicId: string, kioskId: string): string {
  checkId('clinic id', clinicId);
  checkId('kiosk id', kioskId);
  return `${TOPIC_ROOT}/${clinicId}/${kioskId}/${channel}`;
}

export const topics = {
  readings: (clinicId: string, kioskId: string) => topicFor('readings', clinicId, kioskId),
  receipts: (clinicId: string, kioskId: string) => topicFor('receipts', clinicId, kioskId),
  status: (clinicId: string, kioskId: string) => topicFor('status', clinicId, kioskId),
  events: (clinicId: string, kioskId: string) => topicFor('events', clinicId, kioskId),
} as const;

/** The address of a topic, or `undefined` when the topic is not one of ours. */
export function parseTopic(topic: string): TopicAddress | undefined {
  const parts = topic.split('/');
  if (parts.length !== 5 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) return undefined;
  const [, , clinicId, kioskId, channel] = parts as [string, string, string, string, string];
  if (!(CHANNELS as readonly string[]).includes(channel)) return undefined;
  if (!TopicSafeId.safeParse(clinicId).success || !TopicSafeId.safeParse(kioskId).success) return undefined;
  return { clinicId, kioskId, channel: channel as Channel };
}

/**
 * The filter that receives one channel of every kiosk, e.g. `klinik-desa/v1/+/+/readings`; with a
 * group, the MQTT 5 shared form `$share/{group}/klinik-desa/v1/+/+/readings` so that several
 * ingest processes split the load.
 */
export function subscriptionFor(channel: Channel, options: { sharedGroup?: string } = {}): string {
  const filter = `${TOPIC_ROOT}/+/+/${channel}`;
  return options.sharedGroup ? `$share/${options.sharedGroup}/${filter}` : filter;
}
