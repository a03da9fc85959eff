// The zod namespace's types, for packages that derive types from these schemas without depending on zod.
export type { z } from 'zod';
export * from './annunciation.js';
export * from './api/index.js';
export * from './codes.js';
export * from './event.js';
export * from './ids.js';
export * from './json-schema.js';
export * from './measurement.js';
export * from './reading.js';
export * from './receipt.js';
export * from './status.js';
export * from './time.js';
export * from './topics.js';
export * from './units.js';
