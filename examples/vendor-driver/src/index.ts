import { ts200 } from './ts200.js';

/**
 * The kiosk agent loads a driver package by name (`drivers: ["@timbang/ts200"]` in its config) and
 * registers what it exports as `default` (one driver or an array), `driver` or `drivers`.
 */
export default ts200;
/**
 * The driver API this package was built and tested for, written out (not imported: the agent compares
 * it with the API it runs, so it must say what the driver was made for, not what it is loaded into).
 */
export const driverApiVersion = '1.0.0';
export { decodeTs200, encodeTs200 } from './ts200.js';
export { ts200 as driver };
