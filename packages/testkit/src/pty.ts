import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './ports.js';

export interface PtyPair {
  /** The end the agent opens, as it would open /dev/ttyUSB0. */
  readonly agentPath: string;
  /** The end the test (playing the device) writes to. */
  readonly devicePath: string;
  /** Kills socat: for the agent it is a cable pulled out. */
  close(): Promise<void>;
}

export function socatAvailable(): boolean {
  try {
    execFileSync('socat', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * socat under a small shell that holds a pipe from the test process: when the test process ends in
 * any way (its last test done, a crash, SIGKILL from the test runner) the pipe closes, `cat` sees
 * its end, and the shell's EXIT trap ends socat. A pair a test forgot to close (the kiosk page
 * tests' oximeters did) then dies with the test instead of outliving the test run.
 */
const WATCHED_SOCAT = [
  'socat "$@" &',
  'socat=$!',
  'trap \'kill "$socat" 2>/dev/null; wait "$socat"\' EXIT',
  "trap 'exit 143' TERM INT HUP",
  'cat >/dev/null',
].join('\n');

/**
 * Two linked pseudo-terminals made by socat: a serial cable without hardware. `raw,echo=0` keeps
 * the line discipline from rewriting bytes (CR/LF translation, echo) so frames arrive exactly.
 */
export async function createPtyPair(
  name = 'pty',
  dir = mkdtempSync(join(tmpdir(), 'kd-pty-')),
): Promise<PtyPair> {
  if (!socatAvailable())
    throw new Error('socat is not installed: run the test command from README.md, which installs it');
  const agentPath = join(dir, `${name}-agent`);
  const devicePath = join(dir, `${name}-device`);
  // Its own process group, so close() signals the shell, cat and socat at once.
  const child: ChildProcess = spawn(
    'sh',
    [
      '-c',
      WATCHED_SOCAT,
      'socat-watchdog',
      '-d',
      `pty,raw,echo=0,link=${agentPath}`,
      `pty,raw,echo=0,link=${devicePath}`,
    ],
    { stdio: ['pipe', 'ignore', 'pipe'], detached: true },
  );
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  // A forgotten pair must not keep the test process alive either: that would keep socat alive too.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();

  const signal = (sig: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, sig);
    } catch {
      // the group is already gone
    }
  };
  try {
    await waitFor(
      () => {
        if (gone) throw new Error(`socat exited before making its ptys in ${dir}:\n${output}`);
        return existsSync(agentPath) && existsSync(devicePath);
      },
      { what: `socat ptys in ${dir}`, timeoutMs: 10_000 },
    );
  } catch (error) {
    signal('SIGKILL');
    throw error;
  }
  return {
    agentPath,
    devicePath,
    async close() {
      if (gone) return;
      child.ref();
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
