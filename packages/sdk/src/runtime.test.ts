// The SDK where the web platform is all there is (Deno, Bun, Cloudflare-style workers): the bundle
// runs in a context that has fetch, URL, AbortController, crypto and timers, and no `process`,
// `require`, `Buffer` or any other Node global. The type check keeps Node out of the sources; this
// keeps it out of what actually runs, zod included.
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import { build } from 'esbuild';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  BASE,
  CLIENT_ID,
  CLIENT_SECRET,
  PATIENT_ID,
  patient,
  tokenEndpoint,
} from './testing/mock-api.js';

beforeAll(() => api.listen({ onUnhandledRequest: 'error' }));
afterEach(() => api.resetHandlers());
afterAll(() => api.close());

async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    format: 'iife',
    globalName: 'sdk',
    platform: 'neutral',
    conditions: ['@klinik-desa/source'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Only what the web platform defines; `fetch` is this process's, so msw answers it. */
function webOnlyContext() {
  const g = globalThis;
  return createContext({
    fetch: (url: string, init: RequestInit) => g.fetch(url, init),
    Headers: g.Headers,
    Request: g.Request,
    Response: g.Response,
    URL: g.URL,
    URLSearchParams: g.URLSearchParams,
    AbortController: g.AbortController,
    AbortSignal: g.AbortSignal,
    TextEncoder: g.TextEncoder,
    TextDecoder: g.TextDecoder,
    crypto: {
      getRandomValues: <T extends ArrayBufferView>(a: T) => g.crypto.getRandomValues(a as never) as T,
    },
    setTimeout: g.setTimeout,
    clearTimeout: g.clearTimeout,
  });
}

describe('in a runtime with only web globals', () => {
  it.each(['./index.ts', './lite.ts'])('%s loads and makes calls', async (entry) => {
    tokenEndpoint();
    api.use(
      http.get(`${BASE}/patients/:id`, ({ params }) =>
        params['id'] === PATIENT_ID
          ? HttpResponse.json(patient())
          : HttpResponse.json(
              { code: 'NOT_FOUND', message: 'no such patient', requestId: 'r-1' },
              { status: 404 },
            ),
      ),
      http.post(`${BASE}/patients`, () => HttpResponse.json(patient(), { status: 201 })),
    );
    const context = webOnlyContext();
    runInContext(await bundle(entry), context);
    expect(runInContext('typeof process + typeof require + typeof Buffer', context)).toBe(
      'undefinedundefinedundefined',
    );
    const result = await runInContext(
      `(async () => {
        const client = new sdk.ClinicClient({ baseUrl: ${JSON.stringify(BASE)}, clientId: ${JSON.stringify(CLIENT_ID)}, clientSecret: ${JSON.stringify(CLIENT_SECRET)} });
        const created = await client.patients.create({ name: 'Siti', birthDate: '1990-08-17', sex: 'female' });
        const missing = await client.patients.retrieve('nobody').catch((e) => e instanceof sdk.NotFoundError && e.code);
        return { validates: client.validatesResponses, retrieved: await client.patients.retrieve(created.id), missing };
      })()`,
      context,
    );
    expect(result.retrieved).toEqual(patient());
    expect(result.validates).toBe(entry === './index.ts');
    expect(result.missing).toBe('NOT_FOUND');
  });
});
