import { closeSync, constants, openSync, readSync, writeSync } from 'node:fs';
import {
  encodeGatewayCommand,
  type GatewayCommand,
  type GatewayMessage,
  parseGatewayMessage,
} from '@klinik-desa/devices';
import { createPtyPair } from '@klinik-desa/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildGatewayCore, type GatewayCoreBuild } from '../src/gateway-core-build.js';
import {
  type HostGateway,
  hostMeter,
  racpRequests as racpRequestsTo,
  startHostGateway,
} from '../src/host-gateway.js';
import { Stack } from '../src/stack.js';

// The gateway firmware's C core, built for the host (examples/ble-gateway-esp32, with ASan and
// UBSan) and run as a process on the agent's pty with simulated BLE devices, against the real agent,
// a real broker and the real clinic server: the same check agent-gateway.test.ts makes of the
// TypeScript simulator.
const BP_MONITOR = 'A0:11:22:33:44:01';
const GLUCOMETER = 'A0:11:22:33:44:02';
const SCALE = 'A0:11:22:33:44:03';
const OXIMETER = 'A0:11:22:33:44:04';
// From packages/devices/vectors/gatt.jsonl: bp-basic-mmhg (120/80, MAP 93), weight-si (62.45 kg)
// and glucose-kgl-capillary-finger (110 mg/dL) with its sequence number changed to 17 and 18.
const BP_VALUE = '00780050005d00';
const WEIGHT_VALUE = '00ca30';
// spo2-basic's layout (SpO2 and pulse as SFLOATs, no flags) streamed as continuous measurements.
// A continuous oximeter's values (0x2A5F) while the finger settles, then five that agree: one reading.
const OXIMETRY_VALUES = ['0060004600', '0062004800', ...Array.from({ length: 5 }, () => '0061004400')];
const glucoseRecord = (sequence: number) =>
  `02${sequence.toString(16).padStart(2, '0')}00e9070913080f006eb011`;

let build: GatewayCoreBuild;
let gatewayHost: string;

beforeAll(() => {
  build = buildGatewayCore(['gw_host']);
  gatewayHost = build.program('gw_host');
}, 120_000);

afterAll(() => build?.remove());

const meter = (...sequences: number[]) => hostMeter(GLUCOMETER, sequences.map(glucoseRecord));

/** The RACP requests the agent wrote to the meter, as hex. */
const racpRequests = (gateway: HostGateway) => racpRequestsTo(gateway, GLUCOMETER);

async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !done() && Date.now() < deadline; )
    await new Promise((resolve) => setTimeout(resolve, 100));
}

function gatewayStack(): Stack {
  return new Stack({
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
        `        - { address: "${SCALE}" }`,
        `        - { address: "${OXIMETER}" }`,
      ].join('\n'),
  });
}

