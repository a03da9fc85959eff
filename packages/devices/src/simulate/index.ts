/**
 * `@klinik-desa/devices/simulate`: the device's side of every protocol, for `kiosk-agent simulate`,
 * demos and tests: encoders, simulated meters and gateways, example measurements. The decoding
 * side (`@klinik-desa/devices`) never loads this.
 */
export { adScaleSimulation } from './ad-scale.js';
export {
  bayerContourSimulation,
  type ContourMeterOptions,
  createContourMeterSimulator,
  encodeContourResult,
} from './bayer-contour.js';
export {
  bleGatewaySimulation,
  createGatewaySimulator,
  type GatewaySimulator,
  type GatewaySimulatorOptions,
  SIMULATED_BLE_ADDRESS,
  SIMULATED_DEVICE_ADDRESS,
  type SimulatedBleDevice,
} from './ble-gateway.js';
export { contecCms50dSimulation } from './contec-cms50d.js';
export { gattSimulations, measurementEncoderFor } from './gatt.js';
export {
  createOneTouchMeterSimulator,
  encodeOneTouchDumpHeader,
  onetouchUltra2Simulation,
} from './onetouch-ultra2.js';
export { BUILT_IN_SIMULATIONS, encode, getSimulation, simulatedDriver } from './registry.js';
export type { DeviceSimulation, SimulatedDevice, SimulatedDriver } from './simulation.js';
export { tanitaSimulation } from './tanita.js';
export { answerFromValues, type SimulatedVendorService } from './vendor-device.js';
