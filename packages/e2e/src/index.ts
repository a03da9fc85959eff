export { type HostGateway, hostMeter, racpRequests, startHostGateway } from './host-gateway.js';
export { Stack, type StackOptions, weighing } from './stack.js';
export { storedReadingIds } from './stored-readings.js';
export { grantedQos } from './suback.js';
export { startTestClinic, type TestClinic } from './test-clinic.js';
export { mountSmallDisk, type SmallDisk } from './tmpfs.js';
export { bloodPressureReading, weightReading } from './weight-reading.js';
