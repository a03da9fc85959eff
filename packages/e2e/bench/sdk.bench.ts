// The SDK's two costs, each beside a baseline measured in the same run:
//   1. bytes: the browser bundle of `@klinik-desa/sdk/lite` (no zod), minified and gzipped, beside
//      the 15 kB aim and beside the full entry (with the zod schemas);
//   2. time: one call through the client against a real clinic server (its own process, SQLite,
//      loopback), beside a bare `fetch` of the same URL with the same token, parsing the same JSON.
// Calls are sequential (one in flight): that is what a kiosk or a dashboard does, and it puts the
// client's own work on the critical path where it shows.
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startBenchClinic } from '@klinik-desa/bench';
import { ClinicClient } from '@klinik-desa/sdk';
import { ClinicClient as LiteClinicClient } from '@klinik-desa/sdk/lite';
import { build } from 'esbuild';

const AIM_BYTES = 15 * 1024;
const AIM_RATIO = 1.2;
const ROUNDS = 7;
const CALLS_PER_ROUND = 300;
const OBSERVATIONS = 20;

async function gzippedBundle(entry: string): Promise<{ raw: number; gzip: number }> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@klinik-desa/source'],
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// ---------------------------------------------------------------- bundle size
const lite = await gzippedBundle('../../sdk/src/lite.ts');
const full = await gzippedBundle('../../sdk/src/index.ts');
console.log('Browser bundle (esbuild, minified, ESM, every export; gzip -9)');
console.log(
  `  @klinik-desa/sdk/lite (no zod)   ${kB(lite.gzip).padStart(8)} gzipped (${kB(lite.raw)} raw)   ${(lite.gzip / AIM_BYTES).toFixed(2)}x the 15 kB aim   ${lite.gzip <= AIM_BYTES ? 'ok' : 'OVER'}`,
);
console.log(
  `  @klinik-desa/sdk (with zod)      ${kB(full.gzip).padStart(8)} gzipped (${kB(full.raw)} raw)   baseline: lite is ${(lite.gzip / full.gzip).toFixed(2)}x of it`,
);

// ---------------------------------------------------------------- per-call overhead
const clinic = await startBenchClinic({ observations: OBSERVATIONS });

try {
  const { url: baseUrl, admin, token, patientId, screeningId } = clinic;
  const validating = new ClinicClient({ baseUrl, ...admin });
  const unvalidated = new LiteClinicClient({ baseUrl, ...admin });

  const bareGet = (path: string) => async () => {
    const r = await fetch(`${baseUrl}${path}`, {
      headers: { accept: 'application/json', authorization: `Bearer ${token}` },
    });
    if (!r.ok) throw new Error(`bare fetch: ${r.status}`);
    return (await r.json()) as unknown;
  };

  const cases = [
    {
      name: 'GET /patients/{id}',
      bare: bareGet(`/patients/${patientId}`),
      lite: () => unvalidated.patients.retrieve(patientId),
      validated: () => validating.patients.retrieve(patientId),
    },
    {
      name: `GET /screenings/{id} (${OBSERVATIONS} observations)`,
      bare: bareGet(`/screenings/${screeningId}`),
      lite: () => unvalidated.screenings.retrieve(screeningId),
      validated: () => validating.screenings.retrieve(screeningId),
    },
  ];

  console.log(
    `\nPer call, sequential, against a real clinic server (SQLite, loopback); median of ${ROUNDS} rounds of ${CALLS_PER_ROUND} calls, interleaved`,
  );
  let worst = 0;
  for (const c of cases) {
    const runs = { bare: [] as number[], lite: [] as number[], validated: [] as number[] };
    for (const call of [c.bare, c.lite, c.validated]) for (let i = 0; i < 100; i++) await call(); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      // Interleaved so that drift (GC, the server's caches, CPU frequency) falls on all three alike.
      for (const kind of ['bare', 'lite', 'validated'] as const) {
        const call = c[kind];
        const started = performance.now();
        for (let i = 0; i < CALLS_PER_ROUND; i++) await call();
        runs[kind].push((performance.now() - started) / CALLS_PER_ROUND);
      }
    }
    const bare = median(runs.bare);
    const liteMs = median(runs.lite);
    const validatedMs = median(runs.validated);
    worst = Math.max(worst, liteMs / bare);
    console.log(`  ${c.name}`);
    console.log(`    bare fetch (baseline)             ${bare.toFixed(3)} ms   1.00x`);
    console.log(
      `    SDK, validation off (lite)        ${liteMs.toFixed(3)} ms   ${(liteMs / bare).toFixed(2)}x bare fetch`,
    );
    console.log(
      `    SDK, zod validation on (default)  ${validatedMs.toFixed(3)} ms   ${(validatedMs / bare).toFixed(2)}x bare fetch`,
    );
  }
  console.log(
    `\n  aim: the client under ${AIM_RATIO}x bare fetch per call (validation off): worst ${worst.toFixed(2)}x ${worst < AIM_RATIO ? 'ok' : 'OVER'}`,
  );
} finally {
  await clinic.stop();
}
