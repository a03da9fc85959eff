import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Stack } from '../src/stack.js';

// The gateway firmware's C core, built for the host (examples/ble-gateway-esp32, with ASan and
// UBSan) and run as a process on the agent's pty with simulated BLE devices, against the real agent,
// a real broker and the real clinic server: the same check agent-gateway.test.ts makes of the
// TypeScript simulator.
const SOURCE = fileURLToPath(new URL('../../../examples/ble-gateway-esp32', import.meta.url));
const BP_MONITOR = 'A0:11:22:33:44:01';
const GLUCOMETER = 'A0:11:22:33:44:02';
// From packages/devices/vectors/gatt.jsonl: bp-basic-mmhg (120/80, MAP 93) and
// glucose-kgl-capillary-finger (110 mg/dL) with its sequence number changed to 17 and 18.
const BP_VALUE = '00780050005d00';
const glucoseRecord = (sequence: number) =>
  `02${sequence.toString(16).padStart(2, '0')}00e9070913080f006eb011`;

let build: string;
let gatewayHost: string;

beforeAll(() => {
  build = mkdtempSync(join(tmpdir(), 'gateway-host-'));
  const step = (args: string[]) => {
    const result = spawnSync('cmake', args, { encoding: 'utf8' });
    if (result.status !== 0)
      throw new Error(`cmake ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  };
  step(['-S', SOURCE, '-B', build]);
  step(['--build', build, '--target', 'gw_host', '-j2']);
  gatewayHost = join(build, 'gw_host');
}, 120_000);

afterAll(() => {
  rmSync(build, { recursive: true, force: true });
});

describe('BLE health devices through the firmware core on the host', () => {
  let stack: Stack | undefined;
  let gateway: ChildProcess | undefined;
  afterEach(async () => {
    if (gateway && gateway.exitCode === null) {
      const exited = new Promise((resolve) => gateway?.once('exit', resolve));
      gateway.kill('SIGTERM');
      await exited;
    }
    await stack?.stop();
    stack = gateway = undefined;
  });

  it('takes a BP reading and a glucometer memory over RACP once, also after the meter reconnects', async () => {
    stack = new Stack({
      mqttVersion: 5,
      deviceYaml: (s) =>
        [
          `  - id: gateway-1`,
          '    protocol: ble-gateway',
          `    port: "${s.pty.agentPath}"`,
          '    dialogue:',
          '      devices:',
          `        - { address: "${BP_MONITOR}" }`,
          `        - { address: "${GLUCOMETER}", records: all }`,
        ].join('\n'),
    });
    await stack.start();
    let stderr = '';
    gateway = spawn(
      gatewayHost,
      [
        stack.pty.devicePath,
        `reading:${BP_MONITOR},1810,2A35,ind,${BP_VALUE}`,
        `meter:${GLUCOMETER}`,
        `record:${GLUCOMETER},${glucoseRecord(17)}`,
        `record:${GLUCOMETER},${glucoseRecord(18)}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let received = '';
    gateway.stdout?.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    gateway.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });

    const records = await stack.waitForRecords(3, 40_000);
    await stack.waitForEmptyOutbox();
    // The meter hangs up and advertises again every 2 s: wait for the agent's request after a reconnect.
    const racpRequests = () =>
      [...received.matchAll(/\$WRITE,\d+,A0:11:22:33:44:02,1808,2A52,([0-9A-F]*)\*/g)].map((m) => m[1]);
    for (const deadline = Date.now() + 30_000; racpRequests().length < 2 && Date.now() < deadline; )
      await new Promise((resolve) => setTimeout(resolve, 100));
    // The answer to it (no records) has time to land before the record is read.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await stack.waitForEmptyOutbox();
    const all = stack.records();
    const byKind = (kind: string) => all.filter((r) => r.kind === kind);
    expect(records.length).toBe(3);
    expect(byKind('blood-pressure')).toHaveLength(1);
    expect(byKind('blood-pressure')[0]?.values.map((v) => [v.code, v.value])).toEqual(
      expect.arrayContaining([
        ['8480-6', 120],
        ['8462-4', 80],
      ]),
    );
    expect(byKind('glucose').map((r) => r.device.sequenceNumber)).toEqual([17, 18]);
    // The first request asked for every record, the ones after a reconnect for those after 18.
    const racp = racpRequests();
    expect(racp[0]).toBe('0101');
    expect(racp.length).toBeGreaterThan(1);
    expect(new Set(racp.slice(1))).toEqual(new Set(['0103011300']));
    expect(gateway.exitCode).toBeNull();
    expect(stderr).toBe('');
  }, 90_000);
});
