import type { BloodPressureMeasurement, GlucoseMeasurement } from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { toBytes, toHex, toLatin1 } from '../../bytes.js';
import { createLineSplitter } from '../../framing/index.js';
import { decode } from '../../registry.js';
import { createGatewaySimulator } from '../../simulate/index.js';
import { runDialogue } from '../../testing/index.js';
import {
  crc16,
  createGatewayDialogue,
  encodeGatewayCommand,
  encodeGatewayMessage,
  escapeField,
  type GatewayCommand,
  type GatewayMessage,
  parseGatewayCommand,
  parseGatewayMessage,
  unescapeField,
} from './index.js';

const METER = 'A4:C1:38:00:00:01';
const MONITOR = 'A4:C1:38:00:00:02';

const bp: BloodPressureMeasurement = {
  kind: 'blood-pressure',
  systolic: { value: 142, unit: 'mm[Hg]' },
  diastolic: { value: 91, unit: 'mm[Hg]' },
  meanArterialPressure: { value: 108, unit: 'mm[Hg]' },
  pulseRate: { value: 72, unit: '/min' },
};
const glucose = (
  sequenceNumber: number,
  value: number,
  meal?: GlucoseMeasurement['meal'],
): GlucoseMeasurement => ({
  kind: 'glucose',
  concentration: { value, unit: 'mg/dL' },
  sequenceNumber,
  deviceTime: `2025-09-19T08:1${sequenceNumber}:00`,
  specimen: 'capillary-whole-blood',
  sampleLocation: 'finger',
  ...(meal ? { meal } : {}),
});

describe('gateway line codec', () => {
  it('uses CRC-16/CCITT-FALSE (check value 0x29B1)', () => {
    expect(crc16(toBytes('123456789'))).toBe(0x29b1);
  });

  it('writes and reads every message type', () => {
    const messages: GatewayMessage[] = [
      { type: 'hello', protocolVersion: 1, gatewayId: 'gw-07', firmware: 'esp32 1.2, build 5' },
      { type: 'status', uptimeSeconds: 3600, connected: 1, watched: 3 },
      {
        type: 'advertisement',
        address: METER,
        addressType: 'random',
        rssi: -71,
        name: 'Meter*1',
        services: ['1808', '180a'],
      },
      { type: 'state', address: METER, state: 'disconnected', reason: 'link lost' },
      {
        type: 'notification',
        address: METER,
        service: '1808',
        characteristic: '2a18',
        payload: Uint8Array.of(1, 2, 3),
      },
      {
        type: 'indication',
        address: MONITOR,
        service: '1810',
        characteristic: '2a35',
        payload: new Uint8Array(0),
      },
      { type: 'ok', id: 7 },
      { type: 'error', id: null, code: 'BAD_CHECKSUM', message: 'line 3' },
    ];
    for (const message of messages)
      expect(parseGatewayMessage(encodeGatewayMessage(message))).toEqual(message);
    const commands: GatewayCommand[] = [
      { type: 'ping', id: 1 },
      { type: 'status', id: 2 },
      { type: 'scan', id: 3, seconds: 10 },
      { type: 'connect', id: 4, address: METER, addressType: 'public' },
      {
        type: 'write',
        id: 5,
        address: METER,
        service: '1808',
        characteristic: '2a52',
        payload: Uint8Array.of(1, 1),
      },
      { type: 'disconnect', id: 6, address: METER },
    ];
    for (const command of commands)
      expect(parseGatewayCommand(encodeGatewayCommand(command))).toEqual(command);
  });

  it('writes the documented example lines', () => {
    expect(
      encodeGatewayCommand({
        type: 'write',
        id: 12,
        address: METER,
        service: '1808',
        characteristic: '2a52',
        payload: Uint8Array.of(1, 1),
      }),
    ).toBe(
      `$WRITE,12,${METER},1808,2A52,0101*${crc16(toBytes(`WRITE,12,${METER},1808,2A52,0101`))
        .toString(16)
        .toUpperCase()
        .padStart(4, '0')}\r\n`,
    );
  });

  it('escapes the characters that would break a line', () => {
    expect(escapeField('a,b*c$d%e\n')).toBe('a%2Cb%2Ac%24d%25e%0A');
    expect(unescapeField(escapeField('Timbangan Ibu, 2 ✓'))).toBe('Timbangan Ibu, 2 ✓');
  });

  it('turns a notification into a measurement tagged with the device address', () => {
    const line = encodeGatewayMessage({
      type: 'indication',
      address: MONITOR,
      service: '1810',
      characteristic: '2a35',
      payload: Uint8Array.from([0x00, 0x78, 0x00, 0x50, 0x00, 0x5d, 0x00]),
    });
    expect(decode('ble-gateway', line)).toEqual({
      ok: true,
      measurement: {
        kind: 'blood-pressure',
        systolic: { value: 120, unit: 'mm[Hg]' },
        diastolic: { value: 80, unit: 'mm[Hg]' },
        meanArterialPressure: { value: 93, unit: 'mm[Hg]' },
        extra: { deviceAddress: MONITOR },
      },
    });
  });

  it('rejects corrupted lines, log output and lines without readings with stable codes', () => {
    const line = encodeGatewayMessage({ type: 'ok', id: 1 });
    expect(decode('ble-gateway', line)).toMatchObject({ ok: false, error: { code: 'NOT_A_MEASUREMENT' } });
    expect(decode('ble-gateway', line.replace('OK,1', 'OK,2'))).toMatchObject({
      ok: false,
      error: { code: 'BAD_CHECKSUM' },
    });
    expect(decode('ble-gateway', 'ets Jun  8 2016 00:22:57')).toMatchObject({
      ok: false,
      error: { code: 'BAD_FORMAT' },
    });
    const heartRate = encodeGatewayMessage({
      type: 'notification',
      address: MONITOR,
      service: '180d',
      characteristic: '2a37',
      payload: Uint8Array.of(0, 72),
    });
    expect(decode('ble-gateway', heartRate)).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } });
  });
});

