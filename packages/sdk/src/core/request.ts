import type { Page } from '@klinik-desa/protocol';
import type { PagedList } from './pagination.js';
import type { PageParams } from './types.js';
import type { ResponseTypes, SchemaName } from './validation.js';

/** Options of one call; each overrides the client's for that call only. */
export interface RequestOptions {
  /** Milliseconds to wait for each attempt's answer. */
  timeout?: number | undefined;
  /** Retries after the first attempt; 0 sends once. */
  maxRetries?: number | undefined;
  /** Aborts the call, including a retry's wait; the call rejects with APIUserAbortError. */
  signal?: AbortSignal | undefined;
  /** Extra headers for this call. */
  headers?: Record<string, string> | undefined;
  /**
   * The `Idempotency-Key` of a POST that changes the record. By default each call gets a new
   * random one, reused by all its retries; give your own to make a call safe to repeat across
   * restarts (e.g. the kiosk's reading id).
   */
  idempotencyKey?: string | undefined;
}

/** One API operation, as a resource method describes it to the client. */
export interface Endpoint<K extends SchemaName> {
  method: 'GET' | 'POST' | 'PATCH';
  /** The route as documented, e.g. `/patients/{id}`: what errors and logs name. */
  route: string;
  /** The path with its parameters filled in and escaped. */
  path: string;
  query?: Record<string, string | number | boolean | undefined> | undefined;
  body?: unknown;
  /** The schema of the success answer. */
  schema: K;
  /** A POST that changes the record: it carries an Idempotency-Key, reused by its retries. */
  idempotent?: boolean;
}

export type PageItem<P> = P extends Page<infer T> ? T : never;

/**
 * What a resource needs of the client: send one operation, or walk a list of them. Resources see
 * only this, so they do not import the client that builds them.
 */
export interface RequestSender {
  request<K extends SchemaName>(endpoint: Endpoint<K>, options?: RequestOptions): Promise<ResponseTypes[K]>;
  requestList<K extends SchemaName>(
    endpoint: Endpoint<K>,
    params: PageParams,
    options?: RequestOptions,
    check?: () => void,
  ): PagedList<PageItem<ResponseTypes[K]>>;
}
