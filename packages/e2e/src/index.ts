export { Stack, type StackOptions, weighing } from './stack.js';
export { startTestClinic, type TestClinic } from './test-clinic.js';
