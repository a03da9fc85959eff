// A vendor-Bluetooth driver in a real kiosk, with real processes: the KD-Therm example driver
// built, packed and installed with npm beside the packed agent (nothing from the workspace source
// in the agent), named in kiosk.yaml for a device behind the BLE gateway; the gateway (the devices
// package's simulator, playing the thermometer with the example's own simulator) on a socat pty; a
// standard BP monitor behind the same gateway with no driver; and a second vendor device whose
// driver throws on every value. Both good devices' readings reach the clinic record exactly once,
// the thermometer's HI with its comparator; the throwing driver is contained and reported, and the
// BP monitor goes on.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerFromValues, createGatewaySimulator } from '@klinik-desa/devices/simulate';
import { kdThermService } from '@klinik-desa/example-vendor-ble-driver';
import { pnpm, repoRoot } from '@klinik-desa/packaging';
import type { BloodPressureMeasurement } from '@klinik-desa/protocol';
import {
  createPtyPair,
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

const EXAMPLE = '@klinik-desa/example-vendor-ble-driver';
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

let installed: InstalledPackages;
let clinic: TestClinic;
const running: RunningProcess[] = [];
const ptys: PtyPair[] = [];
let gateway: ReturnType<typeof playDevice> | undefined;
const tarballs = mkdtempSync(join(tmpdir(), 'kd-ble-driver-tarball-'));

beforeAll(async () => {
  pnpm(['--filter', EXAMPLE, 'run', 'build'], repoRoot);
  pnpm(['--filter', EXAMPLE, 'pack', '--pack-destination', tarballs], repoRoot);
  installed = installPackedPackages([join(tarballs, 'klinik-desa-example-vendor-ble-driver-0.0.0.tgz')]);
  console.log(`vendor BLE driver, install: ${JSON.stringify(installed.seconds)} (seconds)`);
  clinic = await startTestClinic();
}, 1_200_000);

afterAll(async () => {
  await gateway?.stop();
  await Promise.allSettled(running.map((p) => p.stop()));
  await Promise.allSettled(ptys.map((p) => p.close()));
  await clinic?.close();
  installed?.remove();
  rmSync(tarballs, { recursive: true, force: true });
});

describe('a vendor-Bluetooth driver in a kiosk, installed beside the built agent', () => {
  it('delivers the thermometer behind the gateway once, HI with its comparator, while a throwing driver is contained and the BP monitor goes on', async () => {
    const { admin, kiosk } = await signInAndRegisterKiosk(clinic.url, clinic.admin);
    const patient = await registerPatient(admin, 'clinic-1');
    const kioskDir = join(installed.dir, 'kiosk');
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
        `drivers: ["${EXAMPLE}", ./drivers/bad-ble]`,
        'devices:',
        `  - id: gateway-1`,
        '    protocol: ble-gateway',
        `    port: "${pty.agentPath}"`,
        '    dialogue:',
        '      devices:',
        `        - { address: "${THERMOMETER}", driver: "${EXAMPLE}" }`,
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
      readFileSync(config, 'utf8').replace(`driver: "${EXAMPLE}"`, 'driver: "@acme/nowhere"'),
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
