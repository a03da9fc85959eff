/** One reading waiting for the clinic's receipt. */
export interface OutboxEntry {
  id: string;
  topic: string;
  payload: string;
  state: 'queued' | 'published' | 'rejected';
  attempts: number;
  createdAt: number;
}

export class OutboxLockedError extends Error {
  override readonly name = 'OutboxLockedError';
  readonly code = 'OUTBOX_LOCKED';
}

/**
 * The kiosk's durable queue: the heart of the no-loss promise. A reading enters before anyone is
 * told it was taken, and leaves only when the clinic's receipt says it is in the record, never on
 * a broker's PUBACK.
 */
export interface Outbox {
  /** Durable when it returns. A second add of the same id is ignored. */
  add(entry: { id: string; topic: string; payload: string }): void;
  /** Readings to (re)send, oldest first, skipping rejected ones and the ids given. */
  nextToPublish(limit: number, skip: ReadonlySet<string>): OutboxEntry[];
  markPublished(id: string): void;
  /** The clinic has it: forget these. Returns how many were still here. */
  acknowledge(ids: readonly string[]): number;
  /** The clinic will never take it: keep it, stop sending, show it. */
  reject(id: string, code: string, message: string): void;
  depth(): number;
  oldestCreatedAt(): number | undefined;
  get(id: string): OutboxEntry | undefined;
  close(): void;
}
