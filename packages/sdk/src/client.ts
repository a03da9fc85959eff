import type { Scope, TokenResponse } from '@klinik-desa/protocol';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  InvalidArgumentError,
  isRetryableStatus,
  parseRetryAfterMs,
  ResponseValidationError,
} from './core/errors.js';
import { PagedList } from './core/pagination.js';
import type { Endpoint, PageItem, RequestOptions, RequestSender } from './core/request.js';
import type { PageParams } from './core/types.js';
import type { ResponseTypes, ResponseValidator, SchemaName } from './core/validation.js';
import { backoffMs, MAX_RETRY_AFTER_MS } from './internal/backoff.js';
import { sleep } from './internal/sleep.js';
import { TokenCache } from './internal/token.js';
import { randomUuid } from './internal/uuid.js';
import { Accounts } from './resources/accounts.js';
import { AuditEvents } from './resources/audit-events.js';
import { Clients } from './resources/clients.js';
import { Clinics, PuskesmasResource } from './resources/clinics.js';
import { Fleet } from './resources/fleet.js';
import { Kiosks } from './resources/kiosks.js';
import { Observations } from './resources/observations.js';
import { Patients } from './resources/patients.js';
import { Practitioners } from './resources/practitioners.js';
import { Referrals } from './resources/referrals.js';
import { Reports } from './resources/reports.js';
import { Screenings } from './resources/screenings.js';
import { UnassignedReadings } from './resources/unassigned-readings.js';

/** What the SDK needs of `fetch`: the global one in Node 20+, Deno, Bun and browsers fits. */
export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/** Where the SDK says what it does; `console` fits. Messages never hold tokens, secrets or bodies. */
export interface Logger {
  debug?(message: string): void;
  warn?(message: string): void;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRIES = 2;

export interface ClientOptions {
  /** The clinic server, e.g. `https://klinik.example.id` (no trailing path needed). */
  baseUrl: string;
  /** OAuth2 client credentials: a partner app's, an administrator's, or a kiosk's. */
  clientId: string;
  clientSecret: string;
  /** Ask for fewer scopes than the client's role allows (all of them when left out). */
  scope?: string | readonly Scope[] | undefined;
  /** Milliseconds to wait for each attempt's answer, body included (default 30 000). */
  timeout?: number | undefined;
  /** Retries after the first attempt, for connection errors, 408, 409, 429 and 5xx (default 2). */
  maxRetries?: number | undefined;
  /** The `fetch` to send with (default: the global one, looked up at each call). */
  fetch?: Fetch | undefined;
  /** Headers sent with every request. */
  defaultHeaders?: Record<string, string> | undefined;
  /** Checks each answer against the API's schema; `false` (or none) skips the check. */
  validate?: ResponseValidator | false | undefined;
  logger?: Logger | undefined;
}

export type { Endpoint, RequestOptions } from './core/request.js';

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The body as text, given up when `signal` aborts. Not every fetch stops a body stream on abort
 * (mocks and some polyfills only stop waiting for the headers), and the timeout must cover a
 * server that sends its headers and then stalls.
 */
function readText(response: Response, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted while reading the body'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    response.text().then(
      (text) => {
        signal.removeEventListener('abort', onAbort);
        resolve(text);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function checkNumber(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= min)) {
    throw new InvalidArgumentError(name, `must be a number of at least ${min}, not ${String(value)}`);
  }
}

/**
 * The clinic API client. It fetches an OAuth2 token on first use and keeps it fresh, retries
 * what is safe to retry, and checks each answer against the API's schema when given a
 * validator (the `ClinicClient` of `@klinik-desa/sdk` always is, unless told `validate: false`).
 *
 * ```ts
 * const client = new ClinicClient({ baseUrl, clientId, clientSecret });
 * const patient = await client.patients.findByNik('3201011205800001');
 * ```
 */
export class ClinicClient implements RequestSender {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly timeout: number;
  readonly maxRetries: number;

  readonly patients: Patients = new Patients(this);
  readonly screenings: Screenings = new Screenings(this);
  readonly observations: Observations = new Observations(this);
  readonly unassignedReadings: UnassignedReadings = new UnassignedReadings(this);
  readonly referrals: Referrals = new Referrals(this);
  readonly practitioners: Practitioners = new Practitioners(this);
  readonly kiosks: Kiosks = new Kiosks(this);
  readonly fleet: Fleet = new Fleet(this);
  readonly clients: Clients = new Clients(this);
  readonly auditEvents: AuditEvents = new AuditEvents(this);
  readonly reports: Reports = new Reports(this);
  readonly clinics: Clinics = new Clinics(this);
  readonly puskesmas: PuskesmasResource = new PuskesmasResource(this);
  readonly accounts: Accounts = new Accounts(this);

