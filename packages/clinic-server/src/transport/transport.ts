/**
 * How a message that came with an acknowledgement is settled once the ingest is done with it. MQTT
 * deliveries come without one (mqtt.js answers the broker itself); AMQP deliveries are settled
 * through it, so the broker forgets a reading only after its row is committed.
 */
export interface Settle {
  /** Its rows are committed (or it was a duplicate, or a report that was kept). */
  ack(): void;
  /** The record could not take it now: the broker hands it out again later. */
  retry(): void;
  /** Bad input: moved aside to the dead-letter queue with the reason, never handed out again. */
  deadLetter(reason: { code: string; message: string }): void;
}

export type MessageHandler = (topic: string, payload: Buffer, settle?: Settle) => void;

/** What the ingest needs of a broker: the kiosks' messages in, receipts out. */
export interface IngestTransport {
  /** A short name for the log: `mqtt` or `amqp`. */
  readonly kind: 'mqtt' | 'amqp';
  /** Starts delivering readings, statuses and events (with `reports`) to the handler. */
  start(handler: MessageHandler, options: { reports: boolean }): Promise<void>;
  /** Publishes at least once (QoS 1, or a persistent confirmed AMQP message) on an MQTT topic. */
  publish(topic: string, payload: string | Buffer, options?: { retain?: boolean }): Promise<void>;
  /** Stops delivering; the connection stays for the receipts still to go. */
  pause(): Promise<void>;
  connected(): boolean;
  close(): Promise<void>;
}

/** The broker cannot take a publish now (not connected, or it refused): the kiosk sends again. */
export class BrokerUnavailableError extends Error {
  readonly code = 'BROKER_UNAVAILABLE';
  override readonly name = 'BrokerUnavailableError';
}
