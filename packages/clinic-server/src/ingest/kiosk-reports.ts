import { KioskEvent, KioskStatus, parseTopic, type z } from '@klinik-desa/protocol';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { KioskActivityStore } from '../store/store.js';

/** The largest status or event payload read; a real status of eight devices is under 4 kB. */
export const KIOSK_REPORT_BYTES_MAX = 32 * 1024;

/** Where a malformed status is cleared (an MqttClient fits). */
export interface ReportsPublisher {
  publish(
    topic: string,
    payload: Buffer,
    options: { qos: 1; retain: boolean },
    callback: (error?: Error) => void,
  ): unknown;
}

export interface KioskReportsOptions {
  client: ReportsPublisher;
  store: Pick<KioskActivityStore, 'recordKioskStatus' | 'recordKioskEvent'>;
  log: Logger;
  metrics?: Metrics;
  /** The clinic's clock, for when a report was received. */
  now?: () => Date;
}

/** Reports by outcome: `kept`, `stored`, `duplicate`, `ignored`, or the code it was refused with. */
export interface KioskReportStats {
  statuses: Record<string, number>;
  events: Record<string, number>;
}

/** Why a report was refused: a stable code and words for the log. */
export interface Refusal {
  code: 'TOO_LARGE' | 'INVALID_JSON' | 'SCHEMA' | 'WRONG_TOPIC';
  message: string;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

/**
 * Reads one status or event payload against its schema and its topic. The topic is what the broker
 * let this kiosk publish on (its ACL); a payload that names another clinic or kiosk is refused
 * whole, never stored under either.
 */
function parseReport<T extends { clinicId: string; kioskId: string }>(
  schema: z.ZodType<T>,
  topic: string,
  payload: Buffer,
): Parsed<T> {
  if (payload.length > KIOSK_REPORT_BYTES_MAX) {
    return { ok: false, refusal: { code: 'TOO_LARGE', message: `${payload.length} bytes` } };
  }
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch (error) {
    return { ok: false, refusal: { code: 'INVALID_JSON', message: (error as Error).message.slice(0, 200) } };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, refusal: { code: 'SCHEMA', message: parsed.error.message.slice(0, 300) } };
  }
  const address = parseTopic(topic);
  if (!address || address.clinicId !== parsed.data.clinicId || address.kioskId !== parsed.data.kioskId) {
    return {
      ok: false,
      refusal: {
        code: 'WRONG_TOPIC',
        message: `names ${parsed.data.clinicId}/${parsed.data.kioskId} but came on ${topic}`,
      },
    };
  }
  return { ok: true, value: parsed.data };
}

/**
 * What kiosks say about themselves, on their status and events topics: checked, counted, and kept
 * in the record. A bad report is counted by its code and logged; nothing a kiosk sends here can
 * stop the ingest.
 */
export class KioskReports {
  readonly stats: KioskReportStats = { statuses: {}, events: {} };
  private readonly writes = new Set<Promise<unknown>>();
  private readonly now: () => Date;

  constructor(private readonly options: KioskReportsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * A kiosk's last status is kept retained by the broker. One that fails the schema, or names
   * another kiosk than its topic, would be handed to every new subscriber for ever: it is cleared
   * with an empty retained message (the broker drops the retained one). Every malformed status is
   * cleared, retained or not: only the kiosk itself may publish on its status topic (the ACL), so
   * nothing but its own garbage is lost. The empty message comes back to us and is ignored.
   */
  onStatus(topic: string, payload: Buffer): Promise<Refusal | undefined> {
    if (payload.length === 0) return Promise.resolve(undefined);
    const parsed = parseReport(KioskStatus, topic, payload);
    if (!parsed.ok) {
      this.count('statuses', parsed.refusal.code);
      this.options.log.warn(
        { topic, code: parsed.refusal.code },
        `cleared a malformed kiosk status: ${parsed.refusal.message}`,
      );
      this.options.client.publish(topic, Buffer.alloc(0), { qos: 1, retain: true }, (error) => {
        if (error) this.options.log.error({ err: error, topic }, 'could not clear a kiosk status');
      });
      return Promise.resolve(parsed.refusal);
    }
    return this.track(
      this.options.store
        .recordKioskStatus(parsed.value, this.now().toISOString())
        .then((kept) => this.count('statuses', kept ? 'kept' : 'ignored')),
      topic,
      'could not record a kiosk status',
    );
  }

  onEvent(topic: string, payload: Buffer): Promise<Refusal | undefined> {
    const parsed = parseReport(KioskEvent, topic, payload);
    if (!parsed.ok) {
      this.count('events', parsed.refusal.code);
      this.options.log.warn(
        { topic, code: parsed.refusal.code },
        `refused a kiosk event: ${parsed.refusal.message}`,
      );
      return Promise.resolve(parsed.refusal);
    }
    const event = parsed.value;
    return this.track(
      this.options.store.recordKioskEvent(event, this.now().toISOString()).then((outcome) => {
        this.count('events', outcome === 'unknown-kiosk' ? 'UNKNOWN_KIOSK' : outcome);
        if (outcome === 'unknown-kiosk') {
          this.options.log.warn({ topic }, 'refused an event of an unregistered kiosk');
        }
      }),
      topic,
      'could not record a kiosk event',
    );
  }

  /** Waits until every report received so far is in the record (or failed to get there). */
  async drain(): Promise<void> {
    while (this.writes.size > 0) await Promise.allSettled([...this.writes]);
  }

  private count(kind: 'statuses' | 'events', outcome: string): void {
    this.stats[kind][outcome] = (this.stats[kind][outcome] ?? 0) + 1;
    this.options.metrics?.kioskReports.inc({ kind: kind === 'statuses' ? 'status' : 'event', outcome });
  }

  /** Resolves once the write is over, kept or failed: a report is never a reason to stop. */
  private track(write: Promise<unknown>, topic: string, failure: string): Promise<undefined> {
    // A report the record could not take is lost: the next status replaces it, and events are the
    // kiosk's notes to the operator, whose totals its status carries anyway.
    const running = write.catch((error: unknown) => {
      this.options.log.error({ err: error, topic }, failure);
    });
    this.writes.add(running);
    void running.finally(() => this.writes.delete(running));
    return running.then(() => undefined);
  }
}