  // Private fields (not `private`): invisible to console.log, JSON.stringify and Object.keys.
  readonly #clientSecret: string;
  readonly #scope: string | undefined;
  readonly #fetch: Fetch | undefined;
  readonly #defaultHeaders: Record<string, string>;
  readonly #validator: ResponseValidator | undefined;
  readonly #logger: Logger | undefined;
  readonly #tokens: TokenCache;

  constructor(options: ClientOptions) {
    if (typeof options?.baseUrl !== 'string' || !/^https?:\/\/[^/]/i.test(options.baseUrl)) {
      throw new InvalidArgumentError(
        'baseUrl',
        'give the clinic server as an http(s) URL, e.g. http://127.0.0.1:8080',
      );
    }
    if (typeof options.clientId !== 'string' || options.clientId === '') {
      throw new InvalidArgumentError('clientId', 'give the OAuth2 client id');
    }
    if (typeof options.clientSecret !== 'string' || options.clientSecret === '') {
      throw new InvalidArgumentError('clientSecret', 'give the OAuth2 client secret');
    }
    checkNumber('timeout', options.timeout, 1);
    checkNumber('maxRetries', options.maxRetries, 0);
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.clientId = options.clientId;
    this.timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.#clientSecret = options.clientSecret;
    this.#scope = typeof options.scope === 'string' ? options.scope : options.scope?.join(' ');
    this.#fetch = options.fetch;
    this.#defaultHeaders = { ...options.defaultHeaders };
    this.#validator = options.validate || undefined;
    this.#logger = options.logger;
    this.#tokens = new TokenCache(() => this.#requestToken());
  }

  /** What `JSON.stringify(client)` shows: the settings, never the secret or the token. */
  toJSON(): { baseUrl: string; clientId: string; timeout: number; maxRetries: number } {
    return {
      baseUrl: this.baseUrl,
      clientId: this.clientId,
      timeout: this.timeout,
      maxRetries: this.maxRetries,
    };
  }

  /** Whether answers are checked against the API's schemas. */
  get validatesResponses(): boolean {
    return this.#validator !== undefined;
  }

