import type { Transform } from 'node:stream';
import type { DeviceMeasurement, DeviceValue, MeasurementKind } from '@klinik-desa/protocol';
import type { DecodeError } from './errors.js';

/** How the bytes of a device are cut into frames before decoding. */
export type Framing =
  | {
      /** Text lines; the delimiter stays off the frame handed to `decode`. */
      type: 'line';
      delimiter: string;
      /** A line longer than this is cut off and reported as TOO_LONG. */
      maxFrameBytes: number;
    }
  /** Bytes with their own structure: the driver's `createFramer()` cuts them. */
  | { type: 'custom'; maxFrameBytes: number }
  /**
   * Already one frame per message from the transport (one BLE notification relayed by the gateway):
   * nothing to cut. GATT characteristic drivers use this; they never sit on a serial port alone.
   */
  | { type: 'packet'; maxFrameBytes: number };

export interface SerialSettings {
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
  /** Lines the cable needs raised: the Contour cable takes its power from DTR. */
  dtr?: boolean;
}

export interface ProtocolInfo {
  /** The id used in kiosk configuration, e.g. `ad-scale`. */
  id: string;
  /** What a person calls it: `A&D weighing data format`, `Blood Pressure Measurement 0x2A35`. */
  name?: string;
  vendor: string;
  models: readonly string[];
  /**
   * `serial`: its own serial port. `ble-gateway`: a GATT characteristic that arrives through the
   * BLE gateway (the gateway itself is a `serial` protocol).
   */
  transport: 'serial' | 'ble-gateway';
  kinds: readonly MeasurementKind[];
  /** `stream`: the device talks by itself; `dialogue`: the agent must answer or ask. */
  mode: 'stream' | 'dialogue';
  /** The usual serial settings; every one can be overridden per device in the kiosk config. */
  serial?: SerialSettings;
  framing: Framing;
  /** `confirmed`: a vendor document or a widely used driver states it; `partial`: hobby code only. */
  confidence?: 'confirmed' | 'partial';
  /**
   * A device behind the BLE gateway that speaks its own GATT service: what the gateway must
   * subscribe to and write for it (driver API 1.1). Its values go to `decode`, one value per call.
   */
  bluetooth?: BluetoothProfile;
}

/** Options every framer takes; each driver documents any of its own. */
export interface FramerOptions {
  /** A frame growing past this many bytes is dropped (and reported as TOO_LONG). Default: the driver's. */
  maxFrameBytes?: number;
  /** Told about every byte run the framer throws away: oversize frames, a truncated last frame. */
  onDiscard?: (error: DecodeError) => void;
}

/**
 * The pure core of a framer: bytes in, whole frames out, leftovers kept for the next chunk. It emits
 * the same frames however the input is cut into chunks.
 */
export interface FrameSplitter {
  push(chunk: Uint8Array): Uint8Array[];
  /** The input ended: a partial frame still held is reported (TRUNCATED) and dropped. */
  end(): void;
}

/** What a dialogue wants done after each event: bytes to write, readings and errors to hand on. */
export interface DialogueStep {
  /** Write these to the device, in order, before waiting for the next frame. */
  write: Uint8Array[];
  measurements: DeviceMeasurement[];
  errors: DecodeError[];
  /** Things worth a log line or a status field: a meter identified itself, a BLE device connected. */
  events: DialogueEvent[];
  /**
   * Values on their way to a measurement, shown to the health worker as they come and never kept:
   * a cuff's pressure while it inflates. Absent when there are none.
   */
  live?: LiveValue[];
  /** The exchange is over; the port may be closed or a new dialogue started. */
  done: boolean;
  /** Call `onTimeout()` if no frame arrives within this many milliseconds. Absent: wait as long as it takes. */
  timeoutMs?: number;
  /**
   * What a later dialogue with the same device must know (the BLE gateway's last glucose record
   * handed on per meter). The agent keeps it only once this step's measurements are kept, and hands
   * the latest to `createDialogue` when the port is opened again: a gateway unplugged and plugged
   * back in is not asked for records already taken. Absent: nothing new to remember.
   */
  remember?: unknown;
  /**
   * Values of a vendor's characteristics (a device whose driver declares `bluetooth`), for that
   * driver's decode: the dialogue does not decode them itself. Absent when there are none.
   */
  vendorValues?: VendorValue[];
}

