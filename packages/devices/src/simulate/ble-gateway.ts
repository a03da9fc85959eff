import type { DeviceMeasurement, GlucoseMeasurement } from '@klinik-desa/protocol';
import { toBytes } from '../bytes.js';
import { EncodeError, isDecodeError } from '../errors.js';
import { encodeBloodPressure } from '../gatt/blood-pressure.js';
import { GATT_MEASUREMENT_SOURCES } from '../gatt/characteristics.js';
import { encodeGlucoseContext, encodeGlucoseMeasurement } from '../gatt/glucose.js';
import { decodeRacp, racpNumberOfRecordsResponse, racpResponseCode } from '../gatt/racp.js';
import {
  ADDRESS,
  answerToBadCommandLine,
  encodeGatewayMessage,
  GATEWAY_PROTOCOL_VERSION,
  type GatewayCommand,
  type GatewayMessage,
  parseGatewayCommand,
} from '../protocols/ble-gateway/index.js';
import {
  answerOperation,
  busy,
  type ClockWrite,
  SimulatedDeviceClock,
  type SimulatedDeviceServices,
} from './ble-device-services.js';
import { createCommandLineSplitter } from './gateway-command-lines.js';
import { measurementEncoderFor } from './gatt.js';
import type { DeviceSimulation } from './simulation.js';
import { type SimulatedVendorService, VendorDeviceState } from './vendor-device.js';

const ID = 'ble-gateway';

/** Used by the simulator when a measurement carries no `extra.deviceAddress`. */
export const SIMULATED_DEVICE_ADDRESS = 'C0:FF:EE:00:00:01';

const out = (message: GatewayMessage) => toBytes(encodeGatewayMessage(message));

/** The notification line a gateway relays for this measurement, from the BLE device that took it. */
function encode(measurement: DeviceMeasurement): Uint8Array {
  const source =
    measurement.kind === 'pulse-oximetry' && measurement.extra?.['continuous'] === true
      ? { service: '1822', characteristic: '2a5f', indication: false }
      : GATT_MEASUREMENT_SOURCES[measurement.kind];
  if (!source) throw new EncodeError('WRONG_KIND', ID, `no GATT characteristic carries ${measurement.kind}`);
  const { deviceAddress, ...rest } = measurement.extra ?? {};
  const bare: DeviceMeasurement = { ...measurement };
  if (Object.keys(rest).length > 0) bare.extra = rest;
  else delete bare.extra;
  const payload = measurementEncoderFor(source.characteristic)!(bare);
  const target =
    typeof deviceAddress === 'string' && ADDRESS.test(deviceAddress)
      ? deviceAddress.toUpperCase()
      : SIMULATED_DEVICE_ADDRESS;
  return toBytes(
    encodeGatewayMessage({
      type: source.indication ? 'indication' : 'notification',
      address: target,
      service: source.service,
      characteristic: source.characteristic,
      payload,
    }),
  );
}

/** The address of the BLE device a gateway simulated by `kiosk-agent simulate` carries. */
export const SIMULATED_BLE_ADDRESS = 'A0:11:22:33:44:01';

export interface SimulatedBleDevice extends SimulatedDeviceServices {
  /** `AA:BB:CC:DD:EE:FF`. */
  address: string;
  name?: string;
  /** Sent as notifications or indications each time the device connects (a BP monitor's or a scale's reading). */
  measurements?: readonly DeviceMeasurement[];
  /** A glucose meter's memory, handed over on a RACP request; records with a meal get a 0x2A34 context. */
  glucoseRecords?: readonly GlucoseMeasurement[];
  /** A BP monitor's cuff pressures (mmHg) while it inflates, notified on 0x2A36 before its measurements. */
  cuffPressures?: readonly number[];
  /** A device that speaks its own GATT service: it measures when the agent writes its command characteristic. */
  vendor?: SimulatedVendorService;
}

