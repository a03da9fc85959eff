import type { BloodPressureMeasurement, GlucoseMeasurement } from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { toBytes, toHex } from '../../bytes.js';
import type { DialogueStep } from '../../driver.js';
import { createLineSplitter } from '../../framing/index.js';
import { decodeCharacteristic } from '../../gatt/characteristics.js';
import { encodeGlucoseMeasurement } from '../../gatt/glucose.js';
import { createGatewaySimulator, type SimulatedBleDevice } from '../../simulate/index.js';
import {
  createGatewayDialogue,
  type DeviceIdentity,
  decodeCurrentTime,
  encodeCurrentTime,
  encodeGatewayCommand,
  encodeGatewayMessage,
  type GatewayCommand,
  type GatewayDialogueOptions,
  type GatewayMessage,
  IDENTITY_HOLD_MS,
  parseGatewayCommand,
  parseGatewayMessage,
} from './index.js';

const MONITOR = 'A4:C1:38:00:00:02';
const METER = 'A4:C1:38:00:00:01';
const PLAIN = 'A4:C1:38:00:00:03';
// 2026-12-08 08:30:15 in Jakarta (UTC+7), a Tuesday.
const KIOSK_MS = Date.UTC(2026, 11, 8, 1, 30, 15);

const bp: BloodPressureMeasurement = {
  kind: 'blood-pressure',
  systolic: { value: 128, unit: 'mm[Hg]' },
  diastolic: { value: 84, unit: 'mm[Hg]' },
  meanArterialPressure: { value: 99, unit: 'mm[Hg]' },
  deviceTime: '2024-01-01T00:00:00',
};
const record: GlucoseMeasurement = {
  kind: 'glucose',
  concentration: { value: 104, unit: 'mg/dL' },
  sequenceNumber: 1,
  deviceTime: '2026-12-07T07:10:00',
  specimen: 'capillary-whole-blood',
  sampleLocation: 'finger',
};
const omron: DeviceIdentity = {
  manufacturer: 'OMRON HEALTHCARE',
  model: 'HEM-7143T1',
  serialNumber: '20231104 0042',
  firmware: '1.02',
};

interface Run {
  steps: DialogueStep[];
  /** Every line the gateway sent, parsed. */
  heard: GatewayMessage[];
  gateway: ReturnType<typeof createGatewaySimulator>;
  /** Advances the dialogue's monotonic clock. */
  clock: { ms: number };
}

/**
 * Drives the dialogue against a gateway whose devices answer only when the line is otherwise quiet
 * (`deferAnswers`): a second operation to a busy device would be answered BUSY, so a run without
 * BUSY shows the dialogue waited for each answer.
 */
function run(
  devices: SimulatedBleDevice[],
  options: Omit<GatewayDialogueOptions, 'kioskTime'> & { kioskTime?: (() => number) | null },
): Run {
  const gateway = createGatewaySimulator({ devices, deferAnswers: true, now: () => 0 });
  const clock = { ms: 0 };
  const { kioskTime = () => KIOSK_MS, ...rest } = options;
  const dialogue = createGatewayDialogue({
    monotonic: () => clock.ms,
    ...rest,
    ...(kioskTime ? { kioskTime } : {}),
  });
  const splitter = createLineSplitter({ delimiter: '\n' });
  const steps: DialogueStep[] = [];
  const heard: GatewayMessage[] = [];
  let writes = dialogue.start().write;
  for (let round = 0; round < 200; round++) {
    let incoming = writes.flatMap((bytes) => gateway.onBytes(bytes));
    if (incoming.length === 0) incoming = gateway.settle();
    if (incoming.length === 0) break;
    writes = [];
    for (const frame of incoming.flatMap((bytes) => splitter.push(bytes))) {
      heard.push(parseGatewayMessage(frame));
      const step = dialogue.onFrame(frame);
      steps.push(step);
      writes.push(...step.write);
    }
  }
  return { steps, heard, gateway, clock };
}

const of = (r: Run) => ({
  measurements: r.steps.flatMap((s) => s.measurements),
  errors: r.steps.flatMap((s) => s.errors),
  events: r.steps.flatMap((s) => s.events),
});

