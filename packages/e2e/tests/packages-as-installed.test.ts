// The packages as a partner or a kiosk gets them: every public package packed, the tarballs
// installed with npm into an empty folder outside the workspace, and then used the ways users use
// them: the SDK from ESM, CJS, TypeScript (node16 and bundler resolution) and a Vite browser build;
// the clinic server and the kiosk agent from their `bin`s, running one short screening.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  freePort,
  type RunningProcess,
  repoRoot,
  startProcess,
  TEST_PAGE_PIN_HASH,
  unlockKioskPage,
  waitFor,
} from '@klinik-desa/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPatient, signInAndRegisterKiosk } from '../src/clinic-kiosk.js';
import { type InstalledPackages, installPackedPackages } from '../src/installed-packages.js';

/** The Vite the workspace tests with: a partner's web app would have its own. */
const VITE_VERSION = (
  createRequire(createRequire(join(repoRoot, 'package.json')).resolve('vitest/package.json'))(
    'vite/package.json',
  ) as { version: string }
).version;

let installed: InstalledPackages;

beforeAll(() => {
  installed = installPackedPackages([`vite@${VITE_VERSION}`]);
  console.log(`packages as installed: ${JSON.stringify(installed.seconds)} (seconds)`);
}, 1_200_000);

afterAll(() => installed?.remove());

/** Runs a program in the install folder; its output on failure. */
function inInstall(command: string, args: string[]): string {
  const r = spawnSync(command, args, { cwd: installed.dir, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, `${command} ${args.join(' ')}:\n${r.stdout}${r.stderr}`).toBe(0);
  return r.stdout;
}

function write(path: string, text: string): string {
  const file = join(installed.dir, path);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  return file;
}

// What every consumer does with the SDK: make a client, and tell its errors apart.
const USE_SDK = `const client = new ClinicClient({ baseUrl: 'http://127.0.0.1:9', clientId: 'c', clientSecret: 's', maxRetries: 0 });
const failed = await client.patients.retrieve('01970000-0000-7000-8000-000000000000').catch((e) => e);
console.log(JSON.stringify({
  connection: failed instanceof APIConnectionError,
  sdkError: KlinikDesaError.is(failed),
  lite: typeof LiteClinicClient,
}));`;

describe('the SDK from its tarball', () => {
  const expected = { connection: true, sdkError: true, lite: 'function' };

  it('runs from ESM', () => {
    const file = write(
      'esm/use.mjs',
      `import { APIConnectionError, ClinicClient, KlinikDesaError } from '@klinik-desa/sdk';
import { ClinicClient as LiteClinicClient } from '@klinik-desa/sdk/lite';
${USE_SDK}`,
    );
    expect(JSON.parse(inInstall(process.execPath, [file]))).toEqual(expected);
  });

  it('runs from CommonJS', () => {
    const file = write(
      'cjs/use.cjs',
      `const { APIConnectionError, ClinicClient, KlinikDesaError } = require('@klinik-desa/sdk');
const { ClinicClient: LiteClinicClient } = require('@klinik-desa/sdk/lite');
(async () => {
${USE_SDK}
})();`,
    );
    expect(JSON.parse(inInstall(process.execPath, [file]))).toEqual(expected);
  });

  // Typed use: a page of referrals, an error's code; a type mistake must fail, so the check is real.
  const typedUse = (from: string) => `import { ClinicClient, KlinikDesaError, type Referral } from '${from}';
const client = new ClinicClient({ baseUrl: 'https://clinic.example', clientId: 'c', clientSecret: 's' });
export async function flags(): Promise<string[]> {
  const page = await client.referrals.list({ status: 'open', limit: 10 }).firstPage();
  return page.data.map((r: Referral) => r.flag.code);
}
export function codeOf(error: unknown): string | undefined {
  return KlinikDesaError.is(error) ? error.code : undefined;
}
`;
  const tsc = join(repoRoot, 'node_modules/.bin/tsc');
  const strict = { strict: true, noEmit: true, skipLibCheck: false, types: [] };

  for (const [resolution, module] of [
    ['node16', 'node16'],
    ['bundler', 'esnext'],
  ] as const) {
    it(`type-checks with moduleResolution ${resolution}`, () => {
      const dir = `ts-${resolution}`;
      // node16 sees both faces of the package: an .mts file imports it, a .cts file requires it.
      const files =
        resolution === 'node16'
          ? { 'use.mts': typedUse('@klinik-desa/sdk'), 'use-cjs.cts': typedUse('@klinik-desa/sdk') }
          : { 'use.ts': typedUse('@klinik-desa/sdk') };
      for (const [name, text] of Object.entries(files)) write(`${dir}/${name}`, text);
      write(
        `${dir}/wrong.ts`,
        `import type { Referral } from '@klinik-desa/sdk';\nexport const n: number = ({} as Referral).flag.code;\n`,
      );
      const options = {
        ...strict,
        module,
        moduleResolution: resolution,
        target: 'es2022',
        lib: ['es2022', 'dom'],
      };
      write(`${dir}/tsconfig.json`, JSON.stringify({ compilerOptions: options, files: Object.keys(files) }));
      inInstall(tsc, ['-p', join(installed.dir, dir)]);
      write(
        `${dir}/tsconfig.wrong.json`,
        JSON.stringify({ compilerOptions: options, files: [...Object.keys(files), 'wrong.ts'] }),
      );
      const wrong = spawnSync(tsc, ['-p', join(installed.dir, dir, 'tsconfig.wrong.json')], {
        cwd: installed.dir,
        encoding: 'utf8',
      });
      expect(wrong.stdout).toMatch(/wrong\.ts.*TS2322/);
    });
  }

  it('bundles into a browser page with Vite, with no Node module in it', () => {
    write(
      'web/index.html',
      '<!doctype html><html><body><script type="module" src="./main.js"></script></body></html>\n',
    );
    write(
      'web/main.js',
      `import { ClinicClient, NotFoundError } from '@klinik-desa/sdk';
const client = new ClinicClient({ baseUrl: window.location.origin, clientId: 'c', clientSecret: 's' });
window.sdk = { client, NotFoundError };
`,
    );
    inInstall(installed.bin('vite'), ['build', 'web', '--outDir', 'dist', '--logLevel', 'warn']);
    const assets = join(installed.dir, 'web/dist/assets');
    const bundle = readdirSync(assets)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(assets, f), 'utf8'))
      .join('\n');
    expect(bundle).toContain('/oauth2/token');
    // Vite replaces a Node built-in it cannot bundle with an empty stub that throws when used.
    expect(bundle).not.toContain('__vite-browser-external');
  });
});

