/**
 * `@klinik-desa/devices/testing`: what a driver needs to prove itself. Needs `vitest` and
 * `fast-check` (optional peer dependencies of this package).
 */
export {
  BUILT_IN_ARBITRARIES,
  bloodPressureMeasurement,
  decimal,
  deviceTime,
  deviceValue,
  orderedSubset,
  sfloatDeviceValue,
  withOptional,
} from './arbitraries.js';
export {
  type ConformanceOptions,
  type ConformanceVector,
  describeDriverConformance,
  framesOf,
  framesOfStream,
  splitAt,
  undeclaredKind,
} from './conformance.js';
export { type DialogueTranscript, runDialogue, type SimulatedDevice } from './dialogue.js';
export { type FuzzFrameOptions, fuzzFrameFromSeed, fuzzFrames } from './fuzz.js';
export {
  expectedErrorCode,
  loadSharedVectors,
  looseUnitToUcum,
  protocolOfVector,
  type SharedVector,
  vectorMismatches,
} from './shared-vectors.js';
