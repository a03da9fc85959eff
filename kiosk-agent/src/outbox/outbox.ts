import { AgentError } from '../errors.js';
/**
 * `queued`: kept, not yet sent on this connection. `published`: the broker has it (PUBACK), no
 * receipt yet. `received`: the clinic's receipt says it is in the record; kept a while for the kiosk
 * page and for recognising a reading a device sends again, then pruned. `rejected`: the clinic will
 * never take it; kept and shown, not sent again.
 */
export type OutboxState = 'queued' | 'published' | 'received' | 'rejected';

/**
 * What an entry carries: a reading (sent over MQTT), or a request to the clinic API that opens or
 * finishes a screening. A request is held back until every reading before it is confirmed, and the
 * readings after it until it is done: a finish never overtakes the readings it closes, and a
 * screening opened while the clinic was unreachable reaches it before the readings that name it.
 */
export type OutboxEntryKind = 'reading' | 'open-screening' | 'finish-screening';

/** One reading, or one screening request, on its way to the clinic. */
export interface OutboxEntry {
  /** Position in the outbox: entries are delivered in this order. */
  seq: number;
  id: string;
  kind: OutboxEntryKind;
  /** The MQTT topic of a reading; the API call (`POST /screenings`) of a request. */
  topic: string;
  payload: string;
  state: OutboxState;
  /**
   * Sends still waiting for a receipt when the publisher looked: 0 for a reading whose receipt
   * followed its first send promptly, as it usually does.
   */
  attempts: number;
  createdAt: number;
  receivedAt?: number;
  rejectCode?: string;
  rejectMessage?: string;
}

export interface OutboxStats {
  /** Readings the clinic has not confirmed yet (queued, published, rejected). */
  pending: number;
  rejected: number;
  /** Everything kept, confirmed ones included. */
  total: number;
  capacity: number;
  oldestPendingAt?: number;
  nearlyFull: boolean;
}

export interface NewOutboxEntry {
  id: string;
  /** A reading when not given. */
  kind?: OutboxEntryKind;
  topic: string;
  payload: string;
  dedupeKey?: string;
  /**
   * Keys an earlier agent version remembered the same record under: seen under any of them, it is
   * not new (and is remembered under `dedupeKey` from then on).
   */
  formerKeys?: readonly string[];
}

/** Another agent process holds the outbox: it can be opened once that one has stopped. */
export class OutboxLockedError extends AgentError {
  override readonly name = 'OutboxLockedError';
  override readonly code = 'OUTBOX_LOCKED';
  override readonly retryable = true;
}

/**
 * The kiosk's durable queue: the heart of the no-loss promise. A reading enters before anyone is
 * told it was taken, and is done only when the clinic's receipt says it is in the record, never on
 * a broker's PUBACK. Implementations must pass `outboxContract` (outbox-contract.ts).
 */
export interface Outbox {
  /**
   * Durable when it returns. Returns false (and keeps nothing new) when a reading with this id, or
   * with this `dedupeKey` (device + sequence number, or device + time + value), was kept before:
   * meters hand over their whole memory again and again.
   */
  add(entry: NewOutboxEntry): boolean;
  /** The same for several readings at once, durable together (one disk flush): per entry, was it new. */
  addMany(entries: readonly NewOutboxEntry[]): boolean[];
  /**
   * Readings still to be confirmed (not received, not rejected), oldest first, after position
   * `afterSeq`: the publisher keeps a cursor, so a long run awaiting receipts is not read again.
   * None from the first request still waiting on: those wait for it.
   */
  nextToPublish(limit: number, afterSeq?: number): OutboxEntry[];
  /**
   * The first request (open or finish a screening) still waiting, once every reading before it is
   * confirmed (received or rejected); undefined otherwise. Done with `markReceived` or `reject`.
   */
  nextRequest(): OutboxEntry | undefined;
  markPublished(ids: string | readonly string[]): void;
  /** The clinic has these. Returns how many were waiting for it. */
  markReceived(ids: readonly string[]): number;
  /** The clinic will never take it: keep it, stop sending, show it. */
  reject(id: string, code: string, message: string): void;
  /**
   * Puts rejected entries whose code is one of `codes` back in the queue, their rejection
   * forgotten, in their old place: for rejections that were the clinic's own trouble rather than
   * the reading's (a clinic that answered `UNSTORABLE` for a full disk). A request put back holds
   * the readings after it again until it is done. Returns the entries put back, oldest first.
   */
  requeueRejected(codes: readonly string[]): OutboxEntry[];
  /**
   * Drops received readings older than `olderThanMs`, and, while more than `capacity` are kept,
   * the oldest received ones. Readings not yet received are never pruned. Returns how many went.
   */
  prune(now?: number): number;
  stats(): OutboxStats;
  /**
   * The latest time the outbox holds (a reading kept, sent or confirmed, a device record seen), on
   * the clock it was given; undefined when it holds none. The kiosk clock's timeline continues from
   * it after a restart, so a clock stepped between two runs makes nothing old at once.
   */
  latestTime(): number | undefined;
  get(id: string): OutboxEntry | undefined;
  /** Most recent readings first (requests left out), for the kiosk page. */
  recent(limit: number): OutboxEntry[];
  close(): void;
}

export interface OutboxLimits {
  /** How many readings to keep in all. Near it, status warns; at it, new readings are still kept. */
  capacity: number;
  /** How long a received reading stays for the kiosk page and duplicate recognition. */
  keepReceivedMs: number;
  /** `stats().nearlyFull` from this share of `capacity` pending. */
  warnAt: number;
}

export const DEFAULT_LIMITS: OutboxLimits = {
  capacity: 100_000,
  keepReceivedMs: 7 * 24 * 3600 * 1000,
  warnAt: 0.8,
};
