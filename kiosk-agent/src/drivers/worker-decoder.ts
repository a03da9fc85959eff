import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DECODE_ERROR_CODES, DecodeError, type DecodeErrorCode } from '@klinik-desa/devices';
import type { DeviceMeasurement } from '@klinik-desa/protocol';
import type { DriverBudget } from './driver-budget.js';
import type { DecodeOutcome, DriverFailureCode, FrameDecoder } from './frame-decoder.js';
import { DRIVER_WORKER_SOURCE } from './worker-source.js';

type WorkerAnswer =
  | { ready: true }
  | { loadFailed: string }
  | { measurement: DeviceMeasurement }
  | { error: { decodeError: boolean; code?: string; message: string } };

/** One worker and the answer it owes; `settle` is called once, by the answer or by its end. */
interface Running {
  worker: Worker;
  ready: Promise<true | DecodeOutcome>;
  settle?: ((answer: WorkerAnswer | DecodeOutcome) => void) | undefined;
}

/**
 * A vendor driver's decode in a worker thread, under a time and memory budget: a decode that
 * throws is reported, one that does not answer in time has its worker terminated (a loop cannot
 * be interrupted any other way) and the next frame starts a fresh one, one that allocates without
 * end meets the worker's heap limit. One frame at a time, so answers keep the frames' order.
 */
export class WorkerDecoder implements FrameDecoder {
  private running: Running | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly driverId: string,
    private readonly budget: DriverBudget,
  ) {}

  decode(frame: Uint8Array): Promise<DecodeOutcome> {
    if (this.waiting >= this.budget.maxWaiting)
      return Promise.resolve(
        this.failure('DRIVER_OVERLOADED', `more than ${this.budget.maxWaiting} frames waiting`),
      );
    this.waiting++;
    const done = this.queue.then(() => this.decodeNow(frame));
    this.queue = done.finally(() => this.waiting--);
    return done;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.running?.worker.terminate();
    this.running = undefined;
  }

  private async decodeNow(frame: Uint8Array): Promise<DecodeOutcome> {
    if (this.closed) return this.failure('DRIVER_CRASHED', 'the driver was stopped');
    this.running ??= this.spawn();
    const running = this.running;
    const ready = await running.ready;
    if (ready !== true) return ready;
    const answer = await this.ask(running, frame, this.budget.decodeMs);
    return 'ok' in answer ? answer : this.outcomeOf(answer);
  }

  /** Sends one frame; a worker that does not answer in time is ended and replaced on the next frame. */
  private ask(running: Running, frame: Uint8Array, ms: number): Promise<WorkerAnswer | DecodeOutcome> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        running.settle = undefined;
        this.end(running);
        resolve(this.failure('DRIVER_TIMEOUT', `decode did not answer within ${ms} ms`));
      }, ms);
      running.settle = (answer) => {
        clearTimeout(timer);
        running.settle = undefined;
        resolve(answer);
      };
      running.worker.postMessage(frame);
    });
  }

  private spawn(): Running {
    const worker = new Worker(DRIVER_WORKER_SOURCE, {
      eval: true,
      workerData: { url: pathToFileURL(this.file).href, driverId: this.driverId },
      resourceLimits: { maxOldGenerationSizeMb: this.budget.memoryMb, maxYoungGenerationSizeMb: 16 },
      // Plain Node, as on a kiosk: a driver package is JavaScript, whatever loaders or export
      // conditions the agent itself was started with (the workspace's dev loop has both).
      execArgv: [],
      // The driver's console output is not the agent's log: it is dropped, not mixed into it.
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    worker.unref();
    let resolveReady: (value: true | DecodeOutcome) => void = () => undefined;
    const running: Running = { worker, ready: new Promise((resolve) => (resolveReady = resolve)) };
    const startTimer = setTimeout(() => {
      this.end(running);
      resolveReady(
        this.failure('DRIVER_CRASHED', `the driver did not load within ${this.budget.startMs} ms`),
      );
    }, this.budget.startMs);
    // Settling twice is harmless: a promise keeps its first value.
    const onReady = (value: true | DecodeOutcome) => {
      clearTimeout(startTimer);
      resolveReady(value);
    };
    worker.on('message', (answer: WorkerAnswer) => {
      if ('ready' in answer) onReady(true);
      else if ('loadFailed' in answer) {
        this.end(running);
        onReady(this.failure('DRIVER_CRASHED', `the driver failed to load: ${answer.loadFailed}`));
      } else running.settle?.(answer);
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const outcome =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? this.failure('DRIVER_OUT_OF_MEMORY', `decode used more than ${this.budget.memoryMb} MB`)
          : this.failure('DRIVER_CRASHED', error.message);
      this.end(running);
      onReady(outcome);
      running.settle?.(outcome);
    });
    worker.on('exit', () => {
      this.end(running);
      const outcome = this.failure('DRIVER_CRASHED', 'the driver ended its worker');
      onReady(outcome);
      running.settle?.(outcome);
    });
    return running;
  }

  private end(running: Running): void {
    if (this.running === running) this.running = undefined;
    void running.worker.terminate();
  }

  private outcomeOf(answer: WorkerAnswer): DecodeOutcome {
    if ('measurement' in answer) return { ok: true, measurement: answer.measurement };
    if ('error' in answer) {
      const { decodeError, code, message } = answer.error;
      if (!decodeError) return this.failure('DRIVER_THREW', `decode threw: ${message}`);
      const known = (DECODE_ERROR_CODES as readonly string[]).includes(code ?? '');
      const text = message.startsWith(`${this.driverId}: `)
        ? message.slice(this.driverId.length + 2)
        : message;
      return {
        ok: false,
        error: new DecodeError(known ? (code as DecodeErrorCode) : 'BAD_FORMAT', this.driverId, text),
      };
    }
    return this.failure('DRIVER_CRASHED', 'the driver answered out of turn');
  }

  private failure(code: DriverFailureCode, message: string): DecodeOutcome {
    return { ok: false, failure: { code, driverId: this.driverId, message } };
  }
}
