import type { DeviceMeasurement } from '@klinik-desa/protocol';
import type { DialogueEvent, DialogueStep } from '../../driver.js';
import { DecodeError, isDecodeError } from '../../errors.js';
import { CTS_SERVICE, CURRENT_TIME, encodeCurrentTime } from './device-clock.js';
import {
  type DeviceIdentity,
  DIS_SERVICE,
  decodeIdentityText,
  IDENTITY_CHARACTERISTICS,
  withIdentity,
} from './device-identity.js';
import { type GatewayCommand, type GatewayMessage, ID } from './lines.js';
import { event } from './records.js';

/** How long a device's readings wait for its identity before they go on without it. */
export const IDENTITY_HOLD_MS = 3_000;

type Operation =
  | { kind: 'read'; characteristic: string; field: keyof DeviceIdentity }
  | { kind: 'records'; payload: Uint8Array }
  /** A write a vendor's driver declared (start a measurement, ...), in the driver's order. */
  | { kind: 'vendor'; service: string; characteristic: string; payload: Uint8Array; purpose: string }
  | { kind: 'clock' };

/** A vendor driver's write, as its Bluetooth profile declares it. */
export interface VendorWrite {
  service: string;
  characteristic: string;
  value: Uint8Array;
  purpose: string;
}

/** What one device is being asked after it connected, one operation at a time. */
interface Setup {
  queue: Operation[];
  current?: { operation: Operation; id: number; ms?: number } | undefined;
  /** The RACP request was accepted: its end is the RACP response indication. */
  awaitingRecords?: boolean;
  /** Being read (the hold is on until the reads end); undefined once known. */
  identity?: DeviceIdentity | undefined;
  holdUntil?: number | undefined;
  held: DeviceMeasurement[];
}

export interface DeviceSetupOptions {
  /** Identities already read, by address: kept for the agent's run, so each device is read once. */
  identities: Map<string, DeviceIdentity>;
  /** The kiosk's trusted time (ms since 1970); without it no device clock is set. */
  kioskTime?: () => number;
  /** The clinic's zone: devices keep local time. */
  timeZone: string;
  /** A clock that never steps (ms), for how long readings are held. */
  monotonic: () => number;
  /** Sends a command (the dialogue keeps it pending until answered). */
  send: (command: GatewayCommand) => Uint8Array;
  nextId: () => number;
}

type Answer = Extract<GatewayMessage, { type: 'ok' | 'error' }>;

/**
 * What the agent does with a device once the gateway says it is connected (docs/gateway-protocol.md,
 * "After connected"): read its Device Information (once per address per run), then ask for its
 * stored records, then send the writes its vendor driver declares, then set its clock, never more than one operation at a time, so the gateway never
 * has to answer BUSY. Readings the device sends while its identity is read wait for it (at most
 * `IDENTITY_HOLD_MS`), so they carry it.
 */
export class DeviceSetups {
  private readonly setups = new Map<string, Setup>();

  constructor(private readonly options: DeviceSetupOptions) {}

  onConnected(
    address: string,
    recordsRequest: Uint8Array | undefined,
    vendorWrites: readonly VendorWrite[],
    result: DialogueStep,
  ): void {
    const queue: Operation[] = [];
    const known = this.options.identities.get(address);
    if (!known) for (const read of IDENTITY_CHARACTERISTICS) queue.push({ kind: 'read', ...read });
    if (recordsRequest) queue.push({ kind: 'records', payload: recordsRequest });
    for (const w of vendorWrites)
      queue.push({
        kind: 'vendor',
        service: w.service,
        characteristic: w.characteristic,
        payload: w.value,
        purpose: w.purpose,
      });
    if (this.options.kioskTime) queue.push({ kind: 'clock' });
    const setup: Setup = { queue, held: [] };
    // Connected again before the last setup ended: what it held goes through this one.
    result.measurements.push(...(this.setups.get(address)?.held ?? []));
    if (!known) {
      setup.identity = {};
      setup.holdUntil = this.options.monotonic() + IDENTITY_HOLD_MS;
    }
    this.setups.set(address, setup);
    this.next(address, setup, result);
  }

  /** An OK or ERR: true when it answered one of these operations (then it is dealt with here). */
  onAnswer(message: Answer, result: DialogueStep): boolean {
    if (message.id === null) return false;
    for (const [address, setup] of this.setups) {
      const current = setup.current;
      if (current?.id !== message.id) continue;
      if (message.type === 'ok') this.onOk(address, setup, current.operation, current.ms, result);
      else this.onError(address, setup, current.operation, current.ms, message, result);
      return true;
    }
    return false;
  }

  onValue(message: Extract<GatewayMessage, { type: 'value' }>, result: DialogueStep): void {
    const setup = this.setups.get(message.address);
    const operation = setup?.current?.operation;
    if (!setup?.identity || operation?.kind !== 'read' || operation.characteristic !== message.characteristic)
      return;
    try {
      setup.identity[operation.field] = decodeIdentityText(message.characteristic, message.payload);
    } catch (error) {
      if (!isDecodeError(error)) throw error;
      result.errors.push(error);
    }
  }

  /** The RACP response indication: the record transfer asked for is over. */
  onRecordsEnd(address: string, result: DialogueStep): void {
    const setup = this.setups.get(address);
    if (setup?.current?.operation.kind !== 'records' || !setup.awaitingRecords) return;
    setup.awaitingRecords = false;
    setup.current = undefined;
    this.next(address, setup, result);
  }

  /** The device went away: what it left waiting goes on, and its next connection starts afresh. */
  onDisconnected(address: string, result: DialogueStep): void {
    const setup = this.setups.get(address);
    if (!setup) return;
    result.measurements.push(...setup.held);
    this.setups.delete(address);
  }

