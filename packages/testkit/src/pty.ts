import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './ports.js';
import { type RunningProcess, startProcess } from './processes.js';

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
  const proc: RunningProcess = startProcess('socat', 'socat', [
    '-d',
    `pty,raw,echo=0,link=${agentPath}`,
    `pty,raw,echo=0,link=${devicePath}`,
  ]);
  await waitFor(() => existsSync(agentPath) && existsSync(devicePath), {
    what: `socat ptys in ${dir}`,
    timeoutMs: 10_000,
  });
  return {
    agentPath,
    devicePath,
    async close() {
      await proc.stop(2000);
    },
  };
}
