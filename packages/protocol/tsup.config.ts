import { defineConfig } from 'tsup';

export default defineConfig({
  // `nik` is zod-free: the SDK's lite entry checks a NIK with it and loads no schema.
  entry: ['src/index.ts', 'src/nik.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
});