/** The 0x2A36 notification of a cuff pressure: a BP measurement whose other pressures are NaN. */
function cuffLine(address: string, mmHg: number): Uint8Array {
  const nan = { value: null, unit: 'mm[Hg]', missing: 'nan' } as const;
  const payload = encodeBloodPressure(
    { kind: 'blood-pressure', systolic: { value: mmHg, unit: 'mm[Hg]' }, diastolic: nan },
    'gatt-2a36',
  );
  return out({ type: 'notification', address, service: '1810', characteristic: '2a36', payload });
}

/**
 * A WRITE to a device: only a glucose meter's RACP (0x2A52) takes one. Reading and counting records
 * are answered; anything else (deleting records) is refused and kept in `refused`.
 */
function answerWrite(
  command: Extract<GatewayCommand, { type: 'write' }>,
  device: SimulatedBleDevice | undefined,
  connected: ReadonlySet<string>,
  refused: Uint8Array[],
): Uint8Array[] {
  const ok = out({ type: 'ok', id: command.id });
  if (!device || !connected.has(command.address)) {
    return [out({ type: 'error', id: command.id, code: 'NOT_CONNECTED', message: command.address })];
  }
  if (command.characteristic !== '2a52' || !device.glucoseRecords) {
    // A characteristic the device has but does not let anyone write (a Device Information string).
    return [out({ type: 'error', id: command.id, code: 'GATT_ERROR', message: 'write not permitted' })];
  }
  let request: ReturnType<typeof decodeRacp>;
  try {
    request = decodeRacp(command.payload);
  } catch (error) {
    if (!isDecodeError(error)) throw error;
    return [out({ type: 'error', id: command.id, code: 'GATT_ERROR', message: 'bad RACP request' })];
  }
  const indicate = (payload: Uint8Array) =>
    out({
      type: 'indication',
      address: command.address,
      service: '1808',
      characteristic: '2a52',
      payload,
    });
  if (request.type !== 'report-stored-records' && request.type !== 'report-number-of-records') {
    refused.push(command.payload);
    return [ok, indicate(racpResponseCode(command.payload[0] ?? 0, 'op-code-not-supported'))];
  }
  const selection = request.selection;
  const records = device.glucoseRecords.filter(
    (r) => selection.records === 'all' || (r.sequenceNumber ?? 0) >= selection.sequenceNumber,
  );
  if (request.type === 'report-number-of-records')
    return [ok, indicate(racpNumberOfRecordsResponse(records.length))];
  const lines = [ok];
  for (const record of records) {
    const notify = (characteristic: string, payload: Uint8Array) =>
      out({ type: 'notification', address: command.address, service: '1808', characteristic, payload });
    lines.push(
      notify('2a18', encodeGlucoseMeasurement(record, { contextFollows: record.meal !== undefined })),
    );
    if (record.meal !== undefined) {
      lines.push(
        notify(
          '2a34',
          encodeGlucoseContext({ sequenceNumber: record.sequenceNumber ?? 0, meal: record.meal }),
        ),
      );
    }
  }
  lines.push(indicate(racpResponseCode(1, records.length > 0 ? 'success' : 'no-records-found')));
  return lines;
}

function advertisement(device: SimulatedBleDevice): Uint8Array {
  return out({
    type: 'advertisement',
    address: device.address.toUpperCase(),
    addressType: 'public',
    rssi: -60,
    name: device.name ?? 'sim',
    services: device.glucoseRecords ? ['1808'] : [],
  });
}

/** A device in range connects: its states, what discovery did not find, and what it sends at once. */
export interface GatewaySimulatorOptions {
  gatewayId?: string;
  firmware?: string;
  devices: readonly SimulatedBleDevice[];
  /** Milliseconds of a monotonic clock, for STATUS's uptime and the devices' clocks. Default `performance.now()`. */
  now?: () => number;
  /**
   * Hold each device's answer to a READ or WRITE until `settle()`, as a real device takes its time:
   * meanwhile a second READ or WRITE to that device is answered BUSY, as the gateway does.
   */
  deferAnswers?: boolean;
}

