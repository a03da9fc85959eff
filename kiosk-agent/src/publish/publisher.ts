import {
  type KioskEvent,
  type KioskStatus,
  READINGS_MESSAGE_BYTES_MAX,
  ReceiptMessage,
  topics,
} from '@klinik-desa/protocol';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { Backoff, sleep } from '../backoff.js';
import { AgentError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Outbox, OutboxEntry } from '../outbox/outbox.js';

export interface PublisherOptions {
  url: string;
  protocolVersion: 4 | 5;
  clinicId: string;
  kioskId: string;
  username?: string;
  password?: string;
  /** The CA certificate (PEM) an mqtts:// broker's certificate is checked against. */
  ca?: Buffer;
  outbox: Outbox;
  log: Logger;
  /** Messages without their PUBACK at most. */
  maxInFlight: number;
  /** Readings per message at most, when several are waiting (1: every reading alone). */
  maxBatch?: number;
  receiptTimeoutMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** The retained status published on every connect (the birth message). */
  status: () => KioskStatus;
  onReceived?: (ids: readonly string[]) => void;
  onRejected?: (id: string, code: string, message: string) => void;
  onConnection?: (connected: boolean) => void;
  /**
   * The clinic's time, from a receipt message's `at`, and the round trip it was measured over (from
   * sending the freshest reading it answers to the receipt's arrival, on the monotonic clock).
   */
  onClinicTime?: (clinicMs: number, roundTripMs: number) => void;
  /** The payload to send for an entry (a reading corrected since it was kept); the kept one by default. */
  payloadFor?: (entry: OutboxEntry) => string;
  /** Makes the MQTT client (mqtt.js's `connect` by default): tests hand in a fake broker's. */
  connect?: ConnectMqtt;
}

/** How the publisher gets its MQTT client; it connects at once, as `mqtt.connect` does. */
export type ConnectMqtt = (url: string, options: IClientOptions) => MqttClient;

/**
 * Turns off Nagle's algorithm on the broker connection: a QoS 1 publish right after another small
 * packet otherwise waits for the broker's delayed ACK, about 40 ms on Linux, on every reading.
 */
export function noDelay(client: MqttClient): void {
  const stream = client.stream as { setNoDelay?: (on: boolean) => void } | undefined;
  stream?.setNoDelay?.(true);
}

/**
 * Characters of payload per message at most: a quarter of the clinic's limit in bytes
 * (`READINGS_MESSAGE_BYTES_MAX`), so that even a payload of 3-byte characters stays under it.
 */
const BATCH_CHARS_MAX = READINGS_MESSAGE_BYTES_MAX / 4;

/**
 * Readings without their PUBACK at most, whatever the window and batch size: a kiosk catching up
 * on a backlog would otherwise hold window × batch payloads in memory at once (10,000 readings,
 * about 7 MB, with a window of 200).
 */
export const READINGS_IN_FLIGHT_MAX = 2000;

/** How long a PUBACKed reading may wait for its receipt before its `published` state is written. */
const MARK_PUBLISHED_AFTER_MS = 250;

