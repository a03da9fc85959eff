import { kdTherm } from './kd-therm.js';

/**
 * The kiosk agent loads a driver package by name (`drivers: ["@kd-medika/kd-therm"]` in its
 * config) and registers what it exports as `default` (one driver or an array), `driver` or
 * `drivers`. A device behind the BLE gateway names the package: `driver: "@kd-medika/kd-therm"`.
 */
export default kdTherm;
/**
 * The driver API this package was built and tested for, written out (not imported): 1.1 is the
 * first with `bluetooth`.
 */
export const driverApiVersion = '1.1.0';
export {
  decodeKdTherm,
  encodeKdTherm,
  KD_THERM_COMMAND,
  KD_THERM_MEASUREMENT,
  KD_THERM_SERVICE,
  SEND_LAST_AGAIN,
  START_MEASUREMENT,
} from './kd-therm.js';
export { type KdThermService, kdThermService } from './simulator.js';
export { kdTherm as driver };
