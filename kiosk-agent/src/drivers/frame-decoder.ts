import type { DecodeError } from '@klinik-desa/devices';
import type { DeviceMeasurement } from '@klinik-desa/protocol';

/** Stable codes of a driver misbehaving (not a bad frame: a bug or a budget overrun in the driver). */
export const DRIVER_FAILURE_CODES = [
  /** decode threw something other than a DecodeError. */
  'DRIVER_THREW',
  /** decode did not answer within the budget; its worker was terminated. */
  'DRIVER_TIMEOUT',
  /** the driver's worker used more memory than the budget. */
  'DRIVER_OUT_OF_MEMORY',
  /** the driver's worker ended by itself, or the package could not be loaded in it. */
  'DRIVER_CRASHED',
  /** frames arrived faster than the driver answered; the excess was dropped. */
  'DRIVER_OVERLOADED',
] as const;
export type DriverFailureCode = (typeof DRIVER_FAILURE_CODES)[number];

export interface DriverFailure {
  readonly code: DriverFailureCode;
  readonly driverId: string;
  readonly message: string;
}

/** What became of one frame: a measurement, a frame the driver rejected, or a driver failure. */
export type DecodeOutcome =
  | { readonly ok: true; readonly measurement: DeviceMeasurement }
  | { readonly ok: false; readonly error: DecodeError }
  | { readonly ok: false; readonly failure: DriverFailure };

/** Decodes frames away from the agent's thread; answers in the order frames were given. */
export interface FrameDecoder {
  decode(frame: Uint8Array): Promise<DecodeOutcome>;
  close(): Promise<void>;
}
