import { existsSync } from 'node:fs';
import type { DeviceStatus } from '@klinik-desa/protocol';
import { waitFor } from '@klinik-desa/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildGatewayCore, type GatewayCoreBuild } from '../src/gateway-core-build.js';
import { type HostGateway, hostMeter, racpRequests, startHostGateway } from '../src/host-gateway.js';
import { Stack } from '../src/stack.js';

// Issue #22's replug proof: the gateway board is pulled out of the kiosk mid-run (the firmware core
// on the host, killed, and its pty gone with it, as a USB tty vanishes) and plugged in again at the
// same path as a freshly booted board. Real agent, real broker, real clinic server.
const BP_MONITOR = 'A0:11:22:33:44:01';
const GLUCOMETER = 'A0:11:22:33:44:02';
// bp-basic-mmhg of packages/devices/vectors/gatt.jsonl (120/80, MAP 93), then 130/85 (MAP 100).
const BP_FIRST = '00780050005d00';
const BP_SECOND = '00820055006400';
// glucose-kgl-capillary-finger (110 mg/dL) under a chosen sequence number.
const glucoseRecord = (sequence: number) =>
  `02${sequence.toString(16).padStart(2, '0')}00e9070913080f006eb011`;
const records = (...sequences: number[]) => sequences.map(glucoseRecord);

let build: GatewayCoreBuild;
let gatewayHost: string;

beforeAll(() => {
  build = buildGatewayCore(['gw_host']);
  gatewayHost = build.program('gw_host');
}, 120_000);

afterAll(() => build?.remove());

/** The agent's view of the gateway's serial port, from its local API's open /status. */
async function gatewayState(stack: Stack): Promise<DeviceStatus['state'] | undefined> {
  const response = await fetch(`${await stack.apiUrl()}/status`);
  const status = (await response.json()) as { devices?: DeviceStatus[] };
  return status.devices?.find((d) => d.id === 'gateway-1')?.state;
}

describe('the BLE gateway unplugged and plugged in again mid-run', () => {
  let stack: Stack | undefined;
  const gateways: HostGateway[] = [];
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((g) => g.stop()));
    await stack?.stop();
    stack = undefined;
  });
  const start = (serialPath: string, devices: string[]) => {
    const gateway = startHostGateway(gatewayHost, serialPath, devices);
    gateways.push(gateway);
    return gateway;
  };

  it('takes every reading once: none lost across the replug, no glucose record twice', async () => {
    stack = await new Stack({
      mqttVersion: 5,
      deviceYaml: (s) =>
        [
          '  - id: gateway-1',
          '    protocol: ble-gateway',
          `    port: "${s.pty.agentPath}"`,
          '    dialogue:',
          '      devices:',
          `        - { address: "${BP_MONITOR}" }`,
          `        - { address: "${GLUCOMETER}", records: all }`,
        ].join('\n'),
    }).start();
    const s = stack;
    const agentPath = s.pty.agentPath;
    const first = start(s.pty.devicePath, [
      `reading:${BP_MONITOR},1810,2A35,ind,${BP_FIRST}`,
      ...hostMeter(GLUCOMETER, records(17, 18)),
    ]);
    await s.waitForRecords(3, 30_000);

    // Pulled out: the board loses its power and the kiosk's tty vanishes with it.
    await first.kill();
    await s.pty.close();
    expect(existsSync(agentPath)).toBe(false);
    await s.agent.waitForLine(/device gateway-1 lost|the port has disappeared/, 10_000);
    await waitFor(async () => (await gatewayState(s)) !== 'connected', {
      timeoutMs: 10_000,
      what: 'the agent to report the gateway port closed',
    });

    // Plugged in again: the same path (the udev symlink), a freshly booted board. Meanwhile the
    // monitor took another reading and the meter two more records.
    const pty = await s.replug('scale');
    expect(pty.agentPath).toBe(agentPath);
    const second = start(pty.devicePath, [
      `reading:${BP_MONITOR},1810,2A35,ind,${BP_SECOND}`,
      ...hostMeter(GLUCOMETER, records(17, 18, 19, 20)),
    ]);
    await waitFor(async () => (await gatewayState(s)) === 'connected', {
      timeoutMs: 20_000,
      what: 'the agent to open the gateway port again',
    });
    await s.waitForRecords(6, 30_000);
    await s.waitForEmptyOutbox();
    // Long enough for a resend or a second RACP answer to land, had there been one.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await s.waitForEmptyOutbox();

    const all = s.records();
    expect(all).toHaveLength(6);
    const systolic = all
      .filter((r) => r.kind === 'blood-pressure')
      .map((r) => r.values.find((v) => v.code === '8480-6')?.value);
    expect(systolic).toEqual([120, 130]);
    const sequences = all.filter((r) => r.kind === 'glucose').map((r) => r.device.sequenceNumber);
    expect(sequences).toEqual([17, 18, 19, 20]);
    // The new board was asked only for the records after the last one kept.
    expect(racpRequests(first, GLUCOMETER)[0]).toBe('0101');
    expect(racpRequests(second, GLUCOMETER)[0]).toBe('0103011300');
    expect(first.stderr() + second.stderr()).toBe('');
    expect(second.process.exitCode).toBeNull();
  }, 60_000);
});
