import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PackagingError } from './errors.js';

export interface RunOptions {
  cwd: string;
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs a program to its end and answers its standard output; a failure carries its output. */
export function run(command: string, args: readonly string[], options: RunOptions): string {
  const r = spawnSync(command, args, {
    cwd: options.cwd,
    encoding: 'utf8',
    // Compiling SQLite for a small machine's architecture takes minutes on a busy 2-core box.
    timeout: options.timeoutMs ?? 900_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...options.env },
  });
  if (r.status !== 0)
    throw new PackagingError(
      'COMMAND_FAILED',
      `${command} ${args.join(' ')} failed (exit ${r.status ?? r.signal ?? r.error?.message}):\n${r.stdout ?? ''}${r.stderr ?? ''}`,
    );
  return r.stdout;
}

/**
 * pnpm itself: under `pnpm <script>` npm_execpath is pnpm's script; run alone, the version the
 * workspace names in `packageManager`, through npx.
 */
export function pnpm(args: readonly string[], root: string): string {
  const script = process.env['npm_execpath'];
  if (script && /pnpm/.test(script)) return run(process.execPath, [script, ...args], { cwd: root });
  const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    packageManager: string;
  };
  return run('npx', ['--yes', packageManager, ...args], { cwd: root });
}

/** Runs `work` and writes its duration, in seconds to a tenth, under `step`. */
export function timed<T>(seconds: Record<string, number>, step: string, work: () => T): T {
  const started = Date.now();
  const result = work();
  seconds[step] = Math.round((Date.now() - started) / 100) / 10;
  return result;
}
