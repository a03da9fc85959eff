import { defineConfig } from 'tsup';

export default defineConfig({
  // What a kiosk installs: the driver as JavaScript (Node does not run TypeScript from node_modules).
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'node20',
});
