/** A refusal of the local API: the page shows `message`, and acts on `code`. */
export class LocalApiError extends Error {
  override readonly name = 'LocalApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers, e.g. Retry-After on a 429. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}
