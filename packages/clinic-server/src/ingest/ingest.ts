import { parseTopic, type Reading, type Receipt, type ReceiptMessage, topics } from '@klinik-desa/protocol';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { IngestOutcome, KioskActivityStore, ReadingStore, RecordUpkeep } from '../store/store.js';
import { StoreUnavailableError } from '../store/store-unavailable.js';
import { MqttTransport } from '../transport/mqtt-transport.js';
import type { IngestTransport, Settle } from '../transport/transport.js';
import { KioskReports } from './kiosk-reports.js';
import { type Checked, createMessageChecker } from './validation.js';

export interface IngestOptions {
  /** The broker connection: an MQTT client (wrapped in an MqttTransport), or a transport. */
  client?: MqttClient;
  transport?: IngestTransport;
  /** What ingest asks of the record: to keep readings, kiosk statuses and events, and whether it answers. */
  store: Pick<ReadingStore, 'ingestReadings'> &
    Pick<KioskActivityStore, 'recordKioskStatus' | 'recordKioskEvent'> &
    Pick<RecordUpkeep, 'dialect'>;
  log: Logger;
  /** MQTT 5 shared-subscription group (with `client`); several servers with the same group split the load. */
  sharedGroup?: string;
  /** Readings committed in one transaction at most (a batch message is split if need be). */
  maxBatch?: number;
  /**
   * Batches committed at the same time. PostgreSQL takes several transactions at once, and while
   * one waits for its commit the next is validated and sent (default 3); SQLite has one writer, so
   * more than one there only queues (default 1).
   */
  maxConcurrentBatches?: number;
  /** Refuse readings of unregistered kiosks even while no kiosk is registered. */
  requireRegisteredKiosks?: boolean;
  /** Also keep each registered kiosk's status and events (default true). */
  kioskReports?: boolean;
  metrics?: Metrics;
}

export interface IngestStats {
  /** Readings, not messages: a batch of 50 counts 50. */
  received: number;
  stored: number;
  duplicate: number;
  rejected: Record<string, number>;
  /** Left unanswered because the record as a whole could not take them; their kiosks send them again. */
  deferred: number;
}

/** PostgreSQL's deadlock, serialization and lock-timeout errors: worth one more try at once. */
function isTransient(error: unknown): boolean {
  if (!(error instanceof StoreUnavailableError)) return false;
  return error.reason === '40P01' || error.reason === '40001' || error.reason === '55P03';
}

/**
 * A message that must be settled with its broker: acknowledged once every reading of it is
 * committed and answered, handed out again if any could not be, dead-lettered if none was valid.
 */
interface Tracked {
  settle: Settle;
  left: number;
  failed: boolean;
  /** Why no reading of it could be kept, when none could: the dead-letter reason. */
  bad: { code: string; message: string } | undefined;
}

/** One reading of a message, checked on arrival, waiting for its batch. */
interface Pending {
  topic: string;
  checked: Checked;
  message?: Tracked;
}

/** Settles each message whose last reading this batch held. */
function settleBatch(batch: Pending[], failed: boolean): void {
  for (const { message } of batch) {
    if (!message) continue;
    message.left--;
    if (failed) message.failed = true;
    if (message.left > 0) continue;
    if (message.failed) message.settle.retry();
    else if (message.bad) message.settle.deadLetter(message.bad);
    else message.settle.ack();
  }
}

/** The dead-letter reason of a message none of whose readings passed the checks. */
function badInput(checked: Checked[]): { code: string; message: string } | undefined {
  const first = checked[0];
  if (!first || first.ok || checked.some((c) => c.ok)) return undefined;
  return { code: first.receipt.code ?? 'REJECTED', message: first.receipt.message ?? 'rejected' };
}

/**
 * Readings in, receipts out. Messages that arrive together are validated and committed in one
 * transaction, then answered with one receipt message per kiosk: batching is what lets one process
 * keep up with thousands of kiosks, and a receipt is only sent once its reading is committed.
 *
 * Over MQTT, the broker gets its PUBACK when mqtt.js has handed the message over, before the commit: mqtt.js
 * handles incoming packets one at a time and would not deliver the next before the PUBACK, so
 * holding it back would make every batch a batch of one. Nothing is lost by this: a kiosk keeps a
 * reading until its *receipt* (sent after the commit) and sends it again otherwise, and the record
 * stores each reading id once. Over AMQP (RabbitMQ), each message is acknowledged only once its
 * readings are committed (see `Settle`): the broker itself keeps what a killed worker had in hand.
 */
