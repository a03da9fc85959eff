import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DriverBudget } from './driver-budget.js';

const PROBE_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.url).then(
  () => parentPort.postMessage({ loaded: true }),
  (e) => parentPort.postMessage({ failed: String((e && e.message) || e).split('\\n')[0].slice(0, 500) }),
);
`;

/**
 * Imports a driver package once in a throwaway worker, under the load budget, before the agent
 * imports it itself: a package that loops or eats memory while it loads is refused instead of
 * hanging the kiosk at start. Answers why it cannot load, or undefined when it loads.
 */
export function probeDriverModule(
  file: string,
  budget: Pick<DriverBudget, 'startMs' | 'memoryMb'>,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const worker = new Worker(PROBE_SOURCE, {
      eval: true,
      workerData: { url: pathToFileURL(file).href },
      resourceLimits: { maxOldGenerationSizeMb: budget.memoryMb, maxYoungGenerationSizeMb: 16 },
      execArgv: [],
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    const done = (why: string | undefined) => {
      clearTimeout(timer);
      resolve(why);
      void worker.terminate();
    };
    const timer = setTimeout(
      () => done(`it did not finish loading within ${budget.startMs} ms`),
      budget.startMs,
    );
    worker.on('message', (m: { loaded?: true; failed?: string }) => done(m.failed));
    worker.on('error', (e: Error & { code?: string }) =>
      done(
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `it used more than ${budget.memoryMb} MB while loading`
          : e.message,
      ),
    );
    worker.on('exit', () => done('it ended its worker while loading'));
  });
}
