// The SDK in a real browser: a page bundling it (esbuild, platform browser) runs calls against a
// real clinic server in headless Chromium (Debian's chromium, driven by playwright-core). Twice:
// once with a tiny proxy serving the page and the API from one origin, as a partner would serve a
// dashboard from behind the same reverse proxy; once from a page on its own origin, which works
// only because the clinic server lists that origin in `corsOrigins`.
import { existsSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ClinicClient } from '@klinik-desa/sdk';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestClinic, type TestClinic } from '../../src/index.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const NIK = '3201014102950003';

let clinic: TestClinic;
let proxy: Server;
let origin: string;
let browser: Browser;
/** The page's script, bundled once for both servers. */
let script: string;
const proxied: string[] = [];

function pageHtml(config: object): string {
  return `<!doctype html><meta charset="utf-8"><title>SDK</title>
<script>window.sdkConfig = ${JSON.stringify(config)};</script><script type="module" src="/page.js"></script>`;
}

async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./browser-page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@klinik-desa/source'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  clinic = await startTestClinic();
  script = await bundlePage();
  const html = pageHtml({ ...clinic.admin, nik: NIK });
  const api = new URL(clinic.url);
  const pages: Record<string, [string, string]> = {
    '/': ['text/html', html],
    '/page.js': ['text/javascript', script],
  };
  proxy = createServer((req, res) => {
    const own = pages[req.url ?? ''];
    if (own) {
      res.writeHead(200, { 'content-type': own[0] }).end(own[1]);
      return;
    }
    proxied.push(`${req.method} ${req.url?.split('?')[0]}`);
    const upstream = httpRequest(
      { host: api.hostname, port: api.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
  await clinic?.close();
});

/** Serves the page alone, on an origin of its own; its config is read at each visit. */
async function servePage(config: () => object): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end(pageHtml(config()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Opens the page and waits for what it leaves: its result or its error, and uncaught errors. */
async function runPage(
  url: string,
): Promise<{ result: unknown; error: string | undefined; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.sdkResult !== undefined || window.sdkError !== undefined, null, {
      timeout: 30_000,
    });
    return {
      ...(await page.evaluate(() => ({ result: window.sdkResult, error: window.sdkError }))),
      problems,
    };
  } finally {
    await page.close();
  }
}

describe('from a page on another origin', () => {
  it('works when the clinic server allows that origin (CORS), and is refused by the browser otherwise', async () => {
    const nik = '3201014102950011';
    let baseUrl = '';
    // The clinic must know the page's origin when it starts, so the page listens first.
    const page = await servePage(() => ({ ...clinic.admin, nik, baseUrl }));
    const allowing = await startTestClinic({ corsOrigins: [page.origin] });
    try {
      baseUrl = allowing.url;
      const allowed = await runPage(`${page.origin}/`);
      expect(allowed.error).toBeUndefined();
      expect(allowed.result).toMatchObject({
        created: { nik, name: 'Ayu Lestari' },
        sameId: true,
        // The request id is readable only because the server exposes its header to the page.
        notFound: { isNotFound: true, status: 404, requestId: expect.any(String) },
      });

      // The other clinic server lists no origins: the browser keeps the page from reading it.
      baseUrl = clinic.url;
      const refused = await runPage(`${page.origin}/`);
      expect(refused.result).toBeUndefined();
      expect(refused.error).toMatch(/./);
    } finally {
      await new Promise((resolve) => page.server.close(resolve));
      await allowing.close();
    }
  });
});

describe('in a browser', () => {
  it('registers and finds a patient, lists kiosks, and throws typed errors', async () => {
    const { result, error, problems } = await runPage(`${origin}/`);
    expect(error).toBeUndefined();
    expect(problems).toEqual([]);
    expect(result).toMatchObject({
      userAgent: expect.stringContaining('Chrome'),
      created: { nik: NIK, name: 'Ayu Lestari', sex: 'female' },
      sameId: true,
      kioskIds: [],
      notFound: { isNotFound: true, isSdkError: true, status: 404, code: 'NOT_FOUND' },
      aborted: 'ABORTED',
    });
    // The calls went from the browser through the proxy to the server.
    expect(proxied).toEqual(
      expect.arrayContaining([
        'POST /oauth2/token',
        'POST /patients',
        'POST /patients/search',
        'GET /kiosks',
      ]),
    );
    // What the browser registered is in the clinic record.
    const node = new ClinicClient({ baseUrl: clinic.url, ...clinic.admin });
    await expect(node.patients.findByNik(NIK)).resolves.toMatchObject({ name: 'Ayu Lestari' });
  });
});