/** The broker refused the connection for a reason a retry does not fix (`MQTT_VERSION`). */
export class MqttRefusedError extends AgentError {
  override readonly name = 'MqttRefusedError';
  override readonly retryable = false;
  constructor(
    override readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Moves readings from the outbox to the broker and receipts back into the outbox. Reconnects with
 * its own capped, jittered backoff (mqtt.js's fixed interval would bring every kiosk of a district
 * back in the same second), and after every connect replays the outbox in order.
 */
export class Publisher {
  private client: MqttClient | undefined;
  private readonly abort = new AbortController();
  /** Readings in messages without their PUBACK yet. */
  private readonly inFlight = new Set<string>();
  /** Those messages, one token each: their number is held to the window. */
  private readonly messagesInFlight = new Set<object>();
  /** Published (PUBACKed) readings waiting for their receipt, with when they were sent. */
  private readonly awaitingReceipt = new Map<string, number>();
  private pumping = false;
  /** Publishes in flight at most: the configured maximum, or less if the broker asks for less. */
  window: number;
  /** The outbox position up to which readings were handed to this connection. */
  private cursor = 0;
  /** Readings to send again because their receipt did not come in time. */
  private readonly resend: string[] = [];
  /**
   * PUBACKed readings whose `published` state is not written yet. It is written a moment later, for
   * those still without their receipt then: usually the receipt is quicker, and the reading goes
   * from queued to received with one write instead of two (the SD card of a small board wears
   * with every write). The state only tells the kiosk page what is on its way; nothing depends on
   * it being on disk.
   */
  private readonly unmarked = new Set<string>();
  private markSoon: NodeJS.Timeout | undefined;
  private pumpSoon: NodeJS.Immediate | undefined;
  private loop: Promise<void> | undefined;
  private receiptTimer: NodeJS.Timeout | undefined;
  connected = false;
  lastError: string | undefined;

  constructor(private readonly options: PublisherOptions) {
    this.window = options.maxInFlight;
  }

  start(): void {
    this.loop ??= this.connectLoop();
    this.receiptTimer = setInterval(
      () => this.expireReceipts(),
      Math.min(5000, this.options.receiptTimeoutMs / 2),
    );
    this.receiptTimer.unref();
  }

  /** Publishes the retained status now (when connected): the operator's view of this kiosk. */
  publishStatus(): void {
    const client = this.client;
    if (!client || !this.connected) return;
    const { clinicId, kioskId } = this.options;
    client.publish(
      topics.status(clinicId, kioskId),
      JSON.stringify(this.options.status()),
      { qos: 1, retain: true },
      () => undefined,
    );
  }

  /** Operational events go out when connected and are not kept: the status counters hold the totals. */
  publishEvent(event: KioskEvent): void {
    const client = this.client;
    if (!client || !this.connected) return;
    const { clinicId, kioskId } = this.options;
    client.publish(topics.events(clinicId, kioskId), JSON.stringify(event), { qos: 1 }, () => undefined);
  }

  /** New readings are in the outbox: send what may be sent. */
  kick(): void {
    this.pump();
  }

  /**
   * Entries from position `seq` on were put back in the queue (`Outbox.requeueRejected`): the
   * cursor goes back to them, and those still on their way on this connection are not sent twice.
   */
  sendAgainFrom(seq: number): void {
    this.cursor = Math.min(this.cursor, seq - 1);
    this.pump();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    clearInterval(this.receiptTimer);
    clearImmediate(this.pumpSoon);
    this.markPublished();
    const client = this.client;
    if (client) {
      // A clean goodbye: the retained status says offline, as the last will would have.
      const { clinicId, kioskId } = this.options;
      const offline: KioskStatus = {
        ...this.options.status(),
        state: 'offline',
        at: new Date().toISOString(),
      };
      if (this.connected) {
        await client
          .publishAsync(topics.status(clinicId, kioskId), JSON.stringify(offline), { qos: 1, retain: true })
          .catch(() => undefined);
      }
      await client.endAsync().catch(() => undefined);
    }
    await this.loop;
  }

  private clientOptions(): IClientOptions {
    const { clinicId, kioskId, protocolVersion, username, password, ca } = this.options;
    const offline: KioskStatus = { state: 'offline', clinicId, kioskId, at: new Date().toISOString() };
    return {
      protocolVersion,
      // The client id is the kiosk's user name: the brokers refuse any other (no kiosk can take
      // over another's session), and it is the user name the clinic registered for this kiosk.
      clientId: username ?? `kiosk.${clinicId}.${kioskId}`,
      // A persistent session: receipts sent while the kiosk was away wait for it at the broker.
      clean: false,
      ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: 7 * 24 * 3600 } } : {}),
      reconnectPeriod: 0,
      // mqtt-packet otherwise builds a table of 65,536 two-byte buffers (6 MB of heap, 8% of the
      // agent's memory on a small board) to save an allocation per packet id.
      writeCache: false,
      connectTimeout: 15_000,
      keepalive: 30,
      will: {
        topic: topics.status(clinicId, kioskId),
        payload: Buffer.from(JSON.stringify(offline)),
        qos: 1,
        retain: true,
      },
      ...(username !== undefined ? { username } : {}),
      ...(password !== undefined ? { password } : {}),
      ...(ca !== undefined ? { ca } : {}),
    };
  }

  private connectOnce(): Promise<MqttClient> {
    return new Promise((resolve, reject) => {
      const client = (this.options.connect ?? mqtt.connect)(this.options.url, this.clientOptions());
      const fail = (error: Error) => {
        client.removeAllListeners();
        client.on('error', () => undefined);
        client.end(true);
        reject(error);
      };
      client.once('connect', (connack) => {
        client.removeAllListeners('error');
        client.removeAllListeners('close');
        // An MQTT 5 broker says how many unacknowledged QoS 1 publishes it takes (Mosquitto's
        // max_inflight_messages, 20 by default); sending more than that stalls the connection.
        const brokerMaximum = connack.properties?.receiveMaximum;
        this.window = Math.min(this.options.maxInFlight, brokerMaximum ?? Number.POSITIVE_INFINITY);
        resolve(client);
      });
      client.once('error', (error: Error & { code?: number | string }) => {
        if (error.code === 1 && this.options.protocolVersion === 5) {
          fail(
            new MqttRefusedError(
              'MQTT_VERSION',
              'the broker does not speak MQTT 5 (the embedded broker speaks 3.1.1): set mqtt.protocolVersion: 4',
            ),
          );
        } else fail(error);
      });
      client.once('close', () => fail(new Error('connection closed before CONNACK')));
    });
  }

  private async connectLoop(): Promise<void> {
    const { log } = this.options;
    const backoff = new Backoff(this.options.reconnectMinMs, this.options.reconnectMaxMs);
    const signal = this.abort.signal;
    while (!signal.aborted) {
      let client: MqttClient;
      try {
        client = await this.connectOnce();
      } catch (error) {
        this.lastError = (error as Error).message;
        const wait = backoff.next();
        log.warn(
          { err: (error as Error).message, retryInMs: wait },
          `cannot reach the broker; readings stay in the outbox, retrying in ${wait} ms`,
        );
        await sleep(wait, signal);
        continue;
      }
      if (signal.aborted) {
        client.end(true);
        break;
      }
      backoff.reset();
      noDelay(client);
      this.client = client;
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      client.on('error', (error) => log.warn({ err: error.message }, 'MQTT error'));
      client.on('message', (topic, payload) => this.onReceipts(topic, payload));
      try {
        const { clinicId, kioskId } = this.options;
        await client.subscribeAsync(topics.receipts(clinicId, kioskId), { qos: 1 });
        this.connected = true;
        this.lastError = undefined;
        this.options.onConnection?.(true);
        log.info(
          { pending: this.options.outbox.stats().pending },
          'connected to the broker; sending the outbox',
        );
        await client.publishAsync(topics.status(clinicId, kioskId), JSON.stringify(this.options.status()), {
          qos: 1,
          retain: true,
        });
        // Whatever was in flight on the last connection is sent again: the clinic dedupes by id.
        this.awaitingReceipt.clear();
        this.resend.length = 0;
        this.cursor = 0;
        this.pump();
      } catch (error) {
        log.warn({ err: (error as Error).message }, 'connection failed during set-up');
      }
      await closed;
      this.connected = false;
      this.options.onConnection?.(false);
      this.inFlight.clear();
      this.messagesInFlight.clear();
      this.client = undefined;
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.end(true);
      if (!signal.aborted) log.warn('lost the broker; readings stay in the outbox');
    }
  }

  private pump(): void {
    const client = this.client;
    if (this.pumping || !client || !this.connected) return;
    this.pumping = true;
    try {
      const { outbox } = this.options;
      const maxBatch = this.options.maxBatch ?? 1;
      const room = this.window - this.messagesInFlight.size;
      if (room <= 0) return;
      // Readings go out in messages of up to maxBatch, of one topic each, under the size cap. A
      // lone reading travels alone, at once: batches form only when readings are waiting anyway.
      const messages: OutboxEntry[][] = [];
      let current: OutboxEntry[] = [];
      let chars = 0;
      let budget = READINGS_IN_FLIGHT_MAX - this.inFlight.size;
      const take = (entry: OutboxEntry): boolean => {
        if (budget <= 0) return false;
        const first = current[0];
        if (
          first &&
          (current.length >= maxBatch ||
            entry.topic !== first.topic ||
            chars + entry.payload.length + 1 > BATCH_CHARS_MAX)
        ) {
          messages.push(current);
          current = [];
          chars = 0;
        }
        if (current.length === 0 && messages.length >= room) return false;
        current.push(entry);
        chars += entry.payload.length + 1;
        budget--;
        return true;
      };
      // Readings whose receipt did not come in time go first: they are the oldest.
      while (this.resend.length > 0) {
        const id = this.resend[0] as string;
        const entry = outbox.get(id);
        if (entry && entry.state !== 'received' && entry.state !== 'rejected' && !this.inFlight.has(id)) {
          if (!take(entry)) break;
        }
        this.resend.shift();
      }
      const wanted = Math.min((room - messages.length) * maxBatch - current.length, budget);
      if (wanted > 0) {
        for (const entry of outbox.nextToPublish(wanted, this.cursor)) {
          // Only after `sendAgainFrom` can the cursor meet a reading already on its way.
          if (!this.inFlight.has(entry.id) && !this.awaitingReceipt.has(entry.id) && !take(entry)) break;
          this.cursor = entry.seq;
        }
      }
      if (current.length > 0) messages.push(current);
      for (const message of messages) this.send(client, message);
    } finally {
      this.pumping = false;
    }
  }

  private send(client: MqttClient, entries: OutboxEntry[]): void {
    const token = {};
    this.messagesInFlight.add(token);
    for (const entry of entries) this.inFlight.add(entry.id);
    // The payloads are the JSON the outbox keeps: a batch is their JSON array, built without
    // parsing them again.
    const of = this.options.payloadFor ?? ((e: OutboxEntry) => e.payload);
    const payload = entries.length === 1 ? of(entries[0] as OutboxEntry) : `[${entries.map(of).join(',')}]`;
    client.publish((entries[0] as OutboxEntry).topic, payload, { qos: 1 }, (error) => {
      if (!this.messagesInFlight.delete(token)) return; // from a connection already given up
      for (const entry of entries) this.inFlight.delete(entry.id);
      if (error) return;
      // Monotonic: a step of the kiosk's clock must not expire every receipt at once.
      const now = performance.now();
      for (const entry of entries) {
        this.awaitingReceipt.set(entry.id, now);
        this.unmarked.add(entry.id);
      }
      this.markSoon ??= setTimeout(() => this.markPublished(), MARK_PUBLISHED_AFTER_MS).unref();
      // PUBACKs arrive in bursts (one socket read holds many): one outbox query refills the
      // window for all of them, rather than one query per acknowledgement.
      this.pumpSoon ??= setImmediate(() => {
        this.pumpSoon = undefined;
        this.pump();
      });
    });
  }

  private markPublished(): void {
    clearTimeout(this.markSoon);
    this.markSoon = undefined;
    if (this.unmarked.size === 0) return;
    this.options.outbox.markPublished([...this.unmarked]);
    this.unmarked.clear();
  }

  private onReceipts(topic: string, payload: Buffer): void {
    const { log, outbox } = this.options;
    let message: ReceiptMessage;
    try {
      message = ReceiptMessage.parse(JSON.parse(payload.toString('utf8')));
    } catch (error) {
      log.warn({ topic, err: (error as Error).message }, 'ignored a malformed receipt message');
      return;
    }
    const done: string[] = [];
    let sentLast: number | undefined;
    for (const receipt of message.receipts) {
      if (receipt.readingId === null) continue;
      const sentAt = this.awaitingReceipt.get(receipt.readingId);
      if (sentAt !== undefined && (sentLast === undefined || sentAt > sentLast)) sentLast = sentAt;
      this.awaitingReceipt.delete(receipt.readingId);
      this.unmarked.delete(receipt.readingId);
      if (receipt.status === 'rejected') {
        outbox.reject(receipt.readingId, receipt.code ?? 'REJECTED', receipt.message ?? '');
        this.options.onRejected?.(receipt.readingId, receipt.code ?? 'REJECTED', receipt.message ?? '');
        log.error(
          { readingId: receipt.readingId, code: receipt.code },
          `the clinic rejected a reading: ${receipt.message ?? ''}`,
        );
      } else {
        done.push(receipt.readingId);
      }
    }
    // Only a receipt for a reading sent on this connection tells how long the exchange took.
    if (sentLast !== undefined)
      this.options.onClinicTime?.(Date.parse(message.at), performance.now() - sentLast);
    if (done.length > 0) {
      outbox.markReceived(done);
      this.options.onReceived?.(done);
    }
    this.pump();
  }

  private expireReceipts(): void {
    const cutoff = performance.now() - this.options.receiptTimeoutMs;
    let expired = 0;
    for (const [id, sentAt] of this.awaitingReceipt) {
      if (sentAt < cutoff) {
        this.awaitingReceipt.delete(id);
        this.resend.push(id);
        expired++;
      }
    }
    if (expired > 0) {
      this.options.log.info({ count: expired }, 'no receipt in time; sending again');
      this.pump();
    }
  }
}
