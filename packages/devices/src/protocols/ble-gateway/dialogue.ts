import { toBytes } from '../../bytes.js';
import type { Dialogue, DialogueEvent, DialogueStep } from '../../driver.js';
import { emptyStep } from '../../driver.js';
import { DecodeError, isDecodeError } from '../../errors.js';
import { decodeRacp, racpReportStoredRecords } from '../../gatt/racp.js';
import type { DeviceIdentity } from './device-identity.js';
import { DeviceSetups } from './device-setup.js';
import {
  ADDRESS,
  encodeGatewayCommand,
  GATEWAY_PROTOCOL_VERSION,
  type GatewayCommand,
  type GatewayMessage,
  ID,
  parseGatewayMessage,
} from './lines.js';
import {
  type DeviceState,
  event,
  flushHeld,
  type GatewayDevice,
  onNotification,
  selectionFor,
} from './records.js';
import { type Issue, routeVendorValue, subscribeVendor } from './vendor-subscriptions.js';

export interface GatewayDialogueOptions {
  devices: readonly GatewayDevice[];
  /** How long to wait for HELLO after PING. Default 5,000 ms. */
  helloTimeoutMs?: number;
  /** PINGs sent before giving up on a silent gateway. Default 3. */
  pingAttempts?: number;
  /**
   * The kiosk's trusted time (ms since 1970), handed in by the agent: each device with a Current
   * Time Service has its clock set from it when it connects. Absent: no clock is set.
   */
  kioskTime?: () => number;
  /** The clinic's IANA zone, whose wall clock the devices are set to. Default `Asia/Jakarta`. */
  timeZone?: string;
  /** A clock that never steps (ms) for how long readings wait for their device's identity. Default `performance.now()`. */
  monotonic?: () => number;
  /**
   * Device identities already read, by address: the agent hands in one map for its whole run (a new
   * dialogue after a refusal does not read them again). Default: one per dialogue.
   */
  identities?: Map<string, DeviceIdentity>;
}

/**
 * What a later dialogue on the same port must know: per meter address, the highest glucose record
 * handed on. Kept by the agent across port reopens (DialogueStep.remember).
 */
export interface GatewayMemory {
  handedOn: Record<string, number>;
}

function checkedMemory(remembered: unknown): GatewayMemory {
  const handedOn: Record<string, number> = {};
  const given = (remembered as Partial<GatewayMemory> | undefined)?.handedOn;
  if (given && typeof given === 'object') {
    for (const [address, sequence] of Object.entries(given))
      if (Number.isInteger(sequence) && sequence >= 0 && sequence <= 0xffff) handedOn[address] = sequence;
  }
  return { handedOn };
}

/** Everything one dialogue with a gateway remembers between frames. */
interface Conversation {
  readonly memory: GatewayMemory;
  readonly devices: Map<string, DeviceState>;
  readonly helloTimeoutMs: number;
  readonly pingAttempts: number;
  /** Commands sent and not yet answered by OK or ERR, by id. */
  readonly pending: Map<number, { command: string; address?: string }>;
  /** What each connected device is being asked, one operation at a time. */
  readonly setups: DeviceSetups;
  nextId: number;
  helloSeen: boolean;
  pings: number;
  done: boolean;
}

function checkedDevices(options: GatewayDialogueOptions): Map<string, DeviceState> {
  if (!options || !Array.isArray(options.devices))
    throw new TypeError('ble-gateway dialogue needs { devices: [...] }');
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
  return devices;
}

function nextCommandId(c: Conversation): number {
  const value = c.nextId;
  c.nextId = c.nextId >= 0xffff ? 1 : c.nextId + 1;
  return value;
}

/** The bytes of a command, remembered as pending until the gateway answers it. */
function send(c: Conversation, cmd: GatewayCommand): Uint8Array {
  c.pending.set(cmd.id, { command: cmd.type, ...('address' in cmd ? { address: cmd.address } : {}) });
  return toBytes(encodeGatewayCommand(cmd));
}

/** Sends a vendor device's subscriptions, each with a fresh id. */
function issuer(c: Conversation, result: DialogueStep): Issue {
  return (command) => {
    result.write.push(send(c, { ...command, id: nextCommandId(c) }));
  };
}

