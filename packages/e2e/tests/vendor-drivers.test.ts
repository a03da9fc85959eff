// Vendor drivers in a real kiosk, with real processes: the example driver package built, packed
// with `pnpm pack` and installed with npm beside the packed agent (nothing from the workspace
// source), named in kiosk.yaml `drivers:`, its scale on a socat pty; the A&D scale beside it over
// TCP; and three bad drivers as small packages of their own: one that throws on every frame, one
// that never returns, one built for another driver API. The good devices' readings reach the
// clinic record exactly once; each bad driver is refused or contained, with its reason in the log,
// the status, the metrics and the kiosk events. Then a vendor-Bluetooth driver (the KD-Therm example,
// installed the same way, in the same install) named in kiosk.yaml for a device behind the BLE
// gateway (the devices package's simulator on a socat pty), a standard BP monitor behind the same
// gateway with no driver, and a second vendor device whose driver throws on every value: both good
// devices' readings reach the record once, the thermometer's HI with its comparator; the throwing
// driver is contained and reported, and the BP monitor goes on.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerFromValues, createGatewaySimulator } from '@klinik-desa/devices/simulate';
import { kdThermService } from '@klinik-desa/example-vendor-ble-driver';
import { pnpm, repoRoot } from '@klinik-desa/packaging';
import type { BloodPressureMeasurement } from '@klinik-desa/protocol';
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
import { playDevice } from '../src/device-player.js';
import { type InstalledPackages, installPackedPackages } from '../src/installed-packages.js';
import { startTestClinic, type TestClinic } from '../src/test-clinic.js';

const EXAMPLE = '@klinik-desa/example-vendor-driver';
const BLE_EXAMPLE = '@klinik-desa/example-vendor-ble-driver';
const THERMOMETER = 'C4:7F:51:00:00:19';
const BROKEN = 'C4:7F:51:00:00:66';
const BP_MONITOR = 'A0:11:22:33:44:01';

/** A vendor-Bluetooth driver whose decode throws on every value; it asks for six measurements. */
const BAD_BLE_DRIVER = {
  'package.json': JSON.stringify({ name: 'bad-ble', version: '1.0.0', type: 'module', main: 'index.js' }),
  'index.js': `export const driverApiVersion = '1.1.0';
export default {
  id: 'bad-ble', vendor: 'Bad Vendor', models: ['BT-1'], transport: 'ble-gateway', kinds: ['temperature'],
  mode: 'stream', framing: { type: 'packet', maxFrameBytes: 20 },
  bluetooth: {
    notifications: [{ service: 'fff0', characteristic: 'fff1' }],
    writes: Array.from({ length: 6 }, () => ({ service: 'fff0', characteristic: 'fff2', when: 'connected', value: '01', purpose: 'measure' })),
  },
  decode(value) { return value.no.such; },
  encode() { return new Uint8Array(); },
};
`,
};

const bp: BloodPressureMeasurement = {
  kind: 'blood-pressure',
  systolic: { value: 131, unit: 'mm[Hg]' },
  diastolic: { value: 86, unit: 'mm[Hg]' },
  meanArterialPressure: { value: 101, unit: 'mm[Hg]' },
};

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
  for (const example of [EXAMPLE, BLE_EXAMPLE]) {
    pnpm(['--filter', example, 'run', 'build'], repoRoot);
    pnpm(['--filter', example, 'pack', '--pack-destination', tarballs], repoRoot);
  }
  installed = installPackedPackages(
    ['vendor-driver', 'vendor-ble-driver'].map((name) =>
      join(tarballs, `klinik-desa-example-${name}-0.0.0.tgz`),
    ),
  );
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

