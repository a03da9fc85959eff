// Vendor drivers in a real kiosk, with real processes: the example driver package built, packed
// with `pnpm pack` and installed with npm beside the packed agent (nothing from the workspace
// source), named in kiosk.yaml `drivers:`, its scale on a socat pty; the A&D scale beside it over
// TCP; and three bad drivers as small packages of their own: one that throws on every frame, one
// that never returns, one built for another driver API. The good devices' readings reach the
// clinic record exactly once; each bad driver is refused or contained, with its reason in the log,
// the status, the metrics and the kiosk events.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pnpm, repoRoot } from '@klinik-desa/packaging';
import {
  createPtyPair,
  freePort,
  type PtyPair,
  type RunningProcess,
  startProcess,
  TEST_PAGE_PIN_HASH,
  unlockKioskPage,
  waitFor,
} from '@klinik-desa/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPatient, signInAndRegisterKiosk } from '../src/clinic-kiosk.js';
import { type InstalledPackages, installPackedPackages } from '../src/installed-packages.js';
import { startTestClinic, type TestClinic } from '../src/test-clinic.js';

const EXAMPLE = '@klinik-desa/example-vendor-driver';

/** A tiny driver package: line-framed weight frames, its decode's body given. */
const badDriver = (id: string, apiVersion: string, decodeBody: string) => ({
  'package.json': JSON.stringify({ name: id, version: '1.0.0', type: 'module', main: 'index.js' }),
  'index.js': `export const driverApiVersion = '${apiVersion}';
export default {
  id: '${id}', vendor: 'Bad Vendor', models: ['B-1'], transport: 'serial', kinds: ['weight'], mode: 'stream',
  serial: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
  framing: { type: 'line', delimiter: '\\r\\n', maxFrameBytes: 64 },
  decode(frame) { ${decodeBody} },
  encode() { return new Uint8Array(); },
};
`,
});

const BAD_DRIVERS = {
  'bad-throws': badDriver('bad-throws', '1.0.0', 'return frame.nothing.there;'),
  'bad-loops': badDriver('bad-loops', '1.0.0', 'for (;;) {}'),
  'bad-api': badDriver('bad-api', '2.0.0', "return { kind: 'weight', weight: { value: 1, unit: 'kg' } };"),
};

let installed: InstalledPackages;
let clinic: TestClinic;
const running: RunningProcess[] = [];
const ptys: PtyPair[] = [];
const tarballs = mkdtempSync(join(tmpdir(), 'kd-driver-tarball-'));

beforeAll(async () => {
  pnpm(['--filter', EXAMPLE, 'run', 'build'], repoRoot);
  pnpm(['--filter', EXAMPLE, 'pack', '--pack-destination', tarballs], repoRoot);
  installed = installPackedPackages([join(tarballs, 'klinik-desa-example-vendor-driver-0.0.0.tgz')]);
  console.log(`vendor drivers, install: ${JSON.stringify(installed.seconds)} (seconds)`);
  clinic = await startTestClinic();
}, 1_200_000);

afterAll(async () => {
  await Promise.allSettled(running.map((p) => p.stop()));
  await Promise.allSettled(ptys.map((p) => p.close()));
  await clinic?.close();
  installed?.remove();
  rmSync(tarballs, { recursive: true, force: true });
});

