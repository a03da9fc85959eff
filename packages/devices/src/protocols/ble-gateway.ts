import type { DeviceMeasurement, GlucoseMeasurement } from '@klinik-desa/protocol';
import { fromHex, toBytes, toHex, toLatin1 } from '../bytes.js';
import type { DeviceDriver, Dialogue, DialogueEvent, DialogueStep } from '../driver.js';
import { emptyStep } from '../driver.js';
import { DecodeError, EncodeError, isDecodeError } from '../errors.js';
import {
  decodeCharacteristic,
  GATT_MEASUREMENT_SOURCES,
  isMeasurementCharacteristic,
  measurementEncoderFor,
  shortUuid,
} from '../gatt/characteristics.js';
import {
  applyGlucoseContext,
  decodeGlucoseContext,
  decodeGlucoseMeasurementWithContextFlag,
} from '../gatt/glucose.js';
import { decodeRacp, type RacpSelection, racpReportStoredRecords } from '../gatt/racp.js';
// Used only inside functions, so the two modules may import each other.
import { createGatewaySimulator, SIMULATED_BLE_ADDRESS } from './ble-gateway-simulator.js';

const ID = 'ble-gateway';

/**
 * The klinik-desa BLE gateway line protocol, version 1 (specified in docs/gateway-protocol.md).
 * Every line is `$` TYPE *("," FIELD) `*` CRC CR LF, where CRC is the CRC-16/CCITT-FALSE of the
 * bytes between `$` and `*`, as four uppercase hex digits. Lines that do not start with `$` are the
 * gateway's own log output and are ignored.
 */
export const GATEWAY_PROTOCOL_VERSION = 1;
export const GATEWAY_MAX_LINE_BYTES = 1200;
/** Used by the simulator when a measurement carries no `extra.deviceAddress`. */
export const SIMULATED_DEVICE_ADDRESS = 'C0:FF:EE:00:00:01';

export type AddressType = 'public' | 'random';
export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'failed';

/** Lines the gateway sends. */
export type GatewayMessage =
  | { type: 'hello'; protocolVersion: number; gatewayId: string; firmware: string }
  | { type: 'status'; uptimeSeconds: number; connected: number; watched: number }
  | {
      type: 'advertisement';
      address: string;
      addressType: AddressType;
      rssi: number;
      name: string;
      services: string[];
    }
  | { type: 'state'; address: string; state: ConnectionState; reason?: string }
  | {
      type: 'notification' | 'indication';
      address: string;
      service: string;
      characteristic: string;
      payload: Uint8Array;
    }
  | { type: 'ok'; id: number }
  | { type: 'error'; id: number | null; code: string; message: string };

/** Lines the agent sends. Each carries an id the gateway echoes in OK or ERR. */
export type GatewayCommand =
  | { type: 'ping'; id: number }
  | { type: 'status'; id: number }
  | { type: 'scan'; id: number; seconds: number }
  | { type: 'connect'; id: number; address: string; addressType?: AddressType }
  | {
      type: 'write';
      id: number;
      address: string;
      service: string;
      characteristic: string;
      payload: Uint8Array;
    }
  | { type: 'disconnect'; id: number; address: string };

const CRC_TABLE = Uint16Array.from({ length: 256 }, (_, byte) => {
  let crc = byte << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  return crc;
});

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF): cheap on an ESP32, and it catches swapped or doubled bytes a sum would not. */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ CRC_TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** Text fields escape `%`, `,`, `*`, `$` and anything outside printable ASCII as %XX. */
export function escapeField(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code > 0x7e || ch === '%' || ch === ',' || ch === '*' || ch === '$' || ch.length > 1) {
      for (const byte of Buffer.from(ch, 'utf8'))
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    } else {
      out += ch;
    }
  }
  return out;
}

