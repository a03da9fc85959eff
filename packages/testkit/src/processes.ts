import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface RunningProcess {
  readonly child: ChildProcess;
  readonly name: string;
  /** Everything written to stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves with the first output line matching the pattern (or its first capture group array). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
  stop(graceMs?: number): Promise<number | null>;
  kill9(): Promise<void>;
  exited: Promise<number | null>;
}

/** Runs one of our TypeScript CLIs from source, as `pnpm kiosk-agent` / `pnpm clinic-server` do. */
export function startTsProcess(
  name: string,
  entry: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): RunningProcess {
  return startProcess(
    name,
    process.execPath,
    ['--conditions=@klinik-desa/source', '--import', 'tsx', entry, ...args],
    options,
  );
}

/** Runs one of our TypeScript CLIs from source to its end (one-shot commands) and returns its output. */
export function runTsCli(
  entry: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  /** What the CLI reads on standard input (a PIN, say). */
  input?: string,
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(
    process.execPath,
    ['--conditions=@klinik-desa/source', '--import', 'tsx', entry, ...args],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, ...env },
      ...(input !== undefined ? { input } : {}),
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const AGENT_CLI = `${repoRoot}kiosk-agent/src/cli.ts`;
export const SERVER_CLI = `${repoRoot}packages/clinic-server/src/cli.ts`;

export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): RunningProcess {
  const child = spawn(command, args, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    if (process.env['KD_TEST_VERBOSE']) process.stderr.write(`[${name}] ${chunk.toString('utf8')}`);
    for (const w of waiters) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      for (const w of waiters) w();
      resolve(code);
    });
  });
  let exitedFlag = false;
  void exited.then(() => {
    exitedFlag = true;
  });

  return {
    child,
    name,
    exited,
    output: () => text,
    waitForLine(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (const line of text.split('\n')) {
            const match = line.match(pattern);
            if (match) {
              cleanup();
              resolve(match);
              return;
            }
          }
          if (exitedFlag) {
            cleanup();
            reject(new Error(`${name} exited before printing ${pattern}; output:\n${text}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms; output:\n${text}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop(graceMs = 5000) {
      if (exitedFlag) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill9() {
      if (exitedFlag) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
