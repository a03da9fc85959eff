export { Stack, type StackOptions, weighing } from './stack.js';
export { storedReadingIds } from './stored-readings.js';
export { grantedQos } from './suback.js';
export { startTestClinic, type TestClinic } from './test-clinic.js';
export { fillDisk, mountTmpfs, type Tmpfs } from './tmpfs.js';
export { weightReading } from './weight-reading.js';