export class Ingest {
  readonly stats: IngestStats = { received: 0, stored: 0, duplicate: 0, rejected: {}, deferred: 0 };
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly batches = new Set<Promise<void>>();
  private readonly maxConcurrent: number;
  private readonly check = createMessageChecker();
  private readonly maxBatch: number;
  private readonly receiptsInFlight = new Set<Promise<unknown>>();
  /** Statuses and events of the kiosks: checked and kept apart from the readings. */
  readonly reports: KioskReports;
  readonly transport: IngestTransport;
  private readonly onMessage = (topic: string, payload: Buffer, settle?: Settle) => {
    const report = topic.endsWith('/status')
      ? this.reports.onStatus(topic, payload)
      : topic.endsWith('/events')
        ? this.reports.onEvent(topic, payload)
        : undefined;
    if (report) {
      if (settle) void report.then((refusal) => (refusal ? settle.deadLetter(refusal) : settle.ack()));
      return;
    }
    // A message holds one reading or a batch of them: the queue, the batches and the counts are
    // in readings, so a kiosk catching up in batches of 50 is not committed 2000 messages at once.
    const checks = this.check(topic, payload);
    const message: Tracked | undefined = settle && {
      settle,
      left: checks.length,
      failed: false,
      bad: badInput(checks),
    };
    for (const checked of checks) {
      this.queue.push(message ? { topic, checked, message } : { topic, checked });
      this.stats.received++;
    }
    this.options.metrics?.ingestQueue.set(this.queue.length);
    this.schedule();
  };

  constructor(private readonly options: IngestOptions) {
    this.maxBatch = options.maxBatch ?? 2000;
    this.maxConcurrent = options.maxConcurrentBatches ?? (options.store.dialect === 'postgres' ? 3 : 1);
    const transport =
      options.transport ??
      (options.client && new MqttTransport(options.client, options.log, options.sharedGroup));
    if (!transport) throw new Error('Ingest needs a client or a transport');
    this.transport = transport;
    this.reports = new KioskReports({
      client: {
        publish: (topic, payload, opts, callback) =>
          transport.publish(topic, payload, { retain: opts.retain }).then(() => callback(), callback),
      },
      store: options.store,
      log: options.log,
      ...(options.metrics ? { metrics: options.metrics } : {}),
    });
  }

  async start(): Promise<void> {
    await this.transport.start(this.onMessage, { reports: this.options.kioskReports ?? true });
  }

  /** Waits until everything received so far is committed and answered. */
  async drain(): Promise<void> {
    while (this.batches.size > 0 || this.scheduled) {
      await Promise.allSettled([...this.batches]);
      if (this.scheduled) await new Promise((r) => setImmediate(r));
    }
    await Promise.allSettled([...this.receiptsInFlight]);
    await this.reports.drain();
  }

  async stop(): Promise<void> {
    await this.transport.pause();
    await this.drain();
  }

