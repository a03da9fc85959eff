export { Stack, type StackOptions, weighing } from './stack.js';