function newStep(c: Conversation): DialogueStep {
  const result = emptyStep();
  result.done = c.done;
  if (!c.helloSeen && !c.done) result.timeoutMs = c.helloTimeoutMs;
  return result;
}

/** HELLO: the gateway (re)booted or answered our PING; every configured device is (re)registered. */
function onHello(
  c: Conversation,
  message: Extract<GatewayMessage, { type: 'hello' }>,
  result: DialogueStep,
): void {
  c.helloSeen = true;
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
  for (const [address, device] of c.devices) {
    // A HELLO that answers our PING while the CONNECTs of the boot HELLO are still unanswered is
    // the same gateway, not a reboot: connecting twice would make a device hand over its reading twice.
    const connecting = [...c.pending.values()].some((p) => p.command === 'connect' && p.address === address);
    if (connecting) continue;
    const connect: GatewayCommand = { type: 'connect', id: nextCommandId(c), address };
    if (device.config.addressType) connect.addressType = device.config.addressType;
    result.write.push(send(c, connect));
    subscribeVendor(device, address, issuer(c, result));
  }
}

function onGatewayError(
  c: Conversation,
  message: Extract<GatewayMessage, { type: 'error' }>,
  result: DialogueStep,
): void {
  const sent = message.id === null ? undefined : c.pending.get(message.id);
  if (message.id !== null) c.pending.delete(message.id);
  const what = sent ? `${sent.command}${sent.address ? ` ${sent.address}` : ''}` : 'gateway';
  result.errors.push(new DecodeError('DEVICE_ERROR', ID, `${what}: ${message.code} ${message.message}`));
}

/** A device connected (ask a glucose meter for its records) or went away (hand on what it left). */
function onState(
  c: Conversation,
  message: Extract<GatewayMessage, { type: 'state' }>,
  result: DialogueStep,
): void {
  const device = c.devices.get(message.address);
  const detail: DialogueEvent['detail'] = { address: message.address, state: message.state };
  if (message.reason) detail['reason'] = message.reason;
  result.events.push(event(`device-${message.state}`, detail));
  if (!device) return;
  if (message.state === 'connected') {
    const selection = selectionFor(device);
    const records = selection && racpReportStoredRecords(selection);
    c.setups.onConnected(message.address, records, device.config.vendor?.subscriptions.writes ?? [], result);
  } else if (message.state === 'disconnected' || message.state === 'failed') {
    flushHeld(device, message.address, result);
    c.setups.onDisconnected(message.address, result);
  }
}

function onMessage(c: Conversation, message: GatewayMessage, result: DialogueStep): void {
  switch (message.type) {
    case 'hello':
      onHello(c, message, result);
      return;
    case 'ok':
      c.setups.onAnswer(message, result);
      c.pending.delete(message.id);
      return;
    case 'error':
      if (c.setups.onAnswer(message, result)) {
        if (message.id !== null) c.pending.delete(message.id);
        return;
      }
      onGatewayError(c, message, result);
      return;
    case 'value':
      c.setups.onValue(message, result);
      return;
    case 'state':
      onState(c, message, result);
      return;
    case 'notification':
    case 'indication':
      if (!routeVendorValue(message, c.devices.get(message.address), result))
        onNotification(message, c.devices.get(message.address), result);
      if (isRacpResponse(message)) c.setups.onRecordsEnd(message.address, result);
      return;
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
      return;
    case 'status':
      result.events.push(event('gateway-status', { ...message, type: 'status' }));
      return;
  }
}

/**
 * Records handed on in this step raise the meter's remembered sequence. Only handed-on ones: a
 * record still waiting for its context is not taken yet.
 */
function rememberHandedOn(c: Conversation, result: DialogueStep): void {
  let changed = false;
  for (const m of result.measurements) {
    const address = m.extra?.['deviceAddress'];
    if (m.kind !== 'glucose' || m.sequenceNumber === undefined || typeof address !== 'string') continue;
    if ((c.memory.handedOn[address] ?? -1) >= m.sequenceNumber) continue;
    c.memory.handedOn[address] = m.sequenceNumber;
    changed = true;
  }
  if (changed) result.remember = { handedOn: { ...c.memory.handedOn } } satisfies GatewayMemory;
}