describe('vendor drivers in a kiosk, installed beside the built agent', () => {
  it('deliver a vendor scale once, while bad drivers are refused or contained and the A&D scale goes on', async () => {
    const { admin, kiosk } = await signInAndRegisterKiosk(clinic.url, clinic.admin);
    const patient = await registerPatient(admin, 'clinic-1');

    const kioskDir = join(installed.dir, 'kiosk');
    for (const [name, files] of Object.entries(BAD_DRIVERS)) {
      mkdirSync(join(kioskDir, 'drivers', name), { recursive: true });
      for (const [file, text] of Object.entries(files))
        writeFileSync(join(kioskDir, 'drivers', name, file), text);
    }
    const [ts200, throws, loops] = await Promise.all(
      ['ts200', 'throws', 'loops'].map((name) => createPtyPair(name)),
    );
    ptys.push(ts200!, throws!, loops!);
    const scalePort = await freePort();
    const config = join(kioskDir, 'kiosk.yaml');
    writeFileSync(
      config,
      [
        'kiosk: { id: kiosk-1, clinicId: clinic-1 }',
        `mqtt: { url: "${clinic.server.brokerUrl}", protocolVersion: 4, username: "${kiosk.mqttUsername}", password: "${kiosk.mqttPassword}", reconnectMinMs: 100, reconnectMaxMs: 1000 }`,
        'outbox: { path: outbox.db }',
        `http: { port: 0, page: { pinHash: "${TEST_PAGE_PIN_HASH}" } }`,
        `clinicApi: { baseUrl: "${clinic.url}", clientId: "${kiosk.clientId}", clientSecret: "${kiosk.clientSecret}" }`,
        `drivers: ["${EXAMPLE}", ./drivers/bad-throws, ./drivers/bad-loops, ./drivers/bad-api]`,
        'devices:',
        `  - { id: scale-1, protocol: ad-scale, port: "tcp://127.0.0.1:${scalePort}" }`,
        `  - { id: ts200-1, protocol: timbang-ts200, port: "${ts200!.agentPath}" }`,
        `  - { id: throws-1, protocol: bad-throws, port: "${throws!.agentPath}" }`,
        `  - { id: loops-1, protocol: bad-loops, port: "${loops!.agentPath}" }`,
        `  - { id: api-1, protocol: bad-api, port: "tcp://127.0.0.1:9" }`,
        '',
      ].join('\n'),
    );
    const agentBin = installed.bin('klinik-desa-agent');
    const check = startProcess('check-config', agentBin, ['check-config', '--config', config], {
      cwd: kioskDir,
    });
    running.push(check);
    const refusedLine =
      /driver \\?"\.\/drivers\/bad-api\\?" refused \(INCOMPATIBLE_API\): it was built for driver API 2\.0\.0, this agent runs 1\.\d+\.\d+; fix: install a version of the driver made for driver API 1\.x/;
    await check.waitForLine(refusedLine, 60_000);

    const agent = startProcess('kiosk-agent', agentBin, ['start', '--config', config], { cwd: kioskDir });
    running.push(agent);
    const fail = (error: Error) => {
      throw new Error(
        `${error.message}\n${running.map((p) => `--- ${p.name}:\n${p.output().slice(-4000)}`).join('\n')}`,
      );
    };
    const [, pageUrl] = await agent
      .waitForLine(/local API on (http:\/\/127\.0\.0\.1:\d+)/, 60_000)
      .catch(fail);
    await agent.waitForLine(refusedLine, 10_000).catch(fail);
    const headers = { cookie: await unlockKioskPage(pageUrl!) };
    const opened = await fetch(`${pageUrl}/session`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ patientId: patient.id, sex: 'female', ageYears: 47 }),
    });
    expect(opened.status).toBe(200);
    const { sessionId } = (await opened.json()) as { sessionId: string };

    // The bad drivers get frames first: five each trips their device off.
    type Status = { devices: { id: string; state: string; errors: Record<string, number> }[] };
    const status = async () => (await (await fetch(`${pageUrl}/status`)).json()) as Status;
    const device = async (id: string) => (await status()).devices.find((d) => d.id === id);
    await waitFor(async () => (await device('throws-1'))?.state === 'connected', { what: 'throws-1 open' });
    await waitFor(async () => (await device('loops-1'))?.state === 'connected', { what: 'loops-1 open' });
    for (let i = 0; i < 6; i++) {
      await appendFile(throws!.devicePath, `W=0${i}\r\n`);
      await appendFile(loops!.devicePath, `W=0${i}\r\n`);
    }
    await waitFor(async () => (await device('throws-1'))?.state === 'failed', {
      timeoutMs: 20_000,
      what: 'throws-1 off',
    }).catch(fail);
    await waitFor(async () => (await device('loops-1'))?.state === 'failed', {
      timeoutMs: 20_000,
      what: 'loops-1 off',
    }).catch(fail);
    expect(await device('throws-1')).toMatchObject({ errors: { DRIVER_THREW: 5 } });
    expect(await device('loops-1')).toMatchObject({ errors: { DRIVER_TIMEOUT: 5 } });
    expect(await device('api-1')).toMatchObject({ state: 'failed', errors: { DRIVER_REFUSED: 1 } });
    expect(agent.output()).toMatch(
      /driver bad-throws failed on a frame of throws-1 \(DRIVER_THREW\): decode threw: Cannot read properties of undefined \(reading 'there'\)/,
    );
    expect(agent.output()).toMatch(/device loops-1 is off: its driver bad-loops failed 5 times/);
    const metrics = await (await fetch(`${pageUrl}/metrics`)).text();
    expect(metrics).toContain(
      'kd_driver_failures_total{driver="bad-throws",device="throws-1",code="DRIVER_THREW"} 5',
    );
    expect(metrics).toContain(
      'kd_driver_failures_total{driver="bad-loops",device="loops-1",code="DRIVER_TIMEOUT"} 5',
    );

    // The good devices deliver: the vendor scale through its installed package, the A&D scale.
    const simulate = (name: string, args: string[]) => {
      const p = startProcess(name, agentBin, ['simulate', ...args], { cwd: kioskDir });
      running.push(p);
      return p;
    };
    const scale = simulate('ad-scale', [
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
    const vendor = simulate('ts200', [
      '--driver',
      EXAMPLE,
      '--protocol',
      'timbang-ts200',
      '--port',
      ts200!.devicePath,
      '--measurement',
      JSON.stringify({
        kind: 'weight',
        weight: { value: 71.3, unit: 'kg' },
        height: { value: 165, unit: 'cm' },
      }),
      '--stay-open',
    ]);
    await vendor.waitForLine(/sent 1 frames/).catch(fail);

    type Observation = { kind: string; value: number | null; deviceId?: string };
    const observations = async () =>
      (await admin.request<{ data: Observation[] }>('GET', `/observations?screeningId=${sessionId}`)).body
        .data;
    await waitFor(
      async () => {
        const weights = (await observations()).filter((o) => o.kind === 'weight').map((o) => o.value);
        return weights.includes(71.3) && weights.includes(62.45);
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'both weighings in the clinic record' },
    ).catch(fail);
    // Exactly once: a little later, still one of each.
    await new Promise((r) => setTimeout(r, 2000));
    const weights = (await observations()).filter((o) => o.kind === 'weight').map((o) => o.value);
    expect(weights.filter((w) => w === 71.3)).toHaveLength(1);
    expect(weights.filter((w) => w === 62.45)).toHaveLength(1);

    // The clinic hears of the refused driver and the devices that went off.
    const events = await waitFor(
      async () => {
        const page = await admin.request<{
          data: { type: string; deviceId?: string; code?: string; message?: string }[];
        }>('GET', '/kiosks/clinic-1/kiosk-1/events?type=driver-failed');
        return page.body.data.length >= 3 ? page.body.data : undefined;
      },
      { timeoutMs: 30_000, what: 'driver-failed events at the clinic' },
    ).catch(fail);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'DRIVER_REFUSED', message: expect.stringMatching(/bad-api/) }),
        expect.objectContaining({ deviceId: 'throws-1', code: 'DRIVER_THREW' }),
        expect.objectContaining({ deviceId: 'loops-1', code: 'DRIVER_TIMEOUT' }),
      ]),
    );
  }, 300_000);
});
