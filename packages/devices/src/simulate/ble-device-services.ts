import type { DeviceMeasurement } from '@klinik-desa/protocol';
import { toBytes } from '../bytes.js';
import { isDecodeError } from '../errors.js';
import {
  CTS_SERVICE,
  CURRENT_TIME,
  type DeviceIdentity,
  DIS_SERVICE,
  decodeCurrentTime,
  encodeGatewayMessage,
  type GatewayCommand,
  IDENTITY_CHARACTERISTICS,
} from '../protocols/ble-gateway/index.js';

/** The services of a simulated BLE device beyond its measurements: who it is, and its clock. */
export interface SimulatedDeviceServices {
  /** Its Device Information service (0x180A): only the fields given are characteristics it has. */
  information?: DeviceIdentity;
  /** It has a Current Time Service (0x1805) whose Current Time (0x2A2B) takes a write. */
  currentTimeService?: boolean;
  /** It keeps glucose records behind a RACP (0x1808/0x2A52). */
  glucoseRecords?: readonly unknown[];
}

/** A Current Time write the simulated device took: what it was set to, and when (simulator clock). */
export interface ClockWrite {
  address: string;
  localTime: string;
  payload: Uint8Array;
  atMs: number;
}

type ReadCommand = Extract<GatewayCommand, { type: 'read' }>;
type WriteCommand = Extract<GatewayCommand, { type: 'write' }>;

const out = (message: Parameters<typeof encodeGatewayMessage>[0]) => toBytes(encodeGatewayMessage(message));

/** Whether discovery would have found this characteristic on the device. */
export function hasCharacteristic(
  device: SimulatedDeviceServices,
  service: string,
  characteristic: string,
): boolean {
  if (service === DIS_SERVICE)
    return IDENTITY_CHARACTERISTICS.some(
      (c) => c.characteristic === characteristic && device.information?.[c.field] !== undefined,
    );
  if (service === CTS_SERVICE) return characteristic === CURRENT_TIME && device.currentTimeService === true;
  if (service === '1808') return characteristic === '2a52' && device.glucoseRecords !== undefined;
  return false;
}

/** READ of a characteristic the device has: a Device Information string as it holds it (UTF-8). */
export function answerRead(command: ReadCommand, device: SimulatedDeviceServices): Uint8Array[] {
  const field = IDENTITY_CHARACTERISTICS.find((c) => c.characteristic === command.characteristic)?.field;
  const text = field && command.service === DIS_SERVICE ? device.information?.[field] : undefined;
  if (text === undefined)
    return [
      out({
        type: 'error',
        id: command.id,
        code: 'GATT_ERROR',
        message: 'ATT error 0x02: read not permitted',
      }),
    ];
  return [
    out({
      type: 'value',
      address: command.address,
      service: command.service,
      characteristic: command.characteristic,
      payload: toBytes(text),
    }),
    out({ type: 'ok', id: command.id }),
  ];
}

/**
 * A device's clock: unset (it keeps whatever time it had) until a Current Time write, then running
 * on from the time written. Times are local wall-clock strings, as the device keeps them.
 */
export class SimulatedDeviceClock {
  private set: { localMs: number; atMs: number } | undefined;

  /** A WRITE to 0x2A2B: taken when it is a valid Current Time, else the ATT error a device gives. */
  write(command: WriteCommand, nowMs: number, writes: ClockWrite[]): Uint8Array[] {
    let time: ReturnType<typeof decodeCurrentTime>;
    try {
      time = decodeCurrentTime(command.payload);
    } catch (error) {
      if (!isDecodeError(error)) throw error;
      // 0x80 "Data field ignored": the CTS spec's answer to a value it will not take.
      return [
        out({
          type: 'error',
          id: command.id,
          code: 'GATT_ERROR',
          message: `ATT error 0x80: ${error.message}`,
        }),
      ];
    }
    this.set = { localMs: Date.parse(`${time.localTime}Z`), atMs: nowMs };
    writes.push({
      address: command.address,
      localTime: time.localTime,
      payload: command.payload,
      atMs: nowMs,
    });
    return [out({ type: 'ok', id: command.id })];
  }

  /** The measurement as the device would stamp it now: its own time, when it keeps one and was set. */
  stamp<T extends DeviceMeasurement>(measurement: T, nowMs: number): T {
    if (!this.set || measurement.deviceTime === undefined) return measurement;
    const local = new Date(this.set.localMs + (nowMs - this.set.atMs)).toISOString().slice(0, 19);
    return { ...measurement, deviceTime: local };
  }
}

/** The gateway's answer to a second READ or WRITE while the device still owes the first. */
export function busy(command: ReadCommand | WriteCommand): Uint8Array {
  return out({
    type: 'error',
    id: command.id,
    code: 'BUSY',
    message: `${command.address} has an operation waiting`,
  });
}

/**
 * A connected device's answer to a READ or WRITE: NOT_FOUND for a characteristic discovery would
 * not have found, else the read, the clock write, or (`racp`) the glucose meter's record request.
 */
export function answerOperation(
  command: ReadCommand | WriteCommand,
  device: SimulatedDeviceServices,
  context: {
    clock: SimulatedDeviceClock;
    nowMs: number;
    clockWrites: ClockWrite[];
    racp: (command: WriteCommand) => Uint8Array[];
  },
): Uint8Array[] {
  if (!hasCharacteristic(device, command.service, command.characteristic)) {
    const where = `${command.service.toUpperCase()}/${command.characteristic.toUpperCase()}`;
    return [out({ type: 'error', id: command.id, code: 'NOT_FOUND', message: `${where} not on the device` })];
  }
  if (command.type === 'read') return answerRead(command, device);
  if (command.characteristic === CURRENT_TIME)
    return context.clock.write(command, context.nowMs, context.clockWrites);
  return context.racp(command);
}