describe('gateway dialogue', () => {
  const simulator = () =>
    createGatewaySimulator({
      devices: [
        { address: MONITOR, measurements: [bp] },
        {
          address: METER,
          glucoseRecords: [glucose(1, 95), glucose(2, 180, 'postprandial'), glucose(3, 101, 'fasting')],
        },
      ],
    });

  it('greets, connects every device, reads a BP monitor and a glucose meter’s records with their context', () => {
    const gateway = simulator();
    const transcript = runDialogue(
      createGatewayDialogue({ devices: [{ address: MONITOR }, { address: METER, records: 'all' }] }),
      gateway,
      createLineSplitter({ delimiter: '\n' }),
    );
    expect(transcript.errors).toEqual([]);
    expect(transcript.measurements).toEqual([
      { ...bp, extra: { deviceAddress: MONITOR } },
      { ...glucose(1, 95), extra: { deviceAddress: METER } },
      { ...glucose(2, 180, 'postprandial'), extra: { deviceAddress: METER } },
      { ...glucose(3, 101, 'fasting'), extra: { deviceAddress: METER } },
    ]);
    expect(transcript.events.map((e) => e.type)).toContain('records-transferred');
    // Each device's Device Information is read (four optional characteristics) before the RACP request.
    expect(gateway.commands.filter((c) => c.type !== 'read').map((c) => c.type)).toEqual([
      'ping',
      'connect',
      'connect',
      'write',
    ]);
    expect(gateway.commands.filter((c) => c.type === 'read')).toHaveLength(8);
    expect(gateway.refusedRacpRequests).toEqual([]);
  });

  it('asks only for newer records on the next connection, and reconnects after a gateway reboot', () => {
    const gateway = simulator();
    const dialogue = createGatewayDialogue({ devices: [{ address: METER, records: 'all' }] });
    const splitter = createLineSplitter({ delimiter: '\n' });
    runDialogue(dialogue, gateway, splitter);
    // The gateway reboots: its HELLO makes the agent register the meter again.
    const afterBoot = gateway
      .boot()
      .flatMap((b) => splitter.push(b))
      .map((frame) => dialogue.onFrame(frame));
    const connect = afterBoot.flatMap((s) => s.write).map(toLatin1);
    expect(connect[0]).toMatch(/^\$CONNECT,\d+,A4:C1:38:00:00:01\*/);
    const replies = connect.flatMap((line) => gateway.onBytes(toBytes(line)));
    const steps = replies.flatMap((b) => splitter.push(b)).map((frame) => dialogue.onFrame(frame));
    const racpWrite = steps.flatMap((s) => s.write).map((w) => parseGatewayCommand(w));
    expect(racpWrite).toMatchObject([{ type: 'write', characteristic: '2a52' }]);
    expect(toHex((racpWrite[0] as { payload: Uint8Array }).payload)).toBe('0103010400');
  });

  it('does not ask a meter again for the records an earlier dialogue on the port handed on (a replugged gateway)', () => {
    const devices = [{ address: METER, records: 'all' as const }];
    const first = runDialogue(
      createGatewayDialogue({ devices }),
      simulator(),
      createLineSplitter({ delimiter: '\n' }),
    );
    expect(first.measurements).toHaveLength(3);
    expect(first.remembered).toEqual({ handedOn: { [METER]: 3 } });
    // The gateway is unplugged and plugged in again: a new port, a new dialogue, a freshly booted gateway.
    const gateway = simulator();
    const second = runDialogue(
      createGatewayDialogue({ devices }, first.remembered),
      gateway,
      createLineSplitter({ delimiter: '\n' }),
    );
    const racp = second.written.map((w) => parseGatewayCommand(w)).filter((c) => c.type === 'write');
    expect(racp.map((c) => toHex((c as { payload: Uint8Array }).payload))).toEqual(['0103010400']);
    expect(second.measurements).toEqual([]);
    expect(second.remembered).toBeUndefined();
  });

  it('remembers only records handed on, and ignores a remembered value that is no sequence number', () => {
    const devices = [{ address: METER, records: 'all' as const }];
    const run = (remembered: unknown) =>
      runDialogue(
        createGatewayDialogue({ devices }, remembered),
        simulator(),
        createLineSplitter({ delimiter: '\n' }),
      );
    expect(run({ handedOn: { [METER]: 70_000 } }).measurements).toHaveLength(3);
    expect(run({ handedOn: { [METER]: '2' } }).measurements).toHaveLength(3);
    expect(
      run({ handedOn: { [METER]: 1 } }).measurements.map((m) => (m as GlucoseMeasurement).sequenceNumber),
    ).toEqual([2, 3]);
  });

  it('connects once when the boot HELLO and the answer to PING arrive together', () => {
    const gateway = simulator();
    const dialogue = createGatewayDialogue({ devices: [{ address: MONITOR }] });
    const splitter = createLineSplitter({ delimiter: '\n' });
    // The gateway has just booted: its HELLO is already on the line when the agent PINGs it.
    const boot = gateway.boot().flatMap((b) => splitter.push(b));
    const ping = dialogue
      .start()
      .write.flatMap((w) => gateway.onBytes(w))
      .flatMap((b) => splitter.push(b));
    const writes = [...boot, ...ping]
      .flatMap((frame) => dialogue.onFrame(frame).write)
      .map((w) => parseGatewayCommand(w));
    expect(writes.filter((c) => c.type === 'connect')).toHaveLength(1);
  });

  it('reports a gateway error against the command that caused it', () => {
    const dialogue = createGatewayDialogue({ devices: [{ address: METER, records: 'all' }] });
    const start = dialogue.start();
    const ping = parseGatewayCommand(start.write[0]!);
    const step = dialogue.onFrame(
      toBytes(encodeGatewayMessage({ type: 'error', id: ping.id, code: 'BUSY', message: 'scanning' })),
    );
    expect(step.errors[0]).toMatchObject({ code: 'DEVICE_ERROR', message: expect.stringContaining('ping') });
  });

  it('gives up on a silent gateway after its PINGs', () => {
    const transcript = runDialogue(
      createGatewayDialogue({ devices: [], pingAttempts: 2 }),
      { onBytes: () => [] },
      createLineSplitter({ delimiter: '\n' }),
    );
    expect(transcript.written).toHaveLength(2);
    expect(transcript.errors.map((e) => e.code)).toEqual(['TIMEOUT']);
    expect(transcript.done).toBe(true);
  });

  it('refuses bad options at once', () => {
    expect(() => createGatewayDialogue({ devices: [{ address: 'not-an-address' }] })).toThrow(RangeError);
  });
});