function operations(commands: readonly GatewayCommand[], address: string): string[] {
  return commands.flatMap((c) =>
    (c.type === 'read' || c.type === 'write') && c.address === address
      ? [`${c.type} ${c.service}/${c.characteristic}`]
      : [],
  );
}

describe('after a device behind the gateway connects', () => {
  const withEverything: SimulatedBleDevice[] = [
    { address: MONITOR, measurements: [bp], information: omron, currentTimeService: true },
    {
      address: METER,
      glucoseRecords: [record],
      information: { manufacturer: 'Roche', model: 'Guide' },
      currentTimeService: true,
    },
  ];

  it('reads its identity, then asks for its records, then sets its clock, one operation at a time', () => {
    const r = run(withEverything, { devices: [{ address: MONITOR }, { address: METER, records: 'all' }] });
    const dis = ['read 180a/2a29', 'read 180a/2a24', 'read 180a/2a25', 'read 180a/2a26'];
    expect(operations(r.gateway.commands, MONITOR)).toEqual([...dis, 'write 1805/2a2b']);
    expect(operations(r.gateway.commands, METER)).toEqual([...dis, 'write 1808/2a52', 'write 1805/2a2b']);
    // The deferring gateway answers BUSY to a second outstanding operation: it never had to.
    expect(r.heard.filter((m) => m.type === 'error')).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND' }),
      expect.objectContaining({ code: 'NOT_FOUND' }),
    ]);
    expect(of(r).errors).toEqual([]);
    // The meter's clock write went out on the RACP response that ended its transfer, not on the
    // RACP write's OK (steps and heard lines pair up one to one).
    const clockStep = r.steps.findIndex((s) =>
      s.write.some((w) => {
        const c = parseGatewayCommand(w);
        return c.type === 'write' && c.address === METER && c.characteristic === '2a2b';
      }),
    );
    expect(r.heard[clockStep]).toMatchObject({ type: 'indication', address: METER, characteristic: '2a52' });
    expect(r.gateway.clockWrites.map((w) => [w.address, w.localTime])).toEqual([
      [MONITOR, '2026-12-08T08:30:15'],
      [METER, '2026-12-08T08:30:15'],
    ]);
  });

  it('holds the readings the device sends at once until its identity is read, and they carry it', () => {
    const r = run(withEverything, { devices: [{ address: MONITOR }, { address: METER, records: 'all' }] });
    const { measurements, events } = of(r);
    expect(measurements).toEqual([
      {
        ...bp,
        extra: {
          deviceAddress: MONITOR,
          deviceManufacturer: 'OMRON HEALTHCARE',
          deviceModel: 'HEM-7143T1',
          deviceSerialNumber: '20231104 0042',
          deviceFirmware: '1.02',
        },
      },
      { ...record, extra: { deviceAddress: METER, deviceManufacturer: 'Roche', deviceModel: 'Guide' } },
    ]);
    // The BP reading arrived with STATE connected but went on only after the fourth READ's answer.
    const released = r.steps.findIndex((s) => s.measurements.length > 0);
    const identified = r.steps.findIndex((s) => s.events.some((e) => e.type === 'device-identified'));
    expect(released).toBe(identified);
    expect(events.filter((e) => e.type === 'device-clock')).toEqual([
      {
        type: 'device-clock',
        detail: { address: MONITOR, state: 'set', at: new Date(KIOSK_MS).toISOString() },
      },
      {
        type: 'device-clock',
        detail: { address: METER, state: 'set', at: new Date(KIOSK_MS).toISOString() },
      },
    ]);
  });

  it('lets held readings go on without the identity after 3 s when the reads do not end', () => {
    const gateway = createGatewaySimulator({
      devices: [{ address: MONITOR, measurements: [bp], information: omron }],
      deferAnswers: true,
    });
    const clock = { ms: 1_000 };
    const dialogue = createGatewayDialogue({ devices: [{ address: MONITOR }], monotonic: () => clock.ms });
    const splitter = createLineSplitter({ delimiter: '\n' });
    const feed = (bytes: Uint8Array[]) =>
      bytes.flatMap((b) => splitter.push(b)).map((frame) => dialogue.onFrame(frame));
    const hello = feed(dialogue.start().write.flatMap((w) => gateway.onBytes(w)));
    // The first READ is owed by the device and never settled: the device is slow to answer.
    const connected = feed(hello.flatMap((s) => s.write).flatMap((w) => gateway.onBytes(w)));
    feed(connected.flatMap((s) => s.write).flatMap((w) => gateway.onBytes(w)));
    expect(connected.flatMap((s) => s.measurements)).toEqual([]);
    expect(connected.at(-1)?.timeoutMs).toBe(IDENTITY_HOLD_MS);
    clock.ms += 1_000;
    const early = dialogue.onTimeout();
    expect(early.measurements).toEqual([]);
    expect(early.timeoutMs).toBe(IDENTITY_HOLD_MS - 1_000);
    clock.ms += 2_000;
    expect(dialogue.onTimeout().measurements).toEqual([{ ...bp, extra: { deviceAddress: MONITOR } }]);
  });

  it('reads each address once per run, also across dialogues given the same identities', () => {
    const identities = new Map<string, DeviceIdentity>();
    const devices = [{ address: MONITOR, measurements: [bp], information: omron, currentTimeService: true }];
    run(devices, { devices: [{ address: MONITOR }], identities });
    expect(identities.get(MONITOR)).toEqual(omron);
    const again = run(devices, { devices: [{ address: MONITOR }], identities });
    expect(operations(again.gateway.commands, MONITOR)).toEqual(['write 1805/2a2b']);
    // Known already: the reading goes on at once, with the identity.
    expect(again.steps.find((s) => s.measurements.length > 0)?.measurements[0]?.extra).toMatchObject({
      deviceModel: 'HEM-7143T1',
    });
  });

  it('takes NOT_FOUND for Device Information and the clock as normal: a plain device still delivers', () => {
    const r = run([{ address: PLAIN, measurements: [bp] }], { devices: [{ address: PLAIN }] });
    const { measurements, errors, events } = of(r);
    expect(errors).toEqual([]);
    expect(measurements).toEqual([{ ...bp, extra: { deviceAddress: PLAIN } }]);
    expect(events.filter((e) => e.type.startsWith('device-') && e.type !== 'device-connecting')).toEqual([
      { type: 'device-connected', detail: { address: PLAIN, state: 'connected' } },
      { type: 'device-identified', detail: { address: PLAIN } },
      { type: 'device-clock', detail: { address: PLAIN, state: 'unsupported' } },
    ]);
    expect(r.gateway.clockWrites).toEqual([]);
  });

  it('sets no clock when the agent hands in no kiosk time', () => {
    const r = run([{ address: PLAIN, currentTimeService: true }], {
      devices: [{ address: PLAIN }],
      kioskTime: null,
    });
    expect(operations(r.gateway.commands, PLAIN).filter((o) => o.startsWith('write'))).toEqual([]);
  });

  it('refuses a Device Information string with control characters, and keeps the rest', () => {
    const r = run(
      [{ address: MONITOR, measurements: [bp], information: { model: 'BP\u0007X', serialNumber: 'SN-1' } }],
      { devices: [{ address: MONITOR }] },
    );
    expect(of(r).errors.map((e) => [e.code, e.message])).toEqual([
      ['BAD_FORMAT', 'ble-gateway: Device Information 0x2A24 has control characters'],
    ]);
    expect(of(r).measurements[0]?.extra).toEqual({ deviceAddress: MONITOR, deviceSerialNumber: 'SN-1' });
  });

  it('does not read again after the gateway reboots, and sets the clock on every connection', () => {
    const gateway = createGatewaySimulator({
      devices: [{ address: MONITOR, measurements: [bp], information: omron, currentTimeService: true }],
    });
    const dialogue = createGatewayDialogue({ devices: [{ address: MONITOR }], kioskTime: () => KIOSK_MS });
    const splitter = createLineSplitter({ delimiter: '\n' });
    const pump = (bytes: Uint8Array[]): DialogueStep[] => {
      const steps = bytes.flatMap((b) => splitter.push(b)).map((f) => dialogue.onFrame(f));
      const writes = steps.flatMap((s) => s.write);
      return writes.length === 0 ? steps : [...steps, ...pump(writes.flatMap((w) => gateway.onBytes(w)))];
    };
    pump(dialogue.start().write.flatMap((w) => gateway.onBytes(w)));
    pump(gateway.boot());
    expect(operations(gateway.commands, MONITOR)).toEqual([
      'read 180a/2a29',
      'read 180a/2a24',
      'read 180a/2a25',
      'read 180a/2a26',
      'write 1805/2a2b',
      'write 1805/2a2b',
    ]);
  });

  it('lets a device that drops out while its identity is read hand on the reading it sent', () => {
    const dialogue = createGatewayDialogue({ devices: [{ address: METER }] });
    dialogue.start();
    const line = (m: GatewayMessage) => toBytes(encodeGatewayMessage(m));
    dialogue.onFrame(line({ type: 'hello', protocolVersion: 1, gatewayId: 'g', firmware: 'f' }));
    const connected = dialogue.onFrame(line({ type: 'state', address: METER, state: 'connected' }));
    expect(connected.write.map((w) => parseGatewayCommand(w).type)).toEqual(['read']);
    const payload = encodeGlucoseMeasurement(record, { contextFollows: false });
    const notification = {
      type: 'notification',
      address: METER,
      service: '1808',
      characteristic: '2a18',
      payload,
    };
    expect(dialogue.onFrame(line(notification as GatewayMessage)).measurements).toEqual([]);
    const lost = dialogue.onFrame(line({ type: 'state', address: METER, state: 'disconnected' }));
    expect(lost.measurements).toEqual([{ ...record, extra: { deviceAddress: METER } }]);
  });
});