/** The RACP response that ends a record transfer (not the count of records). */
function isRacpResponse(message: Extract<GatewayMessage, { type: 'notification' | 'indication' }>): boolean {
  if (message.characteristic !== '2a52') return false;
  try {
    return decodeRacp(message.payload).type === 'response';
  } catch (error) {
    if (!isDecodeError(error)) throw error;
    return false;
  }
}

/** Readings wait for their device's identity, or carry it; the step wakes the agent when a wait ends. */
function finish(c: Conversation, result: DialogueStep): DialogueStep {
  c.setups.route(result);
  rememberHandedOn(c, result);
  const hold = c.setups.timeoutMs();
  if (hold !== undefined && c.helloSeen && !c.done) result.timeoutMs = hold;
  return result;
}

function onFrame(c: Conversation, frame: Uint8Array): DialogueStep {
  const result = newStep(c);
  if (c.done || frame[0] !== 0x24) return result;
  try {
    onMessage(c, parseGatewayMessage(frame), result);
  } catch (error) {
    if (!isDecodeError(error)) throw error;
    result.errors.push(error);
  }
  return finish(c, result);
}

/** No HELLO in time: PING again, and give up after the last attempt. */
function onTimeout(c: Conversation): DialogueStep {
  const result = newStep(c);
  if (c.done) return result;
  if (c.helloSeen) {
    c.setups.expire(result);
    return finish(c, result);
  }
  if (c.pings < c.pingAttempts) {
    c.pings++;
    result.write.push(send(c, { type: 'ping', id: nextCommandId(c) }));
    return result;
  }
  c.done = true;
  result.done = true;
  delete result.timeoutMs;
  result.errors.push(
    new DecodeError('TIMEOUT', ID, 'the gateway never answered PING: is it powered and on this port?'),
  );
  return result;
}

/**
 * The agent's side of the gateway: pure. It greets the gateway, registers every configured device
 * (again after each HELLO, since a rebooted gateway forgets), asks glucose meters for their records
 * over RACP when they connect (then only for records newer than the last one seen), joins glucose
 * records with their context, and turns notifications into measurements tagged with
 * `extra.deviceAddress`. On each connection it first reads the device's identity (once per run) and
 * afterwards sets its clock (`DeviceSetups`). It never ends by itself once the gateway has answered.
 * `remembered` is the last `remember` of an earlier dialogue on this port: the records it handed on
 * are not asked again.
 */
export function createGatewayDialogue(options: GatewayDialogueOptions, remembered?: unknown): Dialogue {
  const identities = options.identities ?? new Map<string, DeviceIdentity>();
  const monotonic = options.monotonic ?? (() => performance.now());
  const timeZone = options.timeZone ?? 'Asia/Jakarta';
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new RangeError(`timeZone ${JSON.stringify(timeZone)} is not an IANA zone such as Asia/Jakarta`);
  }
  const memory = checkedMemory(remembered);
  const devices = checkedDevices(options);
  for (const [address, device] of devices) {
    const handedOn = memory.handedOn[address];
    if (handedOn !== undefined) device.highestSequence = handedOn;
  }
  const c: Conversation = {
    memory,
    devices,
    helloTimeoutMs: options.helloTimeoutMs ?? 5_000,
    pingAttempts: options.pingAttempts ?? 3,
    pending: new Map(),
    nextId: 1,
    helloSeen: false,
    pings: 0,
    done: false,
    // The setups send through this conversation; they are only called once it exists.
    setups: new DeviceSetups({
      identities,
      timeZone,
      monotonic,
      send: (command) => send(c, command),
      nextId: () => nextCommandId(c),
      ...(options.kioskTime ? { kioskTime: options.kioskTime } : {}),
    }),
  };
  return {
    start() {
      c.pings = 1;
      const result = newStep(c);
      result.write.push(send(c, { type: 'ping', id: nextCommandId(c) }));
      return result;
    },
    onFrame: (frame) => onFrame(c, frame),
    onTimeout: () => onTimeout(c),
  };
}
