import type { DeviceMeasurement, MeasurementKind } from '@klinik-desa/protocol';

/** How the bytes of a device are cut into frames before decoding. */
export type Framing =
  | {
      /** Text lines; the delimiter stays off the frame handed to `decode`. */
      type: 'line';
      delimiter: string;
      /** A line longer than this is cut off and reported as TOO_LONG. */
      maxFrameBytes: number;
    }
  | { type: 'custom'; maxFrameBytes: number };

export interface SerialSettings {
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
}

export interface ProtocolInfo {
  /** The id used in kiosk configuration, e.g. `ad-scale`. */
  id: string;
  vendor: string;
  models: readonly string[];
  transport: 'serial' | 'ble-gateway';
  kinds: readonly MeasurementKind[];
  /** `stream`: the device talks by itself; `dialogue`: the agent must answer or ask. */
  mode: 'stream' | 'dialogue';
  /** The usual serial settings; every one can be overridden per device in the kiosk config. */
  serial?: SerialSettings;
  framing: Framing;
}

/** A device protocol: pure functions, no I/O, no clock, no randomness. */
export interface DeviceDriver extends ProtocolInfo {
  /** Turns one frame into a measurement, or throws `DecodeError`. Nothing else is thrown. */
  decode(frame: Uint8Array): DeviceMeasurement;
  /** The bytes the device would send for this measurement: the simulator's half. */
  encode(measurement: DeviceMeasurement): Uint8Array;
}