describe('a vendor-Bluetooth driver in a kiosk, installed beside the built agent', () => {
  // Its own clinic and kiosk: the serial drivers' test above has its own.
  let clinic: TestClinic;
  const running: RunningProcess[] = [];
  const ptys: PtyPair[] = [];
  let gateway: ReturnType<typeof playDevice> | undefined;
  beforeAll(async () => {
    clinic = await startTestClinic();
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await Promise.allSettled(running.map((p) => p.stop()));
    await Promise.allSettled(ptys.map((p) => p.close()));
    await clinic?.close();
  });

  it('delivers the thermometer behind the gateway once, HI with its comparator, while a throwing driver is contained and the BP monitor goes on', async () => {
    const { admin, kiosk } = await signInAndRegisterKiosk(clinic.url, clinic.admin);
    const patient = await registerPatient(admin, 'clinic-1');
    const kioskDir = join(installed.dir, 'kiosk-ble');
    mkdirSync(join(kioskDir, 'drivers', 'bad-ble'), { recursive: true });
    for (const [file, text] of Object.entries(BAD_BLE_DRIVER))
      writeFileSync(join(kioskDir, 'drivers', 'bad-ble', file), text);
    const pty = await createPtyPair('gateway');
    ptys.push(pty);
    const config = join(kioskDir, 'kiosk.yaml');
    writeFileSync(
      config,
      [
        'kiosk: { id: kiosk-1, clinicId: clinic-1 }',
        `mqtt: { url: "${clinic.server.brokerUrl}", protocolVersion: 4, username: "${kiosk.mqttUsername}", password: "${kiosk.mqttPassword}", reconnectMinMs: 100, reconnectMaxMs: 1000 }`,
        'outbox: { path: outbox.db }',
        `http: { port: 0, page: { pinHash: "${TEST_PAGE_PIN_HASH}" } }`,
        `clinicApi: { baseUrl: "${clinic.url}", clientId: "${kiosk.clientId}", clientSecret: "${kiosk.clientSecret}" }`,
        `drivers: ["${BLE_EXAMPLE}", ./drivers/bad-ble]`,
        'devices:',
        `  - id: gateway-1`,
        '    protocol: ble-gateway',
        `    port: "${pty.agentPath}"`,
        '    dialogue:',
        '      devices:',
        `        - { address: "${THERMOMETER}", driver: "${BLE_EXAMPLE}" }`,
        `        - { address: "${BROKEN}", driver: ./drivers/bad-ble }`,
        `        - { address: "${BP_MONITOR}" }`,
        '',
      ].join('\n'),
    );
    const agentBin = installed.bin('klinik-desa-agent');
    const fail = (error: Error) => {
      throw new Error(
        `${error.message}\n${running.map((p) => `--- ${p.name}:\n${p.output().slice(-4000)}`).join('\n')}`,
      );
    };

    // check-config accepts this, and refuses a device naming a driver that is not there.
    const check = startProcess('check-config', agentBin, ['check-config', '--config', config], {
      cwd: kioskDir,
    });
    running.push(check);
    await check.waitForLine(/kiosk\.yaml: OK/, 60_000).catch(fail);
    const wrong = join(kioskDir, 'wrong.yaml');
    writeFileSync(
      wrong,
      readFileSync(config, 'utf8').replace(`driver: "${BLE_EXAMPLE}"`, 'driver: "@acme/nowhere"'),
    );
    const refuse = startProcess('check-config wrong', agentBin, ['check-config', '--config', wrong], {
      cwd: kioskDir,
    });
    running.push(refuse);
    await refuse
      .waitForLine(
        /devices\.0\.dialogue\.devices\.0\.driver: BLE device C4:7F:51:00:00:19 names driver "@acme\/nowhere", which is not loaded; fix: add "@acme\/nowhere" to drivers:/,
        60_000,
      )
      .catch(fail);

    const agent = startProcess('kiosk-agent', agentBin, ['start', '--config', config], { cwd: kioskDir });
    running.push(agent);
    const [, pageUrl] = await agent
      .waitForLine(/local API on (http:\/\/127\.0\.0\.1:\d+)/, 60_000)
      .catch(fail);
    const headers = { cookie: await unlockKioskPage(pageUrl!) };
    const opened = await fetch(`${pageUrl}/session`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ patientId: patient.id, sex: 'male', ageYears: 52 }),
    });
    expect(opened.status).toBe(200);
    const { sessionId } = (await opened.json()) as { sessionId: string };

    // The gateway comes up after the screening is open: it greets, the agent registers its devices.
    const sim = createGatewaySimulator({
      devices: [
        {
          address: THERMOMETER,
          name: 'KD-Therm V1',
          vendor: kdThermService([
            {
              kind: 'temperature',
              temperature: { value: 42.9, unit: 'Cel', comparator: '>' },
              site: 'tympanum',
            },
          ]),
        },
        {
          address: BROKEN,
          name: 'BT-1',
          vendor: {
            service: 'fff0',
            characteristic: 'fff1',
            commandCharacteristic: 'fff2',
            answer: answerFromValues(Array.from({ length: 6 }, (_, i) => Uint8Array.of(i))),
          },
        },
        { address: BP_MONITOR, name: 'UA-651BLE', measurements: [bp] },
      ],
    });
    gateway = playDevice(pty.devicePath, sim, sim.boot());

    type Observation = { kind: string; name: string; value: number | null; comparator?: string };
    const observations = async () =>
      (await admin.request<{ data: Observation[] }>('GET', `/observations?screeningId=${sessionId}`)).body
        .data;
    await waitFor(
      async () => {
        const found = await observations();
        return found.some((o) => o.kind === 'temperature') && found.some((o) => o.kind === 'blood-pressure');
      },
      { timeoutMs: 40_000, intervalMs: 250, what: 'the thermometer and the BP monitor in the clinic record' },
    ).catch(fail);
    // Exactly once: asked again (0x02 repeats the value, a reconnect measures again), still one each.
    await new Promise((r) => setTimeout(r, 1500));
    const found = await observations();
    const temperatures = found.filter((o) => o.kind === 'temperature');
    expect(temperatures).toEqual([expect.objectContaining({ value: 42.9, comparator: '>' })]);
    expect(found.filter((o) => o.kind === 'blood-pressure' && o.value === 131)).toHaveLength(1);
    // The thermometer was subscribed and asked to measure, as its driver declares.
    const agentLines = gateway.hostBytes().toString('latin1');
    expect(agentLines).toMatch(
      /\$SUBSCRIBE,\d+,C4:7F:51:00:00:19,7B3A0001-5C1E-4D2B-9F00-4B4450000001,7B3A0002-5C1E-4D2B-9F00-4B4450000001\*/i,
    );
    expect(agentLines).toMatch(
      /\$WRITE,\d+,C4:7F:51:00:00:19,7B3A0001-5C1E-4D2B-9F00-4B4450000001,7B3A0003-5C1E-4D2B-9F00-4B4450000001,01\*/i,
    );

    // The throwing driver: five failures take its device off, the gateway stays connected.
    type Status = {
      devices: { id: string; state: string; protocol: string; errors: Record<string, number> }[];
    };
    const status = async () => (await (await fetch(`${pageUrl}/status`)).json()) as Status;
    await waitFor(async () => (await status()).devices[0]?.errors['DRIVER_THREW'] === 5, {
      timeoutMs: 20_000,
      what: 'five DRIVER_THREW on gateway-1',
    }).catch(fail);
    expect((await status()).devices[0]).toMatchObject({ id: 'gateway-1', state: 'connected' });
    expect(agent.output()).toMatch(
      /BLE device C4:7F:51:00:00:66 behind gateway-1 is off: its driver bad-ble failed 5 times/,
    );
    const metrics = await (await fetch(`${pageUrl}/metrics`)).text();
    // Counted under the gateway device (the status has no entry per device behind it); the failing
    // driver is named in the log line above and in the kiosk event below.
    expect(metrics).toContain('kd_device_errors_total{device="gateway-1",code="DRIVER_THREW"} 5');
    const events = await waitFor(
      async () => {
        const page = await admin.request<{ data: { deviceId?: string; code?: string; message?: string }[] }>(
          'GET',
          '/kiosks/clinic-1/kiosk-1/events?type=driver-failed',
        );
        return page.body.data.length >= 1 ? page.body.data : undefined;
      },
      { timeoutMs: 30_000, what: 'driver-failed event at the clinic' },
    ).catch(fail);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          deviceId: 'gateway-1',
          code: 'DRIVER_THREW',
          message: expect.stringMatching(/driver bad-ble: decode threw/),
        }),
      ]),
    );
    // The readings carry the thermometer's driver as their protocol, the BP monitor the gateway's.
    type Recent = {
      data: { reading: { kind: string; device: { protocol: string; deviceAddress?: string } } }[];
    };
    const recent = (await (await fetch(`${pageUrl}/readings`, { headers })).json()) as Recent;
    const protocols = recent.data.map((r) => [r.reading.kind, r.reading.device.protocol]).sort();
    expect(protocols).toEqual([
      ['blood-pressure', 'ble-gateway'],
      ['temperature', 'kd-therm'],
    ]);
  }, 180_000);
});
