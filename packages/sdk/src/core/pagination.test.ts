import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClinicClient } from '../index.js';
import {
  api,
  apiError,
  BASE,
  CLIENT_ID,
  CLIENT_SECRET,
  observation,
  patient,
  tokenEndpoint,
} from '../testing/mock-api.js';
import { CursorPage, PagedList } from './pagination.js';

beforeAll(() => api.listen({ onUnhandledRequest: 'error' }));
afterEach(() => api.resetHandlers());
afterAll(() => api.close());

const client = () => new ClinicClient({ baseUrl: BASE, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

/** GET /observations over 7 observations, `limit` a page, cursors `c3`, `c6`; records the queries. */
function observationPages() {
  const all = Array.from({ length: 7 }, (_, i) => observation(i));
  const queries: URLSearchParams[] = [];
  api.use(
    http.get(`${BASE}/observations`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      queries.push(query);
      const limit = Number(query.get('limit') ?? 50);
      const from = Number(query.get('cursor')?.slice(1) ?? 0);
      const data = all.slice(from, from + limit);
      const next = from + limit < all.length ? `c${from + limit}` : null;
      return HttpResponse.json({ data, nextCursor: next });
    }),
  );
  return { all, queries };
}

describe('lists', () => {
  it('walks every page with for await, passing the filters and each cursor', async () => {
    tokenEndpoint();
    const { all, queries } = observationPages();
    const seen = [];
    for await (const o of client().observations.list({
      patientId: 'p-1',
      kind: 'blood-pressure',
      limit: 3,
    })) {
      seen.push(o);
    }
    expect(seen).toEqual(all);
    expect(queries.map((q) => q.toString())).toEqual([
      'patientId=p-1&kind=blood-pressure&limit=3',
      'patientId=p-1&kind=blood-pressure&limit=3&cursor=c3',
      'patientId=p-1&kind=blood-pressure&limit=3&cursor=c6',
    ]);
  });

  it('sends nothing until the list is used', async () => {
    tokenEndpoint();
    const { queries } = observationPages();
    const list = client().observations.list({ limit: 3 });
    await new Promise((r) => setTimeout(r, 20));
    expect(queries).toHaveLength(0);
    expect((await list.firstPage()).data).toHaveLength(3);
    expect(queries).toHaveLength(1);
  });

  it('pages by hand with firstPage and nextPage, null after the last', async () => {
    tokenEndpoint();
    const { all } = observationPages();
    const first = await client().observations.list({ limit: 3 }).firstPage();
    expect(first).toBeInstanceOf(CursorPage);
    expect(first.data).toEqual(all.slice(0, 3));
    expect(first.nextCursor).toBe('c3');
    expect(first.hasNextPage()).toBe(true);
    const second = await first.nextPage();
    const third = await second!.nextPage();
    expect(third!.data).toEqual(all.slice(6));
    expect(third!.hasNextPage()).toBe(false);
    expect(third!.nextCursor).toBeNull();
    expect(await third!.nextPage()).toBeNull();
  });

  it('continues from a saved cursor, and walks pages with pages()', async () => {
    tokenEndpoint();
    const { all } = observationPages();
    const sizes = [];
    for await (const page of client().observations.list({ limit: 2, cursor: 'c3' }).pages()) {
      sizes.push(page.data.length);
    }
    expect(sizes).toEqual([2, 2]);
    const rest = await client().observations.list({ limit: 2, cursor: 'c3' }).toArray();
    expect(rest).toEqual(all.slice(3));
  });

  it('iterating a page yields it and the pages after it', async () => {
    tokenEndpoint();
    const { all } = observationPages();
    const second = await (await client().observations.list({ limit: 3 }).firstPage()).nextPage();
    const seen = [];
    for await (const o of second!) seen.push(o);
    expect(seen).toEqual(all.slice(3));
  });

  it('toArray stops fetching once it has max items', async () => {
    tokenEndpoint();
    const { all, queries } = observationPages();
    expect(await client().observations.list({ limit: 3 }).toArray({ max: 4 })).toEqual(all.slice(0, 4));
    expect(queries).toHaveLength(2);
    expect(await client().observations.list({ limit: 3 }).toArray({ max: 0 })).toEqual([]);
  });

  it('a failing page rejects the loop with the typed error', async () => {
    tokenEndpoint();
    let calls = 0;
    api.use(
      http.get(`${BASE}/referrals`, () => {
        calls++;
        return calls === 1
          ? HttpResponse.json({ data: [], nextCursor: 'bad' })
          : apiError(400, 'VALIDATION', 'cursor: not a cursor this server gave out');
      }),
    );
    const walk = async () => {
      for await (const _ of client().referrals.list()) {
        // nothing on the first page
      }
    };
    await expect(walk()).rejects.toMatchObject({ name: 'ValidationError', status: 400 });
  });

  it('pages a patient search: the same POST body, the cursor in the query', async () => {
    tokenEndpoint();
    const requests: { query: string; body: unknown }[] = [];
    api.use(
      http.post(`${BASE}/patients/search`, async ({ request }) => {
        const url = new URL(request.url);
        requests.push({ query: url.search, body: await request.json() });
        const cursor = url.searchParams.get('cursor');
        return HttpResponse.json(
          cursor
            ? { data: [patient({ name: 'Siti B' })], nextCursor: null }
            : { data: [patient()], nextCursor: 'n1' },
        );
      }),
    );
    const found = await client()
      .patients.search({ name: 'Siti', birthDate: '1990-08-17', limit: 1 })
      .toArray();
    expect(found.map((p) => p.name)).toEqual(['Siti Rahayu', 'Siti B']);
    expect(requests).toEqual([
      { query: '?limit=1', body: { name: 'Siti', birthDate: '1990-08-17' } },
      { query: '?limit=1&cursor=n1', body: { name: 'Siti', birthDate: '1990-08-17' } },
    ]);
  });

  it('PagedList works over any page fetcher', async () => {
    const pages: Record<string, { data: number[]; nextCursor: string | null }> = {
      start: { data: [1, 2], nextCursor: 'b' },
      b: { data: [3], nextCursor: null },
    };
    const list = new PagedList<number>(async (cursor) => pages[cursor ?? 'start']!);
    expect(await list.toArray()).toEqual([1, 2, 3]);
  });
});
