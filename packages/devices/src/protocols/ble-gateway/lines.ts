import { fromHex, toBytes, toHex, toLatin1 } from '../../bytes.js';
import { DecodeError } from '../../errors.js';
import { shortUuid } from '../../gatt/characteristics.js';

export const ID = 'ble-gateway';

/**
 * The klinik-desa BLE gateway line protocol, version 1 (specified in docs/gateway-protocol.md).
 * Every line is `$` TYPE *("," FIELD) `*` CRC CR LF, where CRC is the CRC-16/CCITT-FALSE of the
 * bytes between `$` and `*`, as four uppercase hex digits. Lines that do not start with `$` are the
 * gateway's own log output and are ignored.
 */
export const GATEWAY_PROTOCOL_VERSION = 1;
export const GATEWAY_MAX_LINE_BYTES = 1200;

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
  | {
      /** The value a `READ` asked for, sent before that READ's OK. */
      type: 'value';
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
  | { type: 'disconnect'; id: number; address: string }
  /** Adds a characteristic (a vendor's, typically) to what the gateway subscribes to on every connection. */
  | { type: 'subscribe'; id: number; address: string; service: string; characteristic: string }
  /** Reads a characteristic once: the gateway answers VAL, then OK. */
  | { type: 'read'; id: number; address: string; service: string; characteristic: string };

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

export const ADDRESS = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/;
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
    case 'VAL':
      expectFields(fields, 5, 5, type);
      return {
        type: 'value',
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
    case 'SUBSCRIBE':
    case 'READ':
      expectFields(fields, 5, 5, type);
      return {
        type: type === 'SUBSCRIBE' ? 'subscribe' : 'read',
        id: id(),
        address: address(fields[2]),
        service: uuid(fields[3]),
        characteristic: uuid(fields[4]),
      };
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
    case 'value':
      return line([
        { notification: 'NTF', indication: 'IND', value: 'VAL' }[message.type],
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
    case 'subscribe':
    case 'read':
      return line([
        command.type.toUpperCase(),
        command.id,
        command.address,
        command.service.toUpperCase(),
        command.characteristic.toUpperCase(),
      ]);
  }
}
