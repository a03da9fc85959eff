import type { DeviceMeasurement } from '@klinik-desa/protocol';
import { DecodeError } from '../errors.js';
import { getDriver } from '../registry.js';
import { adScaleSimulation } from './ad-scale.js';
import { bayerContourSimulation } from './bayer-contour.js';
import { bleGatewaySimulation } from './ble-gateway.js';
import { contecCms50dSimulation } from './contec-cms50d.js';
import { gattSimulations } from './gatt.js';
import { onetouchUltra2Simulation } from './onetouch-ultra2.js';
import type { DeviceSimulation, SimulatedDriver } from './simulation.js';
import { tanitaSimulation } from './tanita.js';

/** The simulating half of every built-in driver, in the order of `BUILT_IN_DRIVERS`. */
export const BUILT_IN_SIMULATIONS: readonly DeviceSimulation[] = [
  adScaleSimulation,
  tanitaSimulation,
  bayerContourSimulation,
  onetouchUltra2Simulation,
  contecCms50dSimulation,
  bleGatewaySimulation,
  ...gattSimulations,
];

const builtIn = new Map(BUILT_IN_SIMULATIONS.map((simulation) => [simulation.id, simulation]));

/**
 * The simulating half of a protocol: a built-in one, or a registered vendor driver's own (a plugin
 * brings `encode` in the same object). Throws `DecodeError` UNKNOWN_PROTOCOL for an id not registered.
 */
export function getSimulation(protocolId: string): DeviceSimulation {
  const simulation = builtIn.get(protocolId);
  if (simulation) return simulation;
  const driver = getDriver(protocolId) as Partial<SimulatedDriver>;
  if (typeof driver.encode !== 'function')
    throw new DecodeError('UNKNOWN_PROTOCOL', protocolId, 'this protocol has no simulation');
  return driver as SimulatedDriver;
}

/** A driver with both halves, for the conformance suite. */
export function simulatedDriver(protocolId: string): SimulatedDriver {
  return { ...getDriver(protocolId), ...getSimulation(protocolId) };
}

/** The bytes a device would send for this measurement (the simulator's half). Throws `EncodeError`. */
export function encode(protocolId: string, measurement: DeviceMeasurement): Uint8Array {
  return getSimulation(protocolId).encode(measurement);
}
