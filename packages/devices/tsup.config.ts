import { defineConfig } from 'tsup';

export default defineConfig({
  // `simulate` is the device's side (encoders, simulated meters and gateways), kept out of the
  // decoding entry; `testing` is the conformance suite vendors run on their own drivers.
  entry: {
    index: 'src/index.ts',
    'simulate/index': 'src/simulate/index.ts',
    'testing/index': 'src/testing/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // The test runner and property library are the vendor's own (optional peer dependencies).
  external: ['vitest', 'fast-check'],
});
