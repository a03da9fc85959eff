// A pty pair must not outlive the test process that made it, however that process ends: the test
// runner ends its workers without waiting for anyone's cleanup, and a test may forget close().
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from './ports.js';
import { createPtyPair } from './pty.js';

/** Processes whose command line names `dir` (socat names its pty links there). */
function processesNaming(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(dir) && Number(pid) !== process.pid) found.push(`${pid} ${cmdline}`);
    } catch {
      // ended while we looked
    }
  }
  return found;
}

describe.skipIf(process.platform !== 'linux')('createPtyPair', () => {
  it('ends socat when the test process that made the pair is killed without closing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-pty-orphan-'));
    const script = `const { createPtyPair } = await import(${JSON.stringify(new URL('./pty.ts', import.meta.url).href)});
      await createPtyPair('left-open', ${JSON.stringify(dir)});
      console.log('ready');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.once('exit', (code) =>
        reject(new Error(`the pty maker exited (${code}) before its pair was up`)),
      );
    });
    expect(processesNaming(dir).some((p) => p.includes('socat'))).toBe(true);

    child.kill('SIGKILL'); // as a test runner ends a worker: no exit handler runs
    const ended = await waitFor(() => processesNaming(dir).length === 0, { timeoutMs: 5000 }).catch(
      () => false,
    );
    const survivors = ended ? [] : processesNaming(dir);
    for (const line of survivors) process.kill(Number(line.split(' ')[0]), 'SIGKILL'); // leave none behind
    expect(survivors, 'still alive after its maker was killed').toEqual([]);
  });

  it('close() ends socat, as a cable pulled out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-pty-close-'));
    const pair = await createPtyPair('closed', dir);
    expect(processesNaming(dir).length).toBeGreaterThan(0);
    await pair.close();
    expect(processesNaming(dir)).toEqual([]);
  });
});