describe('a gateway older than READ', () => {
  it('answers READ with BAD_COMMAND: no more reads, the reading goes on with its address, the clock is still set', () => {
    const dialogue = createGatewayDialogue({ devices: [{ address: MONITOR }], kioskTime: () => KIOSK_MS });
    const line = (m: GatewayMessage) => toBytes(encodeGatewayMessage(m));
    dialogue.start();
    dialogue.onFrame(line({ type: 'hello', protocolVersion: 1, gatewayId: 'g', firmware: 'f' }));
    const read = parseGatewayCommand(
      dialogue.onFrame(line({ type: 'state', address: MONITOR, state: 'connected' })).write[0]!,
    );
    const payload = Uint8Array.from([0x00, 0x80, 0x00, 0x54, 0x00, 0x63, 0x00]);
    const indication = {
      type: 'indication',
      address: MONITOR,
      service: '1810',
      characteristic: '2a35',
      payload,
    };
    expect(dialogue.onFrame(line(indication as GatewayMessage)).measurements).toEqual([]);
    const refused = dialogue.onFrame(
      line({ type: 'error', id: read.id, code: 'BAD_COMMAND', message: 'unknown command "READ"' }),
    );
    expect(refused.errors).toEqual([]);
    expect(refused.measurements).toMatchObject([
      { kind: 'blood-pressure', extra: { deviceAddress: MONITOR } },
    ]);
    expect(refused.write.map((w) => parseGatewayCommand(w))).toMatchObject([
      { type: 'write', service: '1805', characteristic: '2a2b' },
    ]);
  });
});

