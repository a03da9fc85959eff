// The built SDK in the real Deno and Bun, and in Node beside them: one partner-app flow
// (runtime-flow.mjs, plain JavaScript importing dist/ as a published package is imported)
// against a real clinic server. Each runtime must give the same, spelled-out answer: the calls,
// the pages, and every error as the app sees it (class, code, status), including the two that
// differ most between runtimes, an aborted call and a refused connection.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type JsRuntime, jsRuntime, repoRoot } from '@klinik-desa/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestClinic, type TestClinic } from '../../src/index.js';

const FLOW = fileURLToPath(new URL('./runtime-flow.mjs', import.meta.url));
const SDK = join(repoRoot, 'packages/sdk');
const PROTOCOL = join(repoRoot, 'packages/protocol');

let clinic: TestClinic;

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    // Only what the build reads: tests and their helpers change without making dist/ stale.
    const shipped = !/\.test(-d)?\.ts$/.test(entry.name) && !entry.parentPath.includes('testing');
    if (entry.isFile() && shipped)
      latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}
const mtime = (file: string) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
};

/** The flow runs the built package, as a partner's app would: build it when the sources are newer. */
async function ensureBuilt(): Promise<void> {
  const built = Math.min(
    mtime(join(SDK, 'dist/index.js')),
    mtime(join(SDK, 'dist/lite.js')),
    mtime(join(PROTOCOL, 'dist/index.js')),
  );
  const sources = [SDK, PROTOCOL].flatMap((dir) => [
    newest(join(dir, 'src')),
    mtime(join(dir, 'package.json')),
    mtime(join(dir, 'tsup.config.ts')),
  ]);
  if (built > Math.max(...sources)) return;
  // Under `pnpm test` (also run as `npx pnpm test`), npm_execpath is pnpm itself: no pnpm on PATH needed.
  const pnpm = process.env['npm_execpath'];
  const args = ['--filter', '@klinik-desa/sdk...', 'run', 'build'];
  const result = pnpm
    ? await runProcess(process.execPath, [pnpm, ...args], repoRoot)
    : await runProcess('pnpm', args, repoRoot);
  if (result.code !== 0) throw new Error(`could not build the SDK:\n${result.stdout}${result.stderr}`);
}

function runProcess(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const COMMANDS: Record<'node' | JsRuntime, () => [string, string[]]> = {
  node: () => [process.execPath, [FLOW]],
  // Deno asks before the network and the environment; the flow needs both, and nothing else.
  deno: () => [jsRuntime('deno'), ['run', '--allow-net=127.0.0.1', '--allow-env', FLOW]],
  bun: () => [jsRuntime('bun'), ['run', FLOW]],
};

beforeAll(async () => {
  await ensureBuilt();
  clinic = await startTestClinic();
}, 180_000);

afterAll(async () => {
  await clinic?.close();
});

const failure = (classes: string[], code: string, status: number | null) => ({ classes, code, status });

describe.each(['node', 'deno', 'bun'] as const)('the built SDK in %s', (runtime) => {
  it('runs a partner app: patients, a screening, pages and every kind of error', async () => {
    const [command, args] = COMMANDS[runtime]();
    const result = await runProcess(command, args, SDK, {
      ...process.env,
      KD_URL: clinic.url,
      KD_CLIENT_ID: clinic.admin.clientId,
      KD_CLIENT_SECRET: clinic.admin.clientSecret,
      KD_RUN: runtime,
      KD_NIK_BASE: String({ node: 1000, deno: 2000, bun: 3000 }[runtime]),
      // Deno would otherwise colour its messages and check for its own updates.
      NO_COLOR: '1',
      DENO_NO_UPDATE_CHECK: '1',
    });
    expect(result.stderr, `${runtime} wrote to stderr`).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      runtime,
      misnamedExports: [],
      patient: { name: 'Siti Rahayu', nik: true, ihsNumber: null },
      updated: 'P02478375538',
      foundByNik: true,
      unknownNik: null,
      conflict: failure(['ConflictError', 'KlinikDesaError'], 'PATIENT_EXISTS', 409),
      notFound: failure(['NotFoundError', 'KlinikDesaError'], 'NOT_FOUND', 404),
      badNik: failure(['InvalidArgumentError', 'KlinikDesaError'], 'INVALID_NIK', null),
      validation: failure(['ValidationError', 'KlinikDesaError'], 'VALIDATION', 400),
      pages: [2, 2, 1],
      idempotentReplay: true,
      screening: {
        opened: 'open',
        manualValues: [96],
        finished: 'finished',
      },
      finishedTwice: failure(['ConflictError', 'KlinikDesaError'], 'SCREENING_CLOSED', 409),
      fhirNotReady: failure(['ConflictError', 'KlinikDesaError'], 'FHIR_NOT_READY', 409),
      lite: 'Siti Rahayu',
      aborted: failure(['APIUserAbortError', 'KlinikDesaError'], 'ABORTED', null),
      refused: failure(['APIConnectionError', 'KlinikDesaError'], 'CONNECTION_ERROR', null),
    });
  });
});