describe('the clinic server and the kiosk agent from their tarballs', () => {
  const running: RunningProcess[] = [];
  afterAll(async () => {
    await Promise.allSettled(running.map((p) => p.stop()));
  });
  const start = (name: string, bin: string, args: string[]) => {
    const p = startProcess(name, installed.bin(bin), args, { cwd: installed.dir });
    running.push(p);
    return p;
  };

  it('run one screening: a weighing reaches the clinic record under the screening', async () => {
    const db = join(installed.dir, 'clinic.db');
    const server = start('clinic-server', 'klinik-desa-clinic-server', [
      'start',
      '--db',
      db,
      '--broker-port',
      '0',
      '--port',
      '0',
    ]);
    const [, brokerUrl] = await server.waitForLine(/listening on (mqtt:\/\/127\.0\.0\.1:\d+)/, 60_000);
    const [, apiUrl] = await server.waitForLine(/clinic API listening on (http:\/\/[\d.]+:\d+)/, 60_000);

    const created = inInstall(installed.bin('klinik-desa-clinic-server'), [
      'client',
      'create',
      '--db',
      db,
      '--role',
      'admin',
      '--name',
      'first admin',
      '--clinic',
      'clinic-1',
    ]);
    const creds = JSON.parse(created) as { clientId: string; clientSecret: string };
    const { admin, kiosk } = await signInAndRegisterKiosk(apiUrl!, creds);
    const patient = await registerPatient(admin);

    const scalePort = await freePort();
    const config = write(
      'kiosk/kiosk.yaml',
      [
        'kiosk: { id: kiosk-1, clinicId: clinic-1 }',
        `mqtt: { url: "${brokerUrl}", protocolVersion: 4, username: "${kiosk.mqttUsername}", password: "${kiosk.mqttPassword}" }`,
        `outbox: { path: "${join(installed.dir, 'kiosk/outbox.db')}" }`,
        `http: { port: 0, page: { pinHash: "${TEST_PAGE_PIN_HASH}" } }`,
        `clinicApi: { baseUrl: "${apiUrl}", clientId: "${kiosk.clientId}", clientSecret: "${kiosk.clientSecret}" }`,
        'devices:',
        `  - { id: scale-1, protocol: ad-scale, port: "tcp://127.0.0.1:${scalePort}" }`,
        '',
      ].join('\n'),
    );
    const agent = start('kiosk-agent', 'klinik-desa-agent', ['start', '--config', config]);
    const [, pageUrl] = await agent.waitForLine(/local API on (http:\/\/127\.0\.0\.1:\d+)/, 60_000);
    const headers = { cookie: await unlockKioskPage(pageUrl!) };

    const opened = await fetch(`${pageUrl}/session`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ patientId: patient.id, sex: 'female', ageYears: 47 }),
    });
    expect(opened.status).toBe(200);
    const { sessionId } = (await opened.json()) as { sessionId: string };
    // The scale is switched on once the screening is open, as the health worker does.
    const scale = start('scale', 'klinik-desa-agent', [
      'simulate',
      '--listen',
      `127.0.0.1:${scalePort}`,
      '--protocol',
      'ad-scale',
      '--weights',
      '62.45',
      '--interval-ms',
      '150',
      '--stay-open',
    ]);
    await scale.waitForLine(/listening on tcp:/);

    const weights = await waitFor(
      async () => {
        const page = await admin.request<{ data: { kind: string; value: number | null }[] }>(
          'GET',
          `/observations?screeningId=${sessionId}`,
        );
        const found = page.body.data.filter((o) => o.kind === 'weight');
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the weighing in the clinic record' },
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}\n${running.map((p) => `--- ${p.name}:\n${p.output().slice(-3000)}`).join('\n')}`,
      );
    });
    expect(weights.map((o) => o.value)).toContain(62.45);
    const closed = await fetch(`${pageUrl}/session`, { method: 'DELETE', headers });
    expect(await closed.json()).toMatchObject({ finished: true });
  });
});
