// pnpm bench driver-worker: what containing a vendor driver costs per frame. The example vendor
// scale's decode, called in the agent's thread (as built-in drivers are), against the same decode
// through its worker thread (as a vendor package's runs), one frame at a time as a device sends.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '@klinik-desa/testkit';
import { encodeTs200, ts200 } from '../../examples/vendor-driver/src/ts200.js';
import { DRIVER_BUDGET } from '../src/drivers/driver-budget.js';
import { WorkerDecoder } from '../src/drivers/worker-decoder.js';

const FRAMES = 20_000;
const WARM = 2_000;
const frames = Array.from({ length: FRAMES }, (_, i) =>
  encodeTs200({ kind: 'weight', weight: { value: 40 + (i % 900) / 10, unit: 'kg' } }).subarray(0, -2),
);

function inThread(): number {
  for (const frame of frames.slice(0, WARM)) ts200.decode(frame);
  const started = performance.now();
  for (const frame of frames) ts200.decode(frame);
  return ((performance.now() - started) * 1000) / FRAMES;
}

/** The package as a kiosk installs it: built to JavaScript (a worker runs no TypeScript). */
function builtExample(): string {
  const args = ['--filter', '@klinik-desa/example-vendor-driver', 'run', 'build'];
  const pnpmPath = process.env['npm_execpath'];
  const build = pnpmPath
    ? spawnSync(process.execPath, [pnpmPath, ...args], { cwd: repoRoot, encoding: 'utf8' })
    : spawnSync('pnpm', args, { cwd: repoRoot, encoding: 'utf8' });
  if (build.status !== 0)
    throw new Error(`could not build the example driver:\n${build.stdout}${build.stderr}`);
  return fileURLToPath(new URL('../../examples/vendor-driver/dist/index.js', import.meta.url));
}

async function inWorker(): Promise<number> {
  const file = builtExample();
  const decoder = new WorkerDecoder(file, ts200.id, { ...DRIVER_BUDGET, startMs: 60_000 });
  try {
    for (const frame of frames.slice(0, WARM)) await decoder.decode(frame);
    const started = performance.now();
    for (const frame of frames) {
      const outcome = await decoder.decode(frame);
      if (!outcome.ok) throw new Error(`frame not decoded: ${JSON.stringify(outcome)}`);
    }
    return ((performance.now() - started) * 1000) / FRAMES;
  } finally {
    await decoder.close();
  }
}

const thread = inThread();
const worker = await inWorker();
console.log(`driver decode per frame (${FRAMES} frames, warm):`);
console.log(`  in the agent's thread (built-in drivers): ${thread.toFixed(1)} µs`);
console.log(
  `  in a worker thread (vendor packages):     ${worker.toFixed(1)} µs (${(worker / thread).toFixed(0)}× the thread's; +${(worker - thread).toFixed(1)} µs per frame)`,
);
