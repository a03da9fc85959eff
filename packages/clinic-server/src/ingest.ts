import {
  parseTopic,
  type Reading,
  type Receipt,
  type ReceiptMessage,
  subscriptionFor,
  topics,
} from '@klinik-desa/protocol';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { ClinicStore } from './store/store.js';
import { createReadingChecker } from './validation.js';

export interface IngestOptions {
  client: MqttClient;
  store: ClinicStore;
  log: Logger;
  /** MQTT 5 shared-subscription group; several servers with the same group split the load. */
  sharedGroup?: string;
  /** Readings committed in one transaction at most. */
  maxBatch?: number;
}

export interface IngestStats {
  received: number;
  stored: number;
  duplicate: number;
  rejected: Record<string, number>;
}

interface Pending {
  topic: string;
  payload: Buffer;
}

/**
 * Readings in, receipts out. Messages that arrive together are validated and committed in one
 * transaction, then answered with one receipt message per kiosk: batching is what lets one process
 * keep up with thousands of kiosks, and a receipt is only sent once its reading is committed.
 */
export class Ingest {
  readonly stats: IngestStats = { received: 0, stored: 0, duplicate: 0, rejected: {} };
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private readonly check = createReadingChecker();
  private readonly maxBatch: number;
  private readonly onMessage = (topic: string, payload: Buffer) => {
    this.queue.push({ topic, payload });
    this.stats.received++;
    if (!this.flushing) this.flushing = this.flushLoop();
  };

  constructor(private readonly options: IngestOptions) {
    this.maxBatch = options.maxBatch ?? 2000;
  }

  async start(): Promise<void> {
    const { client, sharedGroup } = this.options;
    client.on('message', this.onMessage);
    const filter = subscriptionFor('readings', sharedGroup ? { sharedGroup } : {});
    const granted = await client.subscribeAsync(filter, { qos: 1 });
    if (granted.some((g) => g.qos > 2)) throw new Error(`the broker refused the subscription to ${filter}`);
    this.options.log.info({ filter }, `ingest subscribed to ${filter}`);
  }

  /** Waits until everything received so far is committed and answered. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  async stop(): Promise<void> {
    this.options.client.off('message', this.onMessage);
    await this.drain();
  }

  private async flushLoop(): Promise<void> {
    try {
      // Yield once so that messages already in the socket buffer join this batch.
      await new Promise((r) => setImmediate(r));
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.processBatch(batch);
        } catch (error) {
          // Nothing is lost: a reading without its receipt stays in its kiosk's outbox and is sent
          // again; the record stores it once whatever the number of tries.
          this.options.log.error(
            { err: error, count: batch.length },
            'could not store or answer a batch of readings',
          );
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async processBatch(batch: Pending[]): Promise<void> {
    const { store, log, client } = this.options;
    const receiptsByTopic = new Map<string, Receipt[]>();
    const answer = (topic: string, receipt: Receipt) => {
      const address = parseTopic(topic);
      if (!address) return;
      const receiptTopic = topics.receipts(address.clinicId, address.kioskId);
      const list = receiptsByTopic.get(receiptTopic) ?? [];
      list.push(receipt);
      receiptsByTopic.set(receiptTopic, list);
    };

    const valid: { topic: string; reading: Reading }[] = [];
    for (const { topic, payload } of batch) {
      const checked = this.check(topic, payload);
      if (checked.ok) {
        valid.push({ topic, reading: checked.reading });
      } else {
        const code = checked.receipt.code ?? 'REJECTED';
        this.stats.rejected[code] = (this.stats.rejected[code] ?? 0) + 1;
        log.warn(
          { topic, code, readingId: checked.receipt.readingId },
          `rejected a reading: ${checked.receipt.message}`,
        );
        answer(topic, checked.receipt);
      }
    }

    if (valid.length > 0) {
      const outcomes = await store.insertReadings(valid.map((v) => v.reading));
      valid.forEach(({ topic, reading }, i) => {
        const status = outcomes[i] ?? 'stored';
        this.stats[status]++;
        answer(topic, { readingId: reading.id, status });
      });
      log.debug({ count: valid.length }, 'committed readings');
    }

    const at = new Date().toISOString();
    await Promise.all(
      [...receiptsByTopic].map(([topic, receipts]) => {
        const message: ReceiptMessage = { receipts, at };
        return client.publishAsync(topic, JSON.stringify(message), { qos: 1 });
      }),
    );
  }
}