describe('docs/gateway-protocol.md', () => {
  it('shows example lines that are valid, CRCs included', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../../../../docs/gateway-protocol.md', import.meta.url), 'utf8');
    const lines = doc.split('\n').filter((l) => /^(agent|gateway): +\$/.test(l));
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) {
      const text = line.replace(/^\w+: +/, '');
      if (line.startsWith('agent')) expect(() => parseGatewayCommand(text)).not.toThrow();
      else expect(() => parseGatewayMessage(text)).not.toThrow();
    }
  });

  it('hands a cuff’s pressures while it inflates on as live values, never as readings', () => {
    const gateway = createGatewaySimulator({
      devices: [{ address: MONITOR, cuffPressures: [40, 95, 160], measurements: [bp] }],
    });
    const dialogue = createGatewayDialogue({ devices: [{ address: MONITOR }] });
    const splitter = createLineSplitter({ delimiter: '\n' });
    const live: unknown[] = [];
    const measurements: unknown[] = [];
    let step = dialogue.start();
    for (let i = 0; i < 10 && step.write.length > 0; i++) {
      const answers = step.write.flatMap((bytes) => gateway.onBytes(bytes));
      step = { ...step, write: [] };
      for (const frame of answers.flatMap((a) => splitter.push(a))) {
        const next = dialogue.onFrame(frame);
        live.push(...(next.live ?? []));
        measurements.push(...next.measurements);
        step = { ...next, write: [...step.write, ...next.write] };
      }
    }
    expect(live).toEqual(
      [40, 95, 160].map((value) => ({
        kind: 'blood-pressure',
        name: 'cuffPressure',
        value: { value, unit: 'mm[Hg]' },
        deviceAddress: MONITOR,
      })),
    );
    expect(measurements).toEqual([{ ...bp, extra: { deviceAddress: MONITOR } }]);
  });
});
