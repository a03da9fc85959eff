import { EventEmitter } from 'node:events';
import type { ScreeningCreate } from '@klinik-desa/protocol';
import { APIError, type ClinicClient, isRetryableStatus } from '@klinik-desa/sdk/lite';
import { Backoff } from '../backoff.js';
import type { Logger } from '../logger.js';
import type { Outbox, OutboxEntry } from '../outbox/outbox.js';

/** What became of a request: the clinic did it, refused it for good, or has not answered yet. */
export type RequestOutcome = 'done' | 'refused' | 'waiting';

/** A screening opened at the kiosk, to be opened at the clinic under the same id. */
export type OpenRequest = ScreeningCreate & { id: string };

interface RequestEvents {
  settled: [id: string, outcome: Exclude<RequestOutcome, 'waiting'>, entry: OutboxEntry];
}

/** The outbox id of a screening's open or finish: one of each per screening, whatever happens. */
export const requestId = (kind: 'open-screening' | 'finish-screening', screeningId: string) =>
  `${kind}:${screeningId}`;

/**
 * Delivers the screening requests kept in the outbox (open a screening that was opened while the
 * clinic could not be reached; finish one) to the clinic API, in outbox order: the outbox hands a
 * request out only once every reading before it is confirmed, and keeps the readings after it back
 * until it is done. Nothing polls: a receipt, a new request or a reconnect wakes it, and a clinic
 * that cannot be reached is asked again after a capped, jittered backoff.
 */
export class ScreeningRequests {
  private readonly events = new EventEmitter<RequestEvents>();
  private running = false;
  /** Set when woken while running: one more pass follows. */
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly outbox: Outbox,
    private readonly client: ClinicClient,
    private readonly log: Logger,
    /** A request is done: the readings it held back may go now. */
    private readonly onSettled: () => void = () => {},
    /** How long to wait before asking a clinic that could not be reached again. */
    private readonly backoff = new Backoff(1000, 60_000),
  ) {
    this.events.setMaxListeners(100);
  }

  /** Keeps the open of a screening opened here; durable when it returns. */
  queueOpen(body: OpenRequest): string {
    const id = requestId('open-screening', body.id);
    this.outbox.add({ id, kind: 'open-screening', topic: 'POST /screenings', payload: JSON.stringify(body) });
    this.wake();
    return id;
  }

  /** Keeps the finish of a screening; durable when it returns. A second finish changes nothing. */
  queueFinish(screeningId: string): string {
    const id = requestId('finish-screening', screeningId);
    this.outbox.add({
      id,
      kind: 'finish-screening',
      topic: `POST /screenings/${screeningId}/finish`,
      payload: JSON.stringify({ screeningId }),
    });
    this.wake();
    return id;
  }

  /** Whether the outbox holds this request (done or not). */
  has(id: string): boolean {
    return this.outbox.get(id) !== undefined;
  }

  /** Resolves when the request is done or refused, or with `waiting` after `timeoutMs`. */
  settled(id: string, timeoutMs: number): Promise<RequestOutcome> {
    const now = this.outcome(id);
    if (now !== 'waiting') return Promise.resolve(now);
    return new Promise((resolve) => {
      const onSettled = (settledId: string, outcome: Exclude<RequestOutcome, 'waiting'>) => {
        if (settledId !== id) return;
        finish(outcome);
      };
      const timer = setTimeout(() => finish('waiting'), timeoutMs);
      const finish = (outcome: RequestOutcome) => {
        clearTimeout(timer);
        this.events.off('settled', onSettled);
        resolve(outcome);
      };
      this.events.on('settled', onSettled);
    });
  }

  /** Subscribes to requests the clinic did or refused. */
  onEachSettled(listener: (...args: RequestEvents['settled']) => void): void {
    this.events.on('settled', listener);
  }

  private outcome(id: string): RequestOutcome {
    const state = this.outbox.get(id)?.state;
    if (state === 'received') return 'done';
    if (state === 'rejected') return 'refused';
    return 'waiting';
  }

  /** Something changed (receipts came, the network is back): deliver what can go now. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    void this.deliver();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }

  private async deliver(): Promise<void> {
    this.running = true;
    try {
      do {
        this.again = false;
        for (let entry = this.outbox.nextRequest(); entry; entry = this.outbox.nextRequest()) {
          if (this.stopped || !(await this.send(entry))) return;
        }
      } while (this.again);
    } finally {
      this.running = false;
    }
  }

  /** Sends one request; false when the clinic could not be reached (a retry is scheduled). */
  private async send(entry: OutboxEntry): Promise<boolean> {
    let outcome: Exclude<RequestOutcome, 'waiting'> = 'done';
    try {
      await this.call(entry);
      this.outbox.markReceived([entry.id]);
    } catch (error) {
      if (!isFinalRefusal(error)) {
        const delay = this.backoff.next();
        this.log.warn(
          { request: entry.id, err: (error as Error).message, retryInMs: delay },
          'the clinic cannot take a screening request now; it stays in the outbox and is sent again',
        );
        this.retryTimer = setTimeout(() => this.wake(), delay);
        this.retryTimer.unref();
        return false;
      }
      const { code, message } = error as APIError;
      this.log.warn({ request: entry.id, code }, `the clinic refused a screening request: ${message}`);
      this.outbox.reject(entry.id, code ?? 'REFUSED', message);
      outcome = 'refused';
    }
    this.backoff.reset();
    this.events.emit('settled', entry.id, outcome, entry);
    this.onSettled();
    return true;
  }

  private async call(entry: OutboxEntry): Promise<void> {
    if (entry.kind === 'open-screening') {
      await this.client.screenings.create(JSON.parse(entry.payload) as OpenRequest);
      return;
    }
    const { screeningId } = JSON.parse(entry.payload) as { screeningId: string };
    try {
      await this.client.screenings.finish(screeningId);
    } catch (error) {
      // Already finished (by staff, or by an earlier try whose answer was lost): done.
      if ((error as { code?: string }).code !== 'SCREENING_CLOSED') throw error;
    }
  }
}

/**
 * The clinic answered and will answer the same again (a patient it does not know, a screening
 * finished by staff). Not so for a clinic that cannot be reached or is busy, or for credentials
 * or scopes the operator can still put right (401, 403).
 */
export function isFinalRefusal(error: unknown): boolean {
  if (!(error instanceof APIError)) return false;
  if (error.status === 401 || error.status === 403) return false;
  return !isRetryableStatus(error.status, error.code);
}