describe('Current Time 0x2A2B', () => {
  it('writes the clinic zone’s wall clock with the day of week and "manual update"', () => {
    expect(toHex(encodeCurrentTime(KIOSK_MS, 'Asia/Jakarta'))).toBe('ea070c08081e0f020001');
    // Makassar (WITA) is an hour ahead of Jakarta; Jayapura (WIT) two.
    expect(decodeCurrentTime(encodeCurrentTime(KIOSK_MS, 'Asia/Makassar')).localTime).toBe(
      '2026-12-08T09:30:15',
    );
    expect(decodeCurrentTime(encodeCurrentTime(KIOSK_MS, 'Asia/Jayapura')).localTime).toBe(
      '2026-12-08T10:30:15',
    );
  });

  it('is refused by a device when it is not a real time', () => {
    const good = encodeCurrentTime(KIOSK_MS, 'Asia/Jakarta');
    const bad = (i: number, v: number) => Uint8Array.from(good, (b, j) => (j === i ? v : b));
    expect(() => decodeCurrentTime(good.subarray(0, 9))).toThrow('9 bytes, expected 10');
    expect(() => decodeCurrentTime(bad(2, 13))).toThrow('month 13');
    expect(() => decodeCurrentTime(bad(3, 32))).toThrow('day 32 is not in 2026-12');
    expect(() => decodeCurrentTime(bad(4, 24))).toThrow('not a time of day');
    expect(() => decodeCurrentTime(bad(7, 3))).toThrow('day of week 3');
  });
});