export interface GatewaySimulator {
  onBytes(bytes: Uint8Array): Uint8Array[];
  /** The HELLO a freshly booted gateway sends. */
  boot(): Uint8Array[];
  /** With `deferAnswers`: the devices answer what they were asked, in the order asked. */
  settle(): Uint8Array[];
  readonly commands: readonly GatewayCommand[];
  readonly refusedRacpRequests: readonly Uint8Array[];
  /** Every Current Time write a device took, in order. */
  readonly clockWrites: readonly ClockWrite[];
}

/** What a device sends as it connects: the cuff inflating, then its readings, stamped by its clock. */
function connectionLines(
  address: string,
  device: SimulatedBleDevice,
  clock: SimulatedDeviceClock,
  nowMs: number,
  vendor: VendorDeviceState | undefined,
) {
  const lines = [
    out({ type: 'state', address, state: 'connecting' }),
    ...(vendor?.missing(address) ?? []),
    out({ type: 'state', address, state: 'connected' }),
  ];
  for (const mmHg of device.cuffPressures ?? []) lines.push(cuffLine(address, mmHg));
  for (const measurement of device.measurements ?? []) {
    const stamped = clock.stamp(measurement, nowMs);
    lines.push(encode({ ...stamped, extra: { ...stamped.extra, deviceAddress: address } }));
  }
  return lines;
}

const notRegistered = (id: number) =>
  out({ type: 'error', id, code: 'NOT_FOUND', message: 'device not registered' });

/** The answers to the command lines the agent sent: a bad line gets the documented ERR. */
function answerCommandLines(
  events: ReturnType<ReturnType<typeof createCommandLineSplitter>>,
  handle: (command: GatewayCommand) => Uint8Array[],
): Uint8Array[] {
  const lines: Uint8Array[] = [];
  for (const event of events) {
    if (event.type === 'too-long') {
      lines.push(out({ type: 'error', id: null, code: 'TOO_LONG', message: 'line longer than 1200 bytes' }));
      continue;
    }
    try {
      lines.push(...handle(parseGatewayCommand(event.text)));
    } catch (error) {
      if (!isDecodeError(error)) throw error;
      const answer = answerToBadCommandLine(event.text);
      lines.push(out({ type: 'error', id: answer.id, code: answer.code, message: error.message }));
    }
  }
  return lines;
}

/**
 * The gateway's side of the line protocol, for tests, demos and the agent's `simulate` command:
 * bytes from the agent in, lines to the agent out. It refuses (and records) any RACP request other
 * than reading or counting, so a test can prove the agent never asked a meter to delete its records.
 */