  /** Readings whose device's identity is still being read are held; the rest carry what is known. */
  route(result: DialogueStep): void {
    const passed: DeviceMeasurement[] = [];
    for (const measurement of result.measurements) {
      const address = measurement.extra?.['deviceAddress'];
      const setup = typeof address === 'string' ? this.setups.get(address) : undefined;
      if (setup?.holdUntil !== undefined) setup.held.push(measurement);
      else passed.push(this.decorate(measurement));
    }
    result.measurements = passed;
  }

  /** Milliseconds until the next held readings must go on without their identity. */
  timeoutMs(): number | undefined {
    let soonest: number | undefined;
    for (const setup of this.setups.values())
      if (setup.holdUntil !== undefined) soonest = Math.min(soonest ?? Infinity, setup.holdUntil);
    return soonest === undefined ? undefined : Math.max(0, soonest - this.options.monotonic());
  }

  /** The hold is over for devices whose identity did not come in time: their readings go on. */
  expire(result: DialogueStep): void {
    const now = this.options.monotonic();
    for (const setup of this.setups.values()) {
      if (setup.holdUntil === undefined || setup.holdUntil > now) continue;
      setup.holdUntil = undefined;
      result.measurements.push(...setup.held);
      setup.held = [];
    }
  }

  private decorate(measurement: DeviceMeasurement): DeviceMeasurement {
    const address = measurement.extra?.['deviceAddress'];
    const identity = typeof address === 'string' ? this.options.identities.get(address) : undefined;
    return identity ? withIdentity(measurement, identity) : measurement;
  }

  private next(address: string, setup: Setup, result: DialogueStep): void {
    if (setup.identity && !setup.queue.some((o) => o.kind === 'read'))
      this.identified(address, setup, result);
    const operation = setup.queue.shift();
    if (!operation) return;
    const id = this.options.nextId();
    let command: GatewayCommand;
    let ms: number | undefined;
    if (operation.kind === 'read') {
      command = { type: 'read', id, address, service: DIS_SERVICE, characteristic: operation.characteristic };
    } else if (operation.kind === 'records') {
      command = {
        type: 'write',
        id,
        address,
        service: '1808',
        characteristic: '2a52',
        payload: operation.payload,
      };
    } else if (operation.kind === 'vendor') {
      const { service, characteristic, payload } = operation;
      command = { type: 'write', id, address, service, characteristic, payload };
    } else {
      ms = this.options.kioskTime!();
      const payload = encodeCurrentTime(ms, this.options.timeZone);
      command = { type: 'write', id, address, service: CTS_SERVICE, characteristic: CURRENT_TIME, payload };
    }
    setup.current = ms === undefined ? { operation, id } : { operation, id, ms };
    result.write.push(this.options.send(command));
  }

  /** The reads are over: the identity is kept for the run and the held readings go on with it. */
  private identified(address: string, setup: Setup, result: DialogueStep): void {
    const identity = setup.identity!;
    setup.identity = undefined;
    setup.holdUntil = undefined;
    this.options.identities.set(address, identity);
    result.events.push(event('device-identified', { address, ...identity }));
    result.measurements.push(...setup.held);
    setup.held = [];
  }

  private onOk(
    address: string,
    setup: Setup,
    operation: Operation,
    ms: number | undefined,
    result: DialogueStep,
  ): void {
    if (operation.kind === 'records') {
      // The OK only says the request went out: the transfer ends with the RACP response.
      setup.awaitingRecords = true;
      return;
    }
    if (operation.kind === 'clock')
      result.events.push(event('device-clock', { address, state: 'set', at: new Date(ms!).toISOString() }));
    setup.current = undefined;
    this.next(address, setup, result);
  }

  private onError(
    address: string,
    setup: Setup,
    operation: Operation,
    ms: number | undefined,
    message: Extract<Answer, { type: 'error' }>,
    result: DialogueStep,
  ): void {
    setup.current = undefined;
    const what =
      operation.kind === 'read'
        ? `read ${address} 180A/${operation.characteristic.toUpperCase()}`
        : operation.kind === 'records'
          ? `write ${address}`
          : operation.kind === 'vendor'
            ? `write ${address} (${operation.purpose})`
            : `clock ${address}`;
    const detail: DialogueEvent['detail'] = { address };
    if (message.code === 'NOT_CONNECTED') {
      // Gone before it answered: its STATE line follows; its next connection asks again.
      result.errors.push(new DecodeError('DEVICE_ERROR', ID, `${what}: ${message.code} ${message.message}`));
      setup.queue = [];
      return;
    }
    if (operation.kind === 'read' && message.code === 'BAD_COMMAND') {
      // A gateway older than READ: no identity from it, and no sense asking for the rest.
      setup.queue = setup.queue.filter((o) => o.kind !== 'read');
    } else if (operation.kind === 'clock' && message.code === 'NOT_FOUND') {
      result.events.push(event('device-clock', { ...detail, state: 'unsupported' }));
    } else if (!(operation.kind === 'read' && message.code === 'NOT_FOUND')) {
      // NOT_FOUND of a Device Information characteristic is normal: each is optional.
      result.errors.push(new DecodeError('DEVICE_ERROR', ID, `${what}: ${message.code} ${message.message}`));
      if (operation.kind === 'clock') {
        const reason = `${message.code} ${message.message}`.slice(0, 200);
        result.events.push(
          event('device-clock', { ...detail, state: 'failed', reason, tried: new Date(ms!).toISOString() }),
        );
      }
    }
    this.next(address, setup, result);
  }
}
