import { driver } from './driver.js';

/**
 * The kiosk agent loads this package by name (`drivers: ["__PACKAGE_NAME__"]` in kiosk.yaml) and
 * registers what it exports as `default` (one driver or an array), `driver` or `drivers`.
 */
export default driver;
/**
 * The driver API this package was built and tested for, written out (not imported: the agent
 * compares it with the API it runs, and loads the driver only when the major versions agree).
 */
export const driverApiVersion = '__DRIVER_API_VERSION__';
export { decodeFrame, driver, encodeFrame } from './driver.js';