  /**
   * Sends one API operation: token, retries, timeout, idempotency key, validation. Resource
   * methods are built on it; it is public for operations this SDK version does not know yet.
   */
  async request<K extends SchemaName>(
    endpoint: Endpoint<K>,
    options: RequestOptions = {},
  ): Promise<ResponseTypes[K]> {
    return (await this.#send(endpoint, options, true)) as ResponseTypes[K];
  }

  /**
   * A list operation as a PagedList: `cursor` and `limit` go in the query of each page. `check`
   * runs before each page is fetched, so a bad argument rejects where the list is awaited.
   */
  requestList<K extends SchemaName>(
    endpoint: Endpoint<K>,
    params: PageParams,
    options: RequestOptions = {},
    check?: () => void,
  ): PagedList<PageItem<ResponseTypes[K]>> {
    type Item = PageItem<ResponseTypes[K]>;
    const fetchPage = async (cursor: string | undefined) => {
      check?.();
      return (await this.request(
        { ...endpoint, query: { ...endpoint.query, limit: params.limit, cursor } },
        options,
      )) as unknown as { data: Item[]; nextCursor: string | null };
    };
    return new PagedList<Item>(fetchPage, params.cursor);
  }

  async #requestToken(): Promise<TokenResponse> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.clientId,
      client_secret: this.#clientSecret,
    });
    if (this.#scope) form.set('scope', this.#scope);
    const answer = (await this.#send(
      { method: 'POST', route: '/oauth2/token', path: '/oauth2/token', body: form, schema: 'TokenResponse' },
      {},
      false,
    )) as Partial<TokenResponse> | undefined;
    // Checked even without a validator: a token that is not a string would fail every call after.
    if (typeof answer?.access_token !== 'string' || !(Number(answer.expires_in) > 0)) {
      throw new ResponseValidationError({
        schema: 'TokenResponse',
        issues: [{ path: 'access_token', message: 'expected an access_token and a positive expires_in' }],
        status: 200,
        requestId: undefined,
        route: 'POST /oauth2/token',
      });
    }
    return { ...answer, expires_in: Number(answer.expires_in) } as TokenResponse;
  }

  async #send(endpoint: Endpoint<SchemaName>, options: RequestOptions, auth: boolean): Promise<unknown> {
    checkNumber('options.timeout', options.timeout, 1);
    checkNumber('options.maxRetries', options.maxRetries, 0);
    const maxRetries = options.maxRetries ?? this.maxRetries;
    const timeout = options.timeout ?? this.timeout;
    const signal = options.signal;
    const route = `${endpoint.method} ${endpoint.route}`;
    const url = this.#url(endpoint.path, endpoint.query);

    const headers: Record<string, string> = { accept: 'application/json', ...this.#defaultHeaders };
    let body: string | undefined;
    if (endpoint.body instanceof URLSearchParams) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = endpoint.body.toString();
    } else if (endpoint.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(endpoint.body);
    }
    // One key for the logical call, made before the first attempt: a retry after a lost answer
    // then gets the first answer replayed instead of, say, registering the patient twice.
    if (endpoint.idempotent) headers['idempotency-key'] = options.idempotencyKey ?? randomUuid();
    Object.assign(headers, options.headers);

    let retries = 0;
    let refreshedToken = false;
    for (;;) {
      let token: string | undefined;
      if (auth) {
        token = await this.#tokens.get(signal);
        headers['authorization'] = `Bearer ${token}`;
      }
      const started = Date.now();
      let response: Response;
      let text: string;
      try {
        ({ response, text } = await this.#attempt(url, endpoint.method, headers, body, timeout, signal));
      } catch (error) {
        if (error instanceof APIConnectionError && retries < maxRetries) {
          const wait = backoffMs(retries);
          this.#logger?.warn?.(
            `${route}: ${error.message}; retry ${retries + 1} of ${maxRetries} in ${wait} ms`,
          );
          await sleep(wait, signal);
          retries++;
          continue;
        }
        throw error;
      }
      this.#logger?.debug?.(`${route} → ${response.status} in ${Date.now() - started} ms`);

      if (response.ok) return this.#accept(endpoint, response, text);

      const errorBody = parseBody(text);
      const code = (errorBody as { code?: unknown } | undefined)?.code;
      // An expired or revoked token: get a new one and send again, once, without using a retry.
      if (response.status === 401 && token !== undefined && !refreshedToken) {
        this.#tokens.invalidate(token);
        refreshedToken = true;
        this.#logger?.debug?.(`${route}: the token was refused; getting a new one`);
        continue;
      }
      if (
        retries < maxRetries &&
        isRetryableStatus(response.status, typeof code === 'string' ? code : undefined)
      ) {
        const asked = parseRetryAfterMs(response.headers, Date.now());
        if (asked === undefined || asked <= MAX_RETRY_AFTER_MS) {
          const wait = asked ?? backoffMs(retries);
          this.#logger?.warn?.(
            `${route}: ${response.status}${typeof code === 'string' ? ` ${code}` : ''}; retry ${retries + 1} of ${maxRetries} in ${wait} ms`,
          );
          await sleep(wait, signal);
          retries++;
          continue;
        }
      }
      throw APIError.generate(response.status, errorBody, response.headers, route);
    }
  }

  /** One attempt: the answer and its whole body, within `timeout`, abortable by `signal`. */
  async #attempt(
    url: string,
    method: string,
    headers: Record<string, string>,
    body: string | undefined,
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<{ response: Response; text: string }> {
    if (signal?.aborted) throw new APIUserAbortError({ cause: signal.reason });
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeout);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const init: RequestInit = { method, headers, signal: controller.signal };
      if (body !== undefined) init.body = body;
      // Looked up per call, not kept from the constructor: test tools and polyfills that replace
      // the global fetch later are honoured, and a browser's fetch is called unbound as it wants.
      const response = await (this.#fetch ?? globalThis.fetch)(url, init);
      const text = await readText(response, controller.signal);
      return { response, text };
    } catch (error) {
      if (signal?.aborted) throw new APIUserAbortError({ cause: signal.reason });
      if (timedOut) throw new APIConnectionTimeoutError(timeout);
      throw new APIConnectionError(
        `could not reach the clinic server at ${this.baseUrl}: ${(error as Error)?.message ?? String(error)}`,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  #accept(endpoint: Endpoint<SchemaName>, response: Response, text: string): unknown {
    const route = `${endpoint.method} ${endpoint.route}`;
    const requestId = response.headers.get('x-request-id') ?? undefined;
    let data: unknown;
    try {
      data = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new ResponseValidationError({
        schema: endpoint.schema,
        issues: [
          {
            path: '',
            message: `expected JSON, got ${response.headers.get('content-type') ?? 'no content type'}`,
          },
        ],
        status: response.status,
        requestId,
        route,
      });
    }
    if (!this.#validator) return data;
    const result = this.#validator.validate(endpoint.schema, data);
    if (result.ok) return result.value;
    throw new ResponseValidationError({
      schema: endpoint.schema,
      issues: result.issues,
      status: response.status,
      requestId,
      route,
    });
  }

  #url(path: string, query: Endpoint<SchemaName>['query']): string {
    let url = this.baseUrl + path;
    if (query) {
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) {
        if (value !== undefined) search.set(key, String(value));
      }
      const qs = search.toString();
      if (qs) url += `?${qs}`;
    }
    return url;
  }
}
