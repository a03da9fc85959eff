/** Fetches the page that starts at `cursor` (the first page for `undefined`). */
export type PageFetcher<T> = (
  cursor: string | undefined,
) => Promise<{ data: T[]; nextCursor: string | null }>;

/**
 * One page of a list. Iterating it with `for await` yields its items and then those of every
 * following page, fetched as the loop reaches them.
 */
export class CursorPage<T> implements AsyncIterable<T> {
  readonly data: T[];
  /** Pass this as `cursor` to continue the list later; `null` on the last page. */
  readonly nextCursor: string | null;
  readonly #fetch: PageFetcher<T>;

  constructor(body: { data: T[]; nextCursor: string | null }, fetch: PageFetcher<T>) {
    this.data = body.data;
    this.nextCursor = body.nextCursor;
    this.#fetch = fetch;
  }

  hasNextPage(): boolean {
    return this.nextCursor !== null;
  }

  /** The page after this one, or `null` when this is the last. */
  async nextPage(): Promise<CursorPage<T> | null> {
    if (this.nextCursor === null) return null;
    return new CursorPage(await this.#fetch(this.nextCursor), this.#fetch);
  }

  /** This page and every following one. */
  async *pages(): AsyncGenerator<CursorPage<T>, void, undefined> {
    let page: CursorPage<T> | null = this;
    while (page) {
      yield page;
      page = await page.nextPage();
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.data;
  }
}

/**
 * A list call not yet sent: nothing is fetched until it is iterated or `firstPage()` is called,
 * and each walk asks the server afresh.
 *
 * ```ts
 * for await (const referral of client.referrals.list({ status: 'open' })) { ... }
 * const page = await client.referrals.list({ limit: 20 }).firstPage();
 * ```
 */
export class PagedList<T> implements AsyncIterable<T> {
  readonly #fetch: PageFetcher<T>;
  readonly #cursor: string | undefined;

  constructor(fetch: PageFetcher<T>, cursor?: string) {
    this.#fetch = fetch;
    this.#cursor = cursor;
  }

  async firstPage(): Promise<CursorPage<T>> {
    return new CursorPage(await this.#fetch(this.#cursor), this.#fetch);
  }

  /** Every page, one request each, as the loop asks for them. */
  async *pages(): AsyncGenerator<CursorPage<T>, void, undefined> {
    yield* (await this.firstPage()).pages();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    yield* await this.firstPage();
  }

  /** Every item of every page in one array; stops early after `max` items when given. */
  async toArray(options: { max?: number | undefined } = {}): Promise<T[]> {
    const max = options.max ?? Number.POSITIVE_INFINITY;
    const out: T[] = [];
    if (max <= 0) return out;
    for await (const item of this) {
      out.push(item);
      if (out.length >= max) break;
    }
    return out;
  }
}