describe('BLE health devices through the firmware core on the host', () => {
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

  it('takes a BP reading, a weight, an oximeter stream and a glucometer memory once, also after the meter reconnects', async () => {
    stack = await gatewayStack().start();
    const gateway = start(stack.pty.devicePath, [
      `reading:${BP_MONITOR},1810,2A35,ind,${BP_VALUE}`,
      `reading:${SCALE},181D,2A9D,ind,${WEIGHT_VALUE}`,
      ...OXIMETRY_VALUES.map((value) => `reading:${OXIMETER},1822,2A5F,ntf,${value}`),
      ...meter(17, 18),
    ]);

    const records = await stack.waitForRecords(5, 40_000);
    await stack.waitForEmptyOutbox();
    // The meter hangs up and advertises again every 2 s: wait for the agent's request after a reconnect.
    await until(() => racpRequests(gateway).length >= 2, 30_000);
    // The answer to it (no records) has time to land before the record is read.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await stack.waitForEmptyOutbox();
    const all = stack.records();
    const byKind = (kind: string) => all.filter((r) => r.kind === kind);
    expect(records.length).toBe(5);
    expect(byKind('pulse-oximetry').map((r) => r.values.map((v) => v.value))).toEqual([[97, 68]]);
    expect(byKind('weight').map((r) => r.values.map((v) => v.value))).toEqual([[62.45]]);
    expect(byKind('blood-pressure')).toHaveLength(1);
    expect(byKind('blood-pressure')[0]?.values.map((v) => [v.code, v.value])).toEqual(
      expect.arrayContaining([
        ['8480-6', 120],
        ['8462-4', 80],
      ]),
    );
    expect(byKind('glucose').map((r) => r.device.sequenceNumber)).toEqual([17, 18]);
    // The first request asked for every record, the ones after a reconnect for those after 18.
    const racp = racpRequests(gateway);
    expect(racp[0]).toBe('0101');
    expect(racp.length).toBeGreaterThan(1);
    expect(new Set(racp.slice(1))).toEqual(new Set(['0103011300']));
    expect(gateway.process.exitCode).toBeNull();
    expect(gateway.stderr()).toBe('');
  }, 90_000);

  it('survives a gateway that reboots after sending garbage, and fetches only the new record', async () => {
    stack = await gatewayStack().start();
    const first = start(stack.pty.devicePath, meter(17, 18));
    await stack.waitForRecords(2, 40_000);
    await first.stop();

    // Garbage on the line while the gateway is down: an overlong line, a damaged one, noise, a log line.
    stack.write(`$NTF,${'A'.repeat(1500)}\r\n`);
    stack.write('$OK,3*0000\r\n');
    stack.write(Buffer.from([0x00, 0xff, 0x24, 0x0d, 0x0a, 0x80, 0x0a]));
    stack.write('rst:0x1 (POWERON_RESET),boot:0xc (SPI_FAST_FLASH_BOOT)\r\n');
    // Rebooted, it has forgotten every registration; the meter took one more reading meanwhile.
    const second = start(stack.pty.devicePath, meter(17, 18, 19));
    await until(() => racpRequests(second).length >= 1, 30_000);
    const records = await stack.waitForRecords(3, 40_000);
    await stack.waitForEmptyOutbox();
    expect(records.map((r) => r.device.sequenceNumber)).toEqual([17, 18, 19]);
    expect(racpRequests(second)[0]).toBe('0103011300');
    expect(first.stderr() + second.stderr()).toBe('');
  }, 90_000);
});

/** The agent's end of a pty, spoken to with the agent's own codec: commands out, parsed lines in. */
function agentLink(path: string) {
  const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOCTTY);
  const messages: GatewayMessage[] = [];
  let pending = '';
  const buffer = Buffer.alloc(4096);
  const pump = () => {
    for (;;) {
      let n = 0;
      try {
        n = readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      }
      if (n <= 0) return;
      pending += buffer.subarray(0, n).toString('latin1');
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
        const line = pending.slice(0, end + 1);
        pending = pending.slice(end + 1);
        if (line.startsWith('$')) messages.push(parseGatewayMessage(line));
      }
    }
  };
  return {
    messages,
    send: (command: GatewayCommand) => writeSync(fd, encodeGatewayCommand(command)),
    /** Waits for a message, and returns the first that matches. */
    async next<T extends GatewayMessage>(
      match: (m: GatewayMessage) => m is T,
      timeoutMs = 5_000,
    ): Promise<T> {
      for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
        pump();
        const found = messages.find(match);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`no such gateway line within ${timeoutMs} ms; got ${JSON.stringify(messages)}`);
    },
    close: () => closeSync(fd),
  };
}

const THERM = 'A0:11:22:33:44:05';
const THERM_SERVICE = '7b3a0001-5c1e-4d2b-9f00-4b4450000001';
const THERM_MEASUREMENT = '7b3a0002-5c1e-4d2b-9f00-4b4450000001';
// bp-basic-mmhg with its time-stamp flag and a time stamp (2025-12-08 10:00:00) the device's clock rewrites.
const STAMPED_BP_VALUE = '02780050005d00e9070c080a0000';

