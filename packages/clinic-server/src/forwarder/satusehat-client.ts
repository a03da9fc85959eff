import type { ResolvedEndpoints } from './config.js';
import { parseTokenAnswer, type SatusehatToken } from './token.js';

/** An answer (or no answer) from SATUSEHAT that is not a success. */
export class SatusehatHttpError extends Error {
  override readonly name = 'SatusehatHttpError';
  readonly code = 'SATUSEHAT_HTTP';
  constructor(
    message: string,
    /** null when there was no answer (network error, timeout). */
    readonly status: number | null,
    /** The OperationOutcome (4xx) or the plain text (5xx) the server sent. */
    readonly body: unknown,
    /** Worth trying again later: timeouts, 408, 429, 5xx. */
    readonly retryable: boolean,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
  }
}

export interface FhirAnswer {
  status: number;
  body: unknown;
}

function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * The HTTP edge towards a SATUSEHAT-compatible FHIR server: OAuth2 client credentials the way
 * SATUSEHAT asks for them, a token reused until shortly before it expires, and answers sorted into
 * success, final failure and try-again-later.
 */
export class SatusehatClient {
  private token: SatusehatToken | undefined;
  private fetching: Promise<string> | undefined;

  constructor(
    private readonly endpoints: ResolvedEndpoints,
    private readonly credentials: { clientId: string; clientSecret: string },
    private readonly timeoutMs = 30_000,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async accessToken(): Promise<string> {
    if (this.token && Date.now() < this.token.refreshAtMs) return this.token.accessToken;
    this.fetching ??= this.fetchToken().finally(() => {
      this.fetching = undefined;
    });
    return this.fetching;
  }

  /** After a 401: the token was revoked or the server restarted; fetch a new one next time. */
  forgetToken(): void {
    this.token = undefined;
  }

  private async fetchToken(): Promise<string> {
    const url = `${this.endpoints.authBaseUrl}/accesstoken?grant_type=client_credentials`;
    const body = new URLSearchParams({
      client_id: this.credentials.clientId,
      client_secret: this.credentials.clientSecret,
    });
    const response = await this.send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
    const answer = await readBody(response);
    if (!response.ok) {
      throw new SatusehatHttpError(
        `SATUSEHAT refused the client credentials (HTTP ${response.status})`,
        response.status,
        answer,
        response.status >= 500 || response.status === 429,
        retryAfter(response.headers.get('retry-after')),
      );
    }
    this.token = parseTokenAnswer(answer, Date.now());
    return this.token.accessToken;
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetchImpl(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new SatusehatHttpError(
        timedOut
          ? `no answer from SATUSEHAT within ${this.timeoutMs} ms`
          : `cannot reach SATUSEHAT: ${(error as Error).message}`,
        null,
        null,
        true,
        undefined,
      );
    }
  }

  /** A FHIR request with the bearer token; a 401 gets one new token and one more try. */
  async fhir(method: 'GET' | 'POST', path: string, body?: unknown): Promise<FhirAnswer> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      const response = await this.send(`${this.endpoints.fhirBaseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/fhir+json, application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/fhir+json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (response.status === 401 && attempt === 0) {
        await response.body?.cancel();
        this.forgetToken();
        continue;
      }
      const answer = await readBody(response);
      if (response.ok) return { status: response.status, body: answer };
      const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
      throw new SatusehatHttpError(
        // Without the query: a search's query carries a NIK, and this message is logged and stored.
        `SATUSEHAT answered HTTP ${response.status} to ${method} ${path.split('?')[0] || '/'}`,
        response.status,
        answer,
        retryable,
        retryAfter(response.headers.get('retry-after')),
      );
    }
  }

  /** The server's ids of the resources with this business identifier, and how many it says match. */
  async searchByIdentifier(
    resourceType: string,
    system: string,
    value: string,
  ): Promise<{ ids: string[]; total: number }> {
    const query = new URLSearchParams({ identifier: `${system}|${value}` });
    const answer = await this.fhir('GET', `/${resourceType}?${query}`);
    const bundle = answer.body as { total?: unknown; entry?: { resource?: { id?: unknown } }[] };
    const ids = (Array.isArray(bundle.entry) ? bundle.entry : [])
      .map((e) => e.resource?.id)
      .filter((id): id is string => typeof id === 'string' && id !== '');
    const total = typeof bundle.total === 'number' ? Math.max(bundle.total, ids.length) : ids.length;
    return { ids, total };
  }

  /** The server's id of the resource with this business identifier, if it has one. */
  async findByIdentifier(resourceType: string, system: string, value: string): Promise<string | undefined> {
    return (await this.searchByIdentifier(resourceType, system, value)).ids[0];
  }
}
