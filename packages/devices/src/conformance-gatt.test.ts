import { describeBuiltInConformance } from './testing/built-in-conformance.js';

// GATT characteristics; the serial protocols are in conformance-serial.test.ts.
describeBuiltInConformance('ble-gateway');