describe('the gateway simulator’s device operations', () => {
  const answers = (sim: ReturnType<typeof createGatewaySimulator>, command: GatewayCommand) =>
    sim.onBytes(toBytes(encodeGatewayCommand(command))).map((l) => parseGatewayMessage(l));

  it('answers NOT_FOUND for a characteristic the device lacks, for READ and WRITE alike', () => {
    const sim = createGatewaySimulator({ devices: [{ address: PLAIN }] });
    answers(sim, { type: 'connect', id: 1, address: PLAIN });
    expect(
      answers(sim, { type: 'read', id: 2, address: PLAIN, service: '180a', characteristic: '2a25' }),
    ).toEqual([{ type: 'error', id: 2, code: 'NOT_FOUND', message: '180A/2A25 not on the device' }]);
    const time = encodeCurrentTime(KIOSK_MS, 'Asia/Jakarta');
    expect(
      answers(sim, {
        type: 'write',
        id: 3,
        address: PLAIN,
        service: '1805',
        characteristic: '2a2b',
        payload: time,
      }),
    ).toEqual([{ type: 'error', id: 3, code: 'NOT_FOUND', message: '1805/2A2B not on the device' }]);
  });

  it('answers BUSY to a second operation while the first waits, and takes the next once answered', () => {
    const sim = createGatewaySimulator({
      devices: [{ address: MONITOR, information: omron }],
      deferAnswers: true,
    });
    answers(sim, { type: 'connect', id: 1, address: MONITOR });
    const read = (id: number): GatewayCommand => ({
      type: 'read',
      id,
      address: MONITOR,
      service: '180a',
      characteristic: '2a24',
    });
    expect(answers(sim, read(2))).toEqual([]);
    expect(answers(sim, read(3))).toMatchObject([{ type: 'error', id: 3, code: 'BUSY' }]);
    expect(sim.settle().map((l) => parseGatewayMessage(l))).toMatchObject([
      { type: 'value', characteristic: '2a24', payload: new TextEncoder().encode('HEM-7143T1') },
      { type: 'ok', id: 2 },
    ]);
    expect(answers(sim, read(4))).toEqual([]);
  });

  it('takes a valid Current Time write, refuses a bad one, and stamps later readings from that clock', () => {
    let now = 0;
    const sim = createGatewaySimulator({
      devices: [{ address: MONITOR, measurements: [bp], currentTimeService: true }],
      now: () => now,
    });
    answers(sim, { type: 'connect', id: 1, address: MONITOR });
    const write = (id: number, payload: Uint8Array): GatewayCommand => ({
      type: 'write',
      id,
      address: MONITOR,
      service: '1805',
      characteristic: '2a2b',
      payload,
    });
    expect(answers(sim, write(2, Uint8Array.of(1, 2, 3)))).toMatchObject([
      { type: 'error', id: 2, code: 'GATT_ERROR', message: expect.stringContaining('ATT error 0x80') },
    ]);
    expect(answers(sim, write(3, encodeCurrentTime(KIOSK_MS, 'Asia/Jakarta')))).toEqual([
      { type: 'ok', id: 3 },
    ]);
    expect(sim.clockWrites.map((w) => w.localTime)).toEqual(['2026-12-08T08:30:15']);
    now += 65_000;
    answers(sim, { type: 'disconnect', id: 4, address: MONITOR });
    const again = answers(sim, { type: 'connect', id: 5, address: MONITOR });
    const reading = again.find((m) => m.type === 'indication');
    if (reading?.type !== 'indication') throw new Error('no reading on reconnection');
    // Set to 08:30:15 and 65 s later: the device's clock, not the time the reading was first made.
    expect(decodeCharacteristic('2a35', reading.payload)).toMatchObject({
      measurement: { deviceTime: '2026-12-08T08:31:20' },
    });
  });
});
