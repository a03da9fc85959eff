import type { TokenResponse } from '@klinik-desa/protocol';
import { APIUserAbortError } from '../core/errors.js';

/** Whichever comes first: the promise, or the signal's abort (which the other waiters do not share). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new APIUserAbortError({ cause: signal.reason }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new APIUserAbortError({ cause: signal.reason }));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * The access token of one client: fetched on first use, shared by every call, fetched again a
 * little before it expires (so no call is sent with a token about to lapse) and when the server
 * refuses it. Concurrent calls wait for one token request instead of each sending their own.
 * The token lives in a private field only: it is never logged, serialized or put in an error.
 */
export class TokenCache {
  #token: { value: string; refreshAt: number } | undefined;
  #pending: Promise<string> | undefined;
  readonly #fetchToken: () => Promise<TokenResponse>;
  readonly #now: () => number;

  constructor(fetchToken: () => Promise<TokenResponse>, now: () => number = Date.now) {
    this.#fetchToken = fetchToken;
    this.#now = now;
  }

  /** A valid token; `signal` aborts this caller's wait, not the shared token request. */
  get(signal: AbortSignal | undefined): Promise<string> {
    const token = this.#token;
    if (token && this.#now() < token.refreshAt) return Promise.resolve(token.value);
    if (!this.#pending) {
      const pending = this.#fetch();
      this.#pending = pending;
      const clear = () => {
        if (this.#pending === pending) this.#pending = undefined;
      };
      pending.then(clear, clear);
    }
    return untilAborted(this.#pending, signal);
  }

  /** The server refused `value`: forget it, unless a newer token has replaced it already. */
  invalidate(value: string): void {
    if (this.#token?.value === value) this.#token = undefined;
  }

  async #fetch(): Promise<string> {
    const sentAt = this.#now();
    const answer = await this.#fetchToken();
    const lifetimeMs = answer.expires_in * 1000;
    // Renew a tenth of the lifetime early (a minute at most): time for one slow token request,
    // and room for clocks that run a little apart.
    const margin = Math.min(60_000, lifetimeMs / 10);
    this.#token = { value: answer.access_token, refreshAt: sentAt + lifetimeMs - margin };
    return answer.access_token;
  }
}
