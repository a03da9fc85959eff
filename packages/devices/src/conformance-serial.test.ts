import { describeBuiltInConformance } from './testing/built-in-conformance.js';

// Serial protocols; the GATT characteristics are in conformance-gatt.test.ts.
describeBuiltInConformance('serial');
