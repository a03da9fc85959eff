import { AgentError } from '../errors.js';
import type { LocalApiCode } from '../page-messages/index.js';

/** A refusal of the local API: the page shows `message`, and acts on `code`. */
export class LocalApiError extends AgentError {
  override readonly name = 'LocalApiError';
  constructor(
    readonly status: number,
    override readonly code: LocalApiCode,
    message: string,
    /** Extra response headers, e.g. Retry-After on a 429. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  /** Too many requests, or the agent itself failed: the same request can succeed later. */
  override get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}
