import { ts200 } from './ts200.js';

/**
 * The kiosk agent loads a driver package by name (`drivers: ["@timbang/ts200"]` in its config) and
 * registers what it exports as `default` (one driver or an array), `driver` or `drivers`.
 */
export default ts200;
export { decodeTs200, encodeTs200 } from './ts200.js';
export { ts200 as driver };