/** One value of a vendor characteristic, relayed by the gateway, for the driver named. */
export interface VendorValue {
  /** The driver's protocol id. */
  driverId: string;
  /** The device behind the gateway that sent it. */
  deviceAddress: string;
  service: string;
  characteristic: string;
  value: Uint8Array;
}

/** A value a device reports before its measurement is done (GATT 0x2A36 intermediate cuff pressure). */
export interface LiveValue {
  /** The measurement it leads to. */
  kind: MeasurementKind;
  /** camelCase, stable: `cuffPressure`. */
  name: string;
  value: DeviceValue;
  /** The device behind a gateway that reported it. */
  deviceAddress?: string;
}

export interface DialogueEvent {
  /** Kebab-case, stable: `meter-info`, `device-connected`, `records-transferred`, ... */
  type: string;
  detail: Record<string, string | number | boolean>;
}

/**
 * A command/response protocol as a pure state machine: no port, no timer, no clock. The agent owns
 * those: it writes `write`, feeds every frame from the driver's framer to `onFrame`, and calls
 * `onTimeout` when `timeoutMs` passes without a frame.
 */
export interface Dialogue {
  start(): DialogueStep;
  onFrame(frame: Uint8Array): DialogueStep;
  onTimeout(): DialogueStep;
}

/**
 * A device protocol, the decoding half: framing, decode, dialogue. Pure functions, no I/O, no clock,
 * no randomness. The simulating half (encode, simulator, examples) is `DeviceSimulation` in
 * `@klinik-desa/devices/simulate`.
 */
export interface DeviceDriver extends ProtocolInfo {
  /** Turns one frame into a measurement, or throws `DecodeError`. Nothing else is thrown. */
  decode(frame: Uint8Array): DeviceMeasurement;
  /** Required when `framing.type` is `custom`: a Transform from raw bytes to frames (object mode). */
  createFramer?(options?: FramerOptions): Transform;
  /** The same framing without streams (optional): what `createFramer` wraps. */
  createSplitter?(options?: FramerOptions): FrameSplitter;
  /** Required when `mode` is `dialogue`. Options are the driver's own (documented with the driver). */
  createDialogue?(options?: Record<string, unknown>, remembered?: unknown): Dialogue;
}

export function emptyStep(): DialogueStep {
  return { write: [], measurements: [], errors: [], events: [], done: false };
}

/**
 * What a driver for a device that speaks its own Bluetooth (a vendor GATT service rather than the
 * standard health profiles) declares, so that the agent can ask the BLE gateway for it: the
 * characteristics whose values carry its readings, and the writes the device needs to send them.
 * Added in driver API 1.1 (optional: a serial driver has none).
 */
export interface BluetoothProfile {
  /**
   * The characteristics the gateway subscribes to (notify or indicate, whichever the device
   * offers) on every connection. Every value of one of them is handed to the driver's `decode`, as
   * the bytes the device sent. At most 4 (the gateway's limit per device).
   */
  readonly notifications: readonly BluetoothCharacteristic[];
  /** Sent in this order after each connection, one at a time (each after the gateway's answer to the last). */
  readonly writes?: readonly BluetoothWrite[];
}

export interface BluetoothCharacteristic {
  /** A 16-bit (`"1809"`) or 128-bit (`"7b3a0001-5c1e-4d2b-9f00-4b4450000001"`) UUID. */
  readonly service: string;
  readonly characteristic: string;
}

export interface BluetoothWrite extends BluetoothCharacteristic {
  /** When to send it. `connected`: once the gateway says the device is connected and subscribed. */
  readonly when: 'connected';
  /** The value to write, as hex (`"01"`): fixed bytes, known when the driver is loaded. */
  readonly value: string;
  /** What it asks of the device, in a few words, for the log: `start a measurement`. */
  readonly purpose: string;
}
