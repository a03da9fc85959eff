import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** What one checkpoint did, as SQLite reports it: frames in the WAL and frames copied back. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

const CODE = 'KD_WAL_CHECKPOINT';

/** A checkpoint that failed, or was asked of a closed thread; the same code as its warnings. */
export class WalCheckpointError extends Error {
  override readonly name = 'WalCheckpointError';
  readonly code = CODE;
}

/** What the checkpoint thread answers to each request. */
type Outcome = { ok: boolean; result?: CheckpointResult; message?: string };

// Plain CommonJS, run with `eval`: the worker needs no file of its own in src/ or dist/, and
// gets better-sqlite3 by the path the main thread resolved.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = FULL');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, result });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String(error && error.message || error) });
  }
});
`;

function sqliteModulePath(): string {
  // The sources and the ESM build have `import.meta.url`; in the CommonJS build it is empty, and
  // `require` is the real one (in the ESM build it is only a shim without `resolve`).
  const here: string | undefined = import.meta.url;
  return here ? createRequire(here).resolve('better-sqlite3') : require.resolve('better-sqlite3');
}

/**
 * Copies the WAL back into the database file on a thread of its own, shortly after writes.
 *
 * Left to SQLite, the checkpoint runs inside whichever commit crosses the WAL threshold: with the
 * 40 MB threshold ingest needs, that commit held the server's event loop for hundreds of
 * milliseconds (a frame-to-row p99 of 126–291 ms in the agent's bench, against 18 ms without one).
 * A PASSIVE checkpoint never blocks the writer, so the main connection keeps committing meanwhile;
 * its own threshold stays as the backstop, and then finds little left to copy.
 *
 * It follows writes within a tenth of a second, so each one copies and syncs a few megabytes at
 * most. At one second, the checkpoint after a burst copied tens of megabytes, and the commits
 * syncing meanwhile waited for the disk behind it (p99 259 ms again).
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private scheduled: NodeJS.Timeout | undefined;
  private running = false;
  private written = false;
  private closed = false;
  private readonly waiting: ((outcome: Outcome) => void)[] = [];
  /** Checkpoints finished, and the last one's figures: for status and tests. */
  checkpoints = 0;
  last: CheckpointResult | undefined;

  constructor(
    path: string,
    private readonly delayMs = 100,
  ) {
    // No execArgv: the parent's flags (tsx's loader, --input-type=module) are not for this script.
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      execArgv: [],
      workerData: { path, sqlite: sqliteModulePath() },
    });
    this.worker.unref();
    this.worker.on('message', (outcome: Outcome) => {
      this.running = false;
      if (outcome.ok && outcome.result) {
        this.checkpoints++;
        this.last = outcome.result;
      } else {
        // Not fatal: the main connection's own threshold still checkpoints, only on its thread.
        process.emitWarning(`WAL checkpoint failed: ${outcome.message}`, { code: CODE });
      }
      for (const resolve of this.waiting.splice(0)) resolve(outcome);
      if (this.written) this.schedule();
    });
    this.worker.on('error', (error) => {
      this.closed = true;
      process.emitWarning(`WAL checkpoint thread stopped: ${error.message}`, { code: CODE });
      for (const resolve of this.waiting.splice(0)) resolve({ ok: false, message: error.message });
    });
  }

  /** Called after each write: a checkpoint follows within `delayMs`. */
  noteWrite(): void {
    this.written = true;
    if (!this.running) this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined;
      this.start();
    }, this.delayMs);
    this.scheduled.unref();
  }

  private start(): void {
    if (this.running || this.closed) return;
    this.running = true;
    this.written = false;
    this.worker.postMessage('checkpoint');
  }

  /** Checkpoints now (or waits for the one running) and resolves with what it did. */
  checkpointNow(): Promise<CheckpointResult> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new WalCheckpointError('the checkpoint thread is closed'));
        return;
      }
      this.waiting.push((outcome) =>
        outcome.ok && outcome.result
          ? resolve(outcome.result)
          : reject(new WalCheckpointError(outcome.message)),
      );
      this.start();
    });
  }

  async close(): Promise<void> {
    if (this.scheduled) clearTimeout(this.scheduled);
    this.scheduled = undefined;
    if (this.closed) return;
    this.closed = true;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    // Unreferenced so that it never keeps a process alive by itself; while closing it must.
    this.worker.ref();
    this.worker.postMessage('close');
    await exited;
  }
}
