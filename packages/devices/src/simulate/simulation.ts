import type { DeviceMeasurement } from '@klinik-desa/protocol';
import type { DeviceDriver } from '../driver.js';

/** A simulated device: bytes from the host in, its answers out. Pure: no port, no clock. */
export interface SimulatedDevice {
  onBytes(bytes: Uint8Array): Uint8Array[];
  /** What the device sends by itself once the line is open (a gateway's HELLO); nothing when absent. */
  greeting?(): Uint8Array[];
}

/**
 * A device protocol, the simulating half: the device's side of the wire, for `kiosk-agent simulate`,
 * demos and tests. Never loaded by the agent while it reads real devices.
 */
export interface DeviceSimulation {
  /** The protocol id of the driver this simulates. */
  id: string;
  /** The bytes the device would send for this measurement. Throws `EncodeError`. */
  encode(measurement: DeviceMeasurement): Uint8Array;
  /**
   * The device's half of the dialogue, handing over these measurements when asked: what
   * `kiosk-agent simulate` plays for a dialogue protocol, and what demos and tests talk to.
   */
  createSimulator?(measurements: readonly DeviceMeasurement[]): SimulatedDevice;
  /** Measurements this driver can encode: the simulator plays them, the conformance suite round-trips them. */
  examples?: readonly DeviceMeasurement[];
}

/**
 * Both halves in one object: what the conformance suite tests, and what a vendor's driver package
 * exports (a plugin must bring `encode`, so that it can be tested and simulated).
 */
export type SimulatedDriver = DeviceDriver & DeviceSimulation;