describe('the host gateway on a pty, spoken to with the agent codec', () => {
  it('scans, subscribes to a vendor thermometer, reads Device Information and sets a device clock', async () => {
    const pty = await createPtyPair('gw-host');
    const gateway = startHostGateway(gatewayHost, pty.devicePath, [
      `vendor-therm:${THERM},3652`,
      `info:${THERM},Klinik Desa,KD-Therm V1,T-0001,`,
      ...[1, 2, 3].map(() => `reading:${BP_MONITOR},1810,2A35,ind,${STAMPED_BP_VALUE}`),
      `clock:${BP_MONITOR},2020-01-01T00:00:00`,
    ]);
    const link = agentLink(pty.agentPath);
    try {
      const is =
        <K extends GatewayMessage['type']>(type: K, test: (m: GatewayMessage & { type: K }) => boolean) =>
        (m: GatewayMessage): m is GatewayMessage & { type: K } =>
          m.type === type && test(m as GatewayMessage & { type: K });
      link.send({ type: 'scan', id: 1, seconds: 1 });
      link.send({ type: 'scan', id: 2, seconds: 2 });
      expect((await link.next(is('error', (m) => m.id === 2))).code).toBe('BUSY');
      const therm = await link.next(is('advertisement', (m) => m.address === THERM));
      expect(therm).toMatchObject({ name: 'KD-Therm V1', services: [THERM_SERVICE] });
      expect(therm.rssi).toBeLessThan(0);
      await link.next(is('advertisement', (m) => m.address === BP_MONITOR && m.services[0] === '1810'));
      await link.next(is('ok', (m) => m.id === 1));

      const connected = (address: string) =>
        is('state', (m) => m.address === address && m.state === 'connected');
      link.send({ type: 'connect', id: 3, address: THERM });
      link.send({
        type: 'subscribe',
        id: 4,
        address: THERM,
        service: THERM_SERVICE,
        characteristic: THERM_MEASUREMENT,
      });
      await link.next(is('ok', (m) => m.id === 4));
      await link.next(connected(THERM));
      link.send({ type: 'read', id: 5, address: THERM, service: '180a', characteristic: '2a24' });
      const model = await link.next(is('value', (m) => m.characteristic === '2a24'));
      expect(Buffer.from(model.payload).toString()).toBe('KD-Therm V1');
      await link.next(is('ok', (m) => m.id === 5));
      link.send({ type: 'read', id: 6, address: THERM, service: '180a', characteristic: '2a26' });
      expect((await link.next(is('error', (m) => m.id === 6))).code).toBe('NOT_FOUND');
      const frame = await link.next(is('notification', (m) => m.characteristic === THERM_MEASUREMENT));
      // 0xA5, forehead, 36.52 °C, sequence 1, battery 90, XOR of the seven bytes before.
      const bytes = [0xa5, 0x00, 0x44, 0x0e, 0x01, 0x00, 90];
      expect([...frame.payload]).toEqual([...bytes, bytes.reduce((a, b) => a ^ b)]);

      link.send({ type: 'connect', id: 7, address: BP_MONITOR });
      await link.next(connected(BP_MONITOR));
      // The device's clock is wrong (it started at 2020-01-01 00:00:00)...
      link.send({ type: 'read', id: 9, address: BP_MONITOR, service: '1805', characteristic: '2a2b' });
      const before = await link.next(is('value', (m) => m.address === BP_MONITOR));
      expect(Buffer.from(before.payload).toString('hex').slice(0, 8)).toBe('e4070101');
      // ...until the agent sets it: 2026-12-08 09:30:00, a Tuesday, "manual time update": what the agent writes from its clock.
      const time = Buffer.from([0xea, 0x07, 12, 8, 9, 30, 0, 2, 0, 1]);
      link.send({
        type: 'write',
        id: 8,
        address: BP_MONITOR,
        service: '1805',
        characteristic: '2a2b',
        payload: time,
      });
      await link.next(is('ok', (m) => m.id === 8));
      await link.next(is('state', (m) => m.address === BP_MONITOR && m.state === 'disconnected'));
      const readings = link.messages.filter(
        (m): m is GatewayMessage & { type: 'indication' } =>
          m.type === 'indication' && m.address === BP_MONITOR,
      );
      expect(readings).toHaveLength(3);
      // The last reading went out with the clock just set.
      expect(
        Buffer.from(readings[2]?.payload ?? [])
          .toString('hex')
          .slice(14),
      ).toBe('ea070c08091e00');
      expect(gateway.stderr()).toBe('');
    } finally {
      link.close();
      await gateway.stop();
      await pty.close();
    }
  }, 30_000);
});