export function createGatewaySimulator(options: GatewaySimulatorOptions): GatewaySimulator {
  const devices = new Map(options.devices.map((d) => [d.address.toUpperCase(), d]));
  const connected = new Set<string>();
  // Registered with CONNECT: what STATUS counts as watched (the devices in range are not).
  const registered = new Set<string>();
  const now = options.now ?? (() => performance.now());
  const bootedAt = now();
  const commands: GatewayCommand[] = [];
  const vendors = new Map(
    options.devices.flatMap((d) =>
      d.vendor ? [[d.address.toUpperCase(), new VendorDeviceState(d.vendor)] as const] : [],
    ),
  );
  const refusedRacpRequests: Uint8Array[] = [];
  const clockWrites: ClockWrite[] = [];
  // Only simulated devices connect or take operations: each has its clock from the start.
  const clocks = new Map([...devices.keys()].map((address) => [address, new SimulatedDeviceClock()]));
  const clockOf = (address: string) => clocks.get(address) as SimulatedDeviceClock;
  // With deferAnswers: the answer each device owes, by address; a device owing one is busy.
  const owed = new Map<string, Uint8Array[]>();
  const splitLines = createCommandLineSplitter();
  const hello = () =>
    out({
      type: 'hello',
      protocolVersion: GATEWAY_PROTOCOL_VERSION,
      gatewayId: options.gatewayId ?? 'sim-gateway',
      firmware: options.firmware ?? 'simulator 1.0',
    });

  const handle = (command: GatewayCommand): Uint8Array[] => {
    const ok = out({ type: 'ok', id: command.id });
    switch (command.type) {
      case 'ping':
        return [hello(), ok];
      case 'status':
        return [
          out({
            type: 'status',
            uptimeSeconds: Math.floor((now() - bootedAt) / 1000),
            connected: connected.size,
            watched: registered.size,
          }),
          ok,
        ];
      case 'scan':
        return [...[...devices.values()].map(advertisement), ok];
      case 'connect': {
        registered.add(command.address);
        const device = devices.get(command.address);
        if (!device) return [ok];
        connected.add(command.address);
        return [
          ok,
          ...connectionLines(
            command.address,
            device,
            clockOf(command.address),
            now(),
            vendors.get(command.address),
          ),
        ];
      }
      case 'disconnect':
        if (!registered.delete(command.address)) return [notRegistered(command.id)];
        connected.delete(command.address);
        owed.delete(command.address);
        vendors.get(command.address)?.forget();
        return [ok, out({ type: 'state', address: command.address, state: 'disconnected' })];
      case 'write':
      case 'read':
        return operation(command);
      case 'subscribe':
        if (!registered.has(command.address)) return [notRegistered(command.id)];
        vendors.get(command.address)?.subscribe(command.service, command.characteristic);
        return [ok];
    }
  };

  /** A READ or WRITE to one device: one at a time per device, as the gateway allows. */
  const operation = (command: Extract<GatewayCommand, { type: 'read' | 'write' }>): Uint8Array[] => {
    const device = devices.get(command.address);
    if (!device || !connected.has(command.address))
      return [out({ type: 'error', id: command.id, code: 'NOT_CONNECTED', message: command.address })];
    if (owed.has(command.address)) return [busy(command)];
    const vendorAnswer = command.type === 'write' ? vendors.get(command.address)?.write(command) : undefined;
    const answer =
      vendorAnswer ??
      answerOperation(command, device, {
        clock: clockOf(command.address),
        nowMs: now(),
        clockWrites,
        racp: (write) => answerWrite(write, device, connected, refusedRacpRequests),
      });
    if (!options.deferAnswers) return answer;
    owed.set(command.address, answer);
    return [];
  };

  return {
    commands,
    refusedRacpRequests,
    clockWrites,
    settle() {
      const lines = [...owed.values()].flat();
      owed.clear();
      return lines;
    },
    boot: () => [hello()],
    onBytes: (bytes) =>
      answerCommandLines(splitLines(bytes), (command) => {
        commands.push(command);
        return handle(command);
      }),
  };
}

/** The simulating half of `bleGateway`. */
export const bleGatewaySimulation: DeviceSimulation = {
  id: ID,
  encode,
  // One BLE device: it sends its readings each time it connects, and hands over its glucose records
  // on a RACP request. List it in the agent's config as `dialogue.devices: [{ address: ... }]`.
  createSimulator: (measurements) => {
    const gateway = createGatewaySimulator({
      devices: [
        {
          address: SIMULATED_BLE_ADDRESS,
          name: 'simulated BLE device',
          measurements: measurements.filter((m) => m.kind !== 'glucose'),
          glucoseRecords: measurements.filter((m): m is GlucoseMeasurement => m.kind === 'glucose'),
        },
      ],
    });
    return { onBytes: (bytes) => gateway.onBytes(bytes), greeting: () => gateway.boot() };
  },
  examples: [
    {
      kind: 'blood-pressure',
      systolic: { value: 120, unit: 'mm[Hg]' },
      diastolic: { value: 80, unit: 'mm[Hg]' },
      meanArterialPressure: { value: 93, unit: 'mm[Hg]' },
      extra: { deviceAddress: 'A4:C1:38:12:34:56' },
    },
  ],
};