export function unescapeField(text: string): string {
  if (!text.includes('%')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(text.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

const ADDRESS = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/;
const UUID128 = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function fail(message: string): never {
  throw new DecodeError('BAD_FORMAT', ID, message);
}

function address(text: string | undefined): string {
  if (text === undefined || !ADDRESS.test(text)) fail(`bad device address ${JSON.stringify(text)}`);
  return text.toUpperCase();
}

function uuid(text: string | undefined): string {
  if (text === undefined) fail('missing UUID');
  const short = shortUuid(text);
  if (short !== undefined) return short;
  const lower = text.toLowerCase();
  if (UUID128.test(lower)) return lower;
  fail(`bad UUID ${JSON.stringify(text)}`);
}

function integer(text: string | undefined, name: string, min: number, max: number): number {
  if (text === undefined || !/^-?\d{1,10}$/.test(text)) fail(`${name} is not an integer`);
  const value = Number(text);
  if (value < min || value > max) fail(`${name} ${value} is outside ${min}–${max}`);
  return value;
}

function hexPayload(text: string | undefined): Uint8Array {
  if (text === undefined || text.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(text)) fail('payload is not hex');
  return fromHex(text);
}

function expectFields(fields: string[], min: number, max: number, type: string): void {
  if (fields.length < min || fields.length > max) fail(`${type} has ${fields.length} fields`);
}

/** Checks `$...*CRC` and returns the fields (type first). */
export function splitGatewayLine(frame: Uint8Array | string): string[] {
  const bytes = toBytes(frame);
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
  if (end === 0) throw new DecodeError('TRUNCATED', ID, 'empty line');
  if (bytes[0] !== 0x24)
    throw new DecodeError('BAD_FORMAT', ID, 'not a gateway line (no "$"): gateway log output');
  const star = end - 5;
  if (star < 1 || bytes[star] !== 0x2a)
    throw new DecodeError('TRUNCATED', ID, 'no "*CRC" at the end of the line');
  const crcText = toLatin1(bytes.subarray(star + 1, end));
  if (!/^[0-9A-F]{4}$/.test(crcText)) fail(`CRC ${JSON.stringify(crcText)} is not four uppercase hex digits`);
  const actual = crc16(bytes, 1, star);
  if (actual !== Number.parseInt(crcText, 16)) {
    throw new DecodeError(
      'BAD_CHECKSUM',
      ID,
      `CRC ${crcText} does not match ${actual.toString(16).toUpperCase().padStart(4, '0')}`,
    );
  }
  return toLatin1(bytes.subarray(1, star)).split(',');
}

export function parseGatewayMessage(frame: Uint8Array | string): GatewayMessage {
  const fields = splitGatewayLine(frame);
  const [type] = fields;
  switch (type) {
    case 'HELLO':
      expectFields(fields, 4, 4, type);
      return {
        type: 'hello',
        protocolVersion: integer(fields[1], 'protocol version', 0, 65535),
        gatewayId: unescapeField(fields[2]!),
        firmware: unescapeField(fields[3]!),
      };
    case 'STATUS':
      expectFields(fields, 4, 4, type);
      return {
        type: 'status',
        uptimeSeconds: integer(fields[1], 'uptime', 0, 2 ** 32),
        connected: integer(fields[2], 'connected', 0, 255),
        watched: integer(fields[3], 'watched', 0, 255),
      };
    case 'ADV': {
      expectFields(fields, 6, 6, type);
      const addressType = fields[2];
      if (addressType !== 'public' && addressType !== 'random') fail(`address type ${addressType}`);
      return {
        type: 'advertisement',
        address: address(fields[1]),
        addressType,
        rssi: integer(fields[3], 'RSSI', -127, 20),
        name: unescapeField(fields[4]!),
        services: fields[5] === '' ? [] : fields[5]!.split(' ').map(uuid),
      };
    }
    case 'STATE': {
      expectFields(fields, 3, 4, type);
      const state = fields[2];
      if (state !== 'connecting' && state !== 'connected' && state !== 'disconnected' && state !== 'failed') {
        fail(`connection state ${state}`);
      }
      const message: GatewayMessage = { type: 'state', address: address(fields[1]), state };
      if (fields[3] !== undefined) message.reason = unescapeField(fields[3]);
      return message;
    }
    case 'NTF':
    case 'IND':
      expectFields(fields, 5, 5, type);
      return {
        type: type === 'NTF' ? 'notification' : 'indication',
        address: address(fields[1]),
        service: uuid(fields[2]),
        characteristic: uuid(fields[3]),
        payload: hexPayload(fields[4]),
      };
    case 'OK':
      expectFields(fields, 2, 2, type);
      return { type: 'ok', id: integer(fields[1], 'id', 0, 65535) };
    case 'ERR':
      expectFields(fields, 4, 4, type);
      return {
        type: 'error',
        id: fields[1] === '-' ? null : integer(fields[1], 'id', 0, 65535),
        code: unescapeField(fields[2]!),
        message: unescapeField(fields[3]!),
      };
    default:
      throw new DecodeError('UNSUPPORTED', ID, `unknown line type ${JSON.stringify(type)}`);
  }
}

export function parseGatewayCommand(frame: Uint8Array | string): GatewayCommand {
  const fields = splitGatewayLine(frame);
  const [type] = fields;
  const id = () => integer(fields[1], 'id', 0, 65535);
  switch (type) {
    case 'PING':
      expectFields(fields, 2, 2, type);
      return { type: 'ping', id: id() };
    case 'STATUS':
      expectFields(fields, 2, 2, type);
      return { type: 'status', id: id() };
    case 'SCAN':
      expectFields(fields, 3, 3, type);
      return { type: 'scan', id: id(), seconds: integer(fields[2], 'seconds', 1, 300) };
    case 'CONNECT': {
      expectFields(fields, 3, 4, type);
      const command: GatewayCommand = { type: 'connect', id: id(), address: address(fields[2]) };
      if (fields[3] !== undefined) {
        if (fields[3] !== 'public' && fields[3] !== 'random') fail(`address type ${fields[3]}`);
        command.addressType = fields[3];
      }
      return command;
    }
    case 'WRITE':
      expectFields(fields, 6, 6, type);
      return {
        type: 'write',
        id: id(),
        address: address(fields[2]),
        service: uuid(fields[3]),
        characteristic: uuid(fields[4]),
        payload: hexPayload(fields[5]),
      };
    case 'DISCONNECT':
      expectFields(fields, 3, 3, type);
      return { type: 'disconnect', id: id(), address: address(fields[2]) };
    default:
      throw new DecodeError('UNSUPPORTED', ID, `unknown command ${JSON.stringify(type)}`);
  }
}

function line(fields: readonly (string | number)[]): string {
  const body = fields.join(',');
  const crc = crc16(toBytes(body)).toString(16).toUpperCase().padStart(4, '0');
  return `$${body}*${crc}\r\n`;
}

export function encodeGatewayMessage(message: GatewayMessage): string {
  switch (message.type) {
    case 'hello':
      return line([
        'HELLO',
        message.protocolVersion,
        escapeField(message.gatewayId),
        escapeField(message.firmware),
      ]);
    case 'status':
      return line(['STATUS', message.uptimeSeconds, message.connected, message.watched]);
    case 'advertisement':
      return line([
        'ADV',
        message.address,
        message.addressType,
        message.rssi,
        escapeField(message.name),
        message.services.join(' '),
      ]);
    case 'state':
      return line([
        'STATE',
        message.address,
        message.state,
        ...(message.reason === undefined ? [] : [escapeField(message.reason)]),
      ]);
    case 'notification':
    case 'indication':
      return line([
        message.type === 'notification' ? 'NTF' : 'IND',
        message.address,
        message.service.toUpperCase(),
        message.characteristic.toUpperCase(),
        toHex(message.payload).toUpperCase(),
      ]);
    case 'ok':
      return line(['OK', message.id]);
    case 'error':
      return line(['ERR', message.id ?? '-', escapeField(message.code), escapeField(message.message)]);
  }
}

export function encodeGatewayCommand(command: GatewayCommand): string {
  switch (command.type) {
    case 'ping':
      return line(['PING', command.id]);
    case 'status':
      return line(['STATUS', command.id]);
    case 'scan':
      return line(['SCAN', command.id, command.seconds]);
    case 'connect':
      return line([
        'CONNECT',
        command.id,
        command.address,
        ...(command.addressType ? [command.addressType] : []),
      ]);
    case 'write':
      return line([
        'WRITE',
        command.id,
        command.address,
        command.service.toUpperCase(),
        command.characteristic.toUpperCase(),
        toHex(command.payload).toUpperCase(),
      ]);
    case 'disconnect':
      return line(['DISCONNECT', command.id, command.address]);
  }
}

function withAddress<T extends DeviceMeasurement>(measurement: T, deviceAddress: string): T {
  return { ...measurement, extra: { ...measurement.extra, deviceAddress } };
}

function decode(frame: Uint8Array): DeviceMeasurement {
  const message = parseGatewayMessage(frame);
  if (message.type !== 'notification' && message.type !== 'indication') {
    throw new DecodeError('NOT_A_MEASUREMENT', ID, `a ${message.type} line carries no reading`);
  }
  if (!isMeasurementCharacteristic(message.characteristic)) {
    const short = shortUuid(message.characteristic);
    if (short === '2a34' || short === '2a52' || short === '2a08' || short === '2a36') {
      throw new DecodeError(
        'NOT_A_MEASUREMENT',
        ID,
        `characteristic 0x${short.toUpperCase()} carries no reading`,
      );
    }
    throw new DecodeError('UNSUPPORTED', ID, `characteristic ${message.characteristic} is not decoded here`);
  }
  const value = decodeCharacteristic(message.characteristic, message.payload);
  if (value.type !== 'measurement') throw new DecodeError('NOT_A_MEASUREMENT', ID, 'not a measurement');
  return withAddress(value.measurement, message.address);
}

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

/** Which stored records to ask a glucose meter for each time it connects. */
export type StoredRecords = 'none' | 'all' | { fromSequence: number };

export interface GatewayDevice {
  /** `AA:BB:CC:DD:EE:FF`. */
  address: string;
  addressType?: AddressType;
  /** Glucose meters keep records: ask for them over RACP on every connection. Default `none`. */
  records?: StoredRecords;
}

export interface GatewayDialogueOptions {
  devices: readonly GatewayDevice[];
  /** How long to wait for HELLO after PING. Default 5,000 ms. */
  helloTimeoutMs?: number;
  /** PINGs sent before giving up on a silent gateway. Default 3. */
  pingAttempts?: number;
}

interface DeviceState {
  config: GatewayDevice;
  /** Highest glucose sequence number seen: the next request starts after it. */
  highestSequence?: number;
  /** Records whose 0x2A34 context was announced and has not arrived yet. */
  held: Map<number, GlucoseMeasurement>;
}

/**
 * The agent's side of the gateway: pure. It greets the gateway, registers every configured device
 * (again after each HELLO, since a rebooted gateway forgets), asks glucose meters for their records
 * over RACP when they connect (then only for records newer than the last one seen), joins glucose
 * records with their context, and turns notifications into measurements tagged with
 * `extra.deviceAddress`. It never ends by itself once the gateway has answered.
 */
export function createGatewayDialogue(options: GatewayDialogueOptions): Dialogue {
  if (!options || !Array.isArray(options.devices))
    throw new TypeError('ble-gateway dialogue needs { devices: [...] }');
  const helloTimeoutMs = options.helloTimeoutMs ?? 5_000;
  const pingAttempts = options.pingAttempts ?? 3;
  const devices = new Map<string, DeviceState>();
  for (const config of options.devices) {
    if (!ADDRESS.test(config.address))
      throw new RangeError(`bad device address ${JSON.stringify(config.address)}`);
    const records = config.records;
    if (records !== undefined && records !== 'none' && records !== 'all') {
      if (
        !Number.isInteger(records.fromSequence) ||
        records.fromSequence < 0 ||
        records.fromSequence > 0xffff
      ) {
        throw new RangeError(`records.fromSequence must be a uint16, got ${records.fromSequence}`);
      }
    }
    devices.set(config.address.toUpperCase(), { config, held: new Map() });
  }

  let nextId = 1;
  let helloSeen = false;
  let pings = 0;
  let done = false;
  const pending = new Map<number, { command: string; address?: string }>();

  const command = (cmd: GatewayCommand): Uint8Array => {
    pending.set(cmd.id, { command: cmd.type, ...('address' in cmd ? { address: cmd.address } : {}) });
    return toBytes(encodeGatewayCommand(cmd));
  };
  const id = () => {
    const value = nextId;
    nextId = nextId >= 0xffff ? 1 : nextId + 1;
    return value;
  };
  const step = (): DialogueStep => {
    const result = emptyStep();
    result.done = done;
    if (!helloSeen && !done) result.timeoutMs = helloTimeoutMs;
    return result;
  };
  const event = (type: string, detail: DialogueEvent['detail']): DialogueEvent => ({ type, detail });

  const flushHeld = (device: DeviceState, address: string, result: DialogueStep) => {
    for (const measurement of device.held.values())
      result.measurements.push(withAddress(measurement, address));
    device.held.clear();
  };

  const selectionFor = (device: DeviceState): RacpSelection | undefined => {
    const wanted = device.config.records ?? 'none';
    if (wanted === 'none') return undefined;
    if (device.highestSequence !== undefined && device.highestSequence < 0xffff) {
      return { records: 'from-sequence', sequenceNumber: device.highestSequence + 1 };
    }
    return wanted === 'all'
      ? { records: 'all' }
      : { records: 'from-sequence', sequenceNumber: wanted.fromSequence };
  };

  const onNotification = (
    message: Extract<GatewayMessage, { type: 'notification' | 'indication' }>,
    result: DialogueStep,
  ) => {
    const device = devices.get(message.address);
    const short = shortUuid(message.characteristic);
    if (short === '2a18') {
      const { measurement, contextFollows } = decodeGlucoseMeasurementWithContextFlag(message.payload);
      if (device && measurement.sequenceNumber !== undefined) {
        device.highestSequence = Math.max(device.highestSequence ?? -1, measurement.sequenceNumber);
      }
      if (contextFollows && device && measurement.sequenceNumber !== undefined) {
        device.held.set(measurement.sequenceNumber, measurement);
      } else {
        result.measurements.push(withAddress(measurement, message.address));
      }
      return;
    }
    if (short === '2a34') {
      const context = decodeGlucoseContext(message.payload);
      const record = device?.held.get(context.sequenceNumber);
      if (!device || !record) {
        throw new DecodeError(
          'OUT_OF_SEQUENCE',
          ID,
          `context for record ${context.sequenceNumber}, which was not announced`,
        );
      }
      device.held.delete(context.sequenceNumber);
      result.measurements.push(withAddress(applyGlucoseContext(record, context), message.address));
      return;
    }
    if (short === '2a52') {
      const racp = decodeRacp(message.payload);
      if (racp.type === 'number-of-records') {
        result.events.push(event('record-count', { address: message.address, count: racp.count }));
      } else if (racp.type === 'response') {
        if (device) flushHeld(device, message.address, result);
        if (racp.response === 'success' || racp.response === 'no-records-found') {
          const detail: DialogueEvent['detail'] = { address: message.address, response: racp.response };
          if (device?.highestSequence !== undefined) detail['highestSequence'] = device.highestSequence;
          result.events.push(event('records-transferred', detail));
        } else {
          result.errors.push(
            new DecodeError(
              'DEVICE_ERROR',
              ID,
              `${message.address} answered the record request: ${racp.response}`,
            ),
          );
        }
      }
      return;
    }
    if (isMeasurementCharacteristic(message.characteristic)) {
      const value = decodeCharacteristic(message.characteristic, message.payload);
      if (value.type === 'measurement')
        result.measurements.push(withAddress(value.measurement, message.address));
    }
  };

  return {
    start() {
      pings = 1;
      const result = step();
      result.write.push(command({ type: 'ping', id: id() }));
      return result;
    },
    onFrame(frame) {
      const result = step();
      if (done || frame[0] !== 0x24) return result;
      let message: GatewayMessage;
      try {
        message = parseGatewayMessage(frame);
      } catch (error) {
        if (!isDecodeError(error)) throw error;
        result.errors.push(error);
        return result;
      }
      try {
        switch (message.type) {
          case 'hello':
            helloSeen = true;
            delete result.timeoutMs;
            if (message.protocolVersion !== GATEWAY_PROTOCOL_VERSION) {
              result.errors.push(
                new DecodeError(
                  'UNSUPPORTED',
                  ID,
                  `gateway speaks protocol ${message.protocolVersion}, the agent ${GATEWAY_PROTOCOL_VERSION}`,
                ),
              );
            }
            result.events.push(
              event('gateway-hello', {
                gatewayId: message.gatewayId,
                firmware: message.firmware,
                protocolVersion: message.protocolVersion,
              }),
            );
            for (const [address, device] of devices) {
              // A HELLO that answers our PING while the CONNECTs of the boot HELLO are still
              // unanswered is the same gateway, not a reboot: connecting twice would make a device
              // hand over its reading twice.
              const connecting = [...pending.values()].some(
                (p) => p.command === 'connect' && p.address === address,
              );
              if (connecting) continue;
              const connect: GatewayCommand = { type: 'connect', id: id(), address };
              if (device.config.addressType) connect.addressType = device.config.addressType;
              result.write.push(command(connect));
            }
            break;
          case 'ok':
            pending.delete(message.id);
            break;
          case 'error': {
            const sent = message.id === null ? undefined : pending.get(message.id);
            if (message.id !== null) pending.delete(message.id);
            const what = sent ? `${sent.command}${sent.address ? ` ${sent.address}` : ''}` : 'gateway';
            result.errors.push(
              new DecodeError('DEVICE_ERROR', ID, `${what}: ${message.code} ${message.message}`),
            );
            break;
          }
          case 'state': {
            const device = devices.get(message.address);
            const detail: DialogueEvent['detail'] = { address: message.address, state: message.state };
            if (message.reason) detail['reason'] = message.reason;
            result.events.push(event(`device-${message.state}`, detail));
            if (!device) break;
            if (message.state === 'connected') {
              const selection = selectionFor(device);
              if (selection) {
                result.write.push(
                  command({
                    type: 'write',
                    id: id(),
                    address: message.address,
                    service: '1808',
                    characteristic: '2a52',
                    payload: racpReportStoredRecords(selection),
                  }),
                );
              }
            } else if (message.state === 'disconnected' || message.state === 'failed') {
              flushHeld(device, message.address, result);
            }
            break;
          }
          case 'notification':
          case 'indication':
            onNotification(message, result);
            break;
          case 'advertisement':
            result.events.push(
              event('advertisement', {
                address: message.address,
                addressType: message.addressType,
                rssi: message.rssi,
                name: message.name,
                services: message.services.join(' '),
              }),
            );
            break;
          case 'status':
            result.events.push(event('gateway-status', { ...message, type: 'status' }));
            break;
        }
      } catch (error) {
        if (!isDecodeError(error)) throw error;
        result.errors.push(error);
      }
      return result;
    },
    onTimeout() {
      const result = step();
      if (helloSeen || done) return result;
      if (pings < pingAttempts) {
        pings++;
        result.write.push(command({ type: 'ping', id: id() }));
        return result;
      }
      done = true;
      result.done = true;
      delete result.timeoutMs;
      result.errors.push(
        new DecodeError('TIMEOUT', ID, 'the gateway never answered PING: is it powered and on this port?'),
      );
      return result;
    },
  };
}

export const bleGateway: DeviceDriver = {
  id: ID,
  name: 'klinik-desa BLE gateway line protocol v1',
  vendor: 'klinik-desa (ESP32 gateway firmware)',
  models: ['klinik-desa ESP32 gateway firmware', 'any gateway implementing docs/gateway-protocol.md'],
  transport: 'serial',
  kinds: ['blood-pressure', 'glucose', 'weight', 'body-composition', 'temperature', 'pulse-oximetry'],
  mode: 'dialogue',
  serial: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 },
  framing: { type: 'line', delimiter: '\n', maxFrameBytes: GATEWAY_MAX_LINE_BYTES },
  confidence: 'confirmed',
  decode,
  encode,
  createDialogue: (options?: Record<string, unknown>) =>
    createGatewayDialogue((options ?? { devices: [] }) as unknown as GatewayDialogueOptions),
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