  /**
   * Starts batches while there is room. The first waits one turn of the event loop, so that the
   * messages already in the socket buffer join it; later ones take whatever queued meanwhile.
   */
  private schedule(): void {
    if (this.scheduled || this.batches.size >= this.maxConcurrent) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.queue.length > 0 && this.batches.size < this.maxConcurrent) {
        const batch = this.queue.splice(0, this.maxBatch);
        this.options.metrics?.ingestQueue.set(this.queue.length);
        const running: Promise<void> = this.runBatch(batch).finally(() => {
          this.batches.delete(running);
          if (this.queue.length > 0) this.schedule();
        });
        this.batches.add(running);
      }
    });
  }

  private async runBatch(batch: Pending[]): Promise<void> {
    const timer = this.options.metrics?.ingestCommitSeconds.startTimer();
    let failed = true;
    try {
      await this.processBatch(batch);
      failed = false;
    } catch (error) {
      if (error instanceof StoreUnavailableError) {
        this.stats.deferred += batch.length;
        this.options.metrics?.ingestMessages.inc({ outcome: 'deferred' }, batch.length);
        this.options.log.error(
          { err: error, reason: error.reason, count: batch.length },
          `the clinic record cannot take readings now (${error.reason}): ${batch.length} left unanswered; their kiosks keep them and send them again`,
        );
        return;
      }
      // Nothing is lost: a reading without its receipt stays in its kiosk's outbox and is sent
      // again; the record stores it once whatever the number of tries.
      this.options.log.error(
        { err: error, count: batch.length },
        'could not store or answer a batch of readings',
      );
    } finally {
      timer?.();
      settleBatch(batch, failed);
    }
  }

  /**
   * Commits the batch; if the commit fails for a reason of its own, one reading may be what the
   * store cannot take, so each is tried alone: the others are stored and answered, and only the
   * culprit is rejected. A failure of the store as a whole (StoreUnavailableError: a full disk, a
   * read-only file, a lost server) is nobody's reading's fault: it throws, nothing is answered, and
   * the kiosks keep their readings and send them again.
   */
  private async store(readings: Reading[]): Promise<IngestOutcome[]> {
    const { store, requireRegisteredKiosks, log } = this.options;
    const options = requireRegisteredKiosks ? { requireRegisteredKiosks } : {};
    const attempt = async (batch: Reading[]) => {
      try {
        return await store.ingestReadings(batch, options);
      } catch (error) {
        // A deadlock or serialization failure between concurrent batches says nothing about the
        // readings: the same transaction is tried once more.
        if (!isTransient(error)) throw error;
        return store.ingestReadings(batch, options);
      }
    };
    try {
      return await attempt(readings);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      log.warn(
        { err: error, count: readings.length },
        'a batch failed to commit: storing its readings one by one',
      );
      const outcomes: IngestOutcome[] = [];
      for (const reading of readings) {
        try {
          outcomes.push(...(await attempt([reading])));
        } catch (single) {
          // The store failed midway: those stored so far are answered "duplicate" when sent again.
          if (single instanceof StoreUnavailableError) throw single;
          log.error({ err: single, readingId: reading.id }, 'the record refused a reading');
          outcomes.push({
            status: 'rejected',
            code: 'UNSTORABLE',
            message: 'the clinic record could not store this reading',
          });
        }
      }
      return outcomes;
    }
  }

  private async processBatch(batch: Pending[]): Promise<void> {
    const { log, metrics } = this.options;
    // Keyed by the readings topic they answer; each kiosk's receipts topic is worked out once.
    const receiptsByTopic = new Map<string, Receipt[]>();
    const answer = (topic: string, receipt: Receipt) => {
      const list = receiptsByTopic.get(topic);
      if (list) list.push(receipt);
      else receiptsByTopic.set(topic, [receipt]);
    };
    const reject = (topic: string, receipt: Receipt) => {
      const code = receipt.code ?? 'REJECTED';
      this.stats.rejected[code] = (this.stats.rejected[code] ?? 0) + 1;
      metrics?.ingestMessages.inc({ outcome: code });
      log.warn({ topic, code, readingId: receipt.readingId }, `rejected a reading: ${receipt.message}`);
      answer(topic, receipt);
    };

    const valid: { topic: string; reading: Reading }[] = [];
    for (const { topic, checked } of batch) {
      if (checked.ok) valid.push({ topic, reading: checked.reading });
      else reject(topic, checked.receipt);
    }

    if (valid.length > 0) {
      const outcomes = await this.store(valid.map((v) => v.reading));
      metrics?.ingestBatchSize.observe(valid.length);
      valid.forEach(({ topic, reading }, i) => {
        const outcome = outcomes[i] ?? { status: 'stored' };
        if (outcome.status === 'rejected') {
          reject(topic, {
            readingId: reading.id,
            status: 'rejected',
            code: outcome.code,
            message: outcome.message,
          });
          return;
        }
        this.stats[outcome.status]++;
        metrics?.ingestMessages.inc({ outcome: outcome.status });
        answer(topic, { readingId: reading.id, status: outcome.status });
      });
      log.debug({ count: valid.length }, 'committed readings');
    }

    // Receipts go out without waiting for their PUBACKs, so the next batch is not held up by the
    // round trip; `drain()` still waits for them.
    const at = new Date().toISOString();
    for (const [readingsTopic, receipts] of receiptsByTopic) {
      const address = parseTopic(readingsTopic);
      if (!address) continue;
      const topic = topics.receipts(address.clinicId, address.kioskId);
      const message: ReceiptMessage = { receipts, at };
      const sent = this.transport.publish(topic, JSON.stringify(message)).catch((error: unknown) => {
        log.warn({ err: error, topic }, 'could not publish receipts; the kiosk will send its readings again');
      });
      this.receiptsInFlight.add(sent);
      void sent.finally(() => this.receiptsInFlight.delete(sent));
    }
  }
}
