import { defineConfig } from 'tsup';

export default defineConfig({
  // Three entries: the client with validation (index), without zod (lite), and the validator.
  entry: ['src/index.ts', 'src/lite.ts', 'src/validate.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  // Browsers and Deno/Bun as well as Node 20: ES2022 syntax, and `neutral` so that an import of
  // a Node built-in fails the build instead of shipping.
  target: 'es2022',
  platform: 'neutral',
  // Class names as the source spells them: without this the bundler renames a class that its own
  // body names (`_KlinikDesaError`) or that shares a name with another (the main entry's
  // `ClinicClient` became `ClinicClient2`), and an app logging `error.constructor.name` sees that.
  keepNames: true,
});
