import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  loadSharedVectors,
  protocolOfVector,
  type SharedVector,
  vectorMismatches,
} from '@klinik-desa/devices/testing';
import { describe, expect, it } from 'vitest';

// Runs the real CLI, as `pnpm kiosk-agent` does, from the repository root.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// The devices package keeps the project's test vectors (its vectors/README.md names their source).
const VECTORS = fileURLToPath(new URL('../../../packages/devices/vectors', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@klinik-desa/source', '--import', 'tsx', 'kiosk-agent/src/cli.ts', ...args],
      { cwd: ROOT, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Starts every run at once but only a few processes at a time: each is a full Node start. */
async function runAll(argsList: string[][]): Promise<Run[]> {
  const results: Run[] = new Array(argsList.length);
  let next = 0;
  const worker = async () => {
    while (next < argsList.length) {
      const index = next++;
      results[index] = await cli(argsList[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(2, availableParallelism()) }, worker));
  return results;
}

function argsFor(vector: SharedVector): string[] {
  if (vector.characteristic) return ['decode', '--gatt', vector.characteristic, vector.hex, '--compact'];
  return ['decode', '--protocol', protocolOfVector(vector), '--hex', vector.hex, '--compact'];
}

describe('kiosk-agent decode (the real CLI)', () => {
  it('finds the test vectors in the repository', () => {
    expect(existsSync(VECTORS), `expected the shared vectors at ${VECTORS}`).toBe(true);
  });

  it('decodes every shared vector as the library does: JSON and exit 0, or CODE: message and exit 1', async () => {
    const vectors = loadSharedVectors(VECTORS);
    expect(vectors.length).toBeGreaterThan(0);
    const runs = await runAll(vectors.map(argsFor));
    const problems: string[] = [];
    vectors.forEach((vector, index) => {
      const run = runs[index]!;
      let result: Parameters<typeof vectorMismatches>[1];
      if (run.code === 0) {
        result = { ok: true, measurement: JSON.parse(run.stdout) };
      } else if (run.code === 1) {
        const match = /^([A-Z_]+): (.*)$/m.exec(run.stderr);
        if (!match) {
          problems.push(`${vector.id}: exit 1 without "CODE: message" on stderr: ${run.stderr}`);
          return;
        }
        result = { ok: false, error: { code: match[1], message: match[2] } as never };
      } else {
        problems.push(`${vector.id}: exit ${run.code}: ${run.stderr}`);
        return;
      }
      for (const problem of vectorMismatches(vector, result)) problems.push(`${vector.id}: ${problem}`);
    });
    expect(problems).toEqual([]);
  }, 120_000);

  it('takes a text line as it is typed, and prints errors with their code', async () => {
    const [line, tanita, bad, usage, unknown, help, cuff] = await runAll([
      ['decode', '--protocol', 'ad-scale', 'ST,+00062.45 kg', '--compact'],
      [
        'decode',
        '--protocol',
        'tanita',
        '{0,16,~0,1,~1,1,~2,1,MO,"DC-320",ID,"0000000001",DA,"25/09/14",TI,"08:20",Bt,0,GE,1,AG,34,Hm,171.0,Pt,0.0,Wk,89.2,FW,18.8,MI,30.5,CS,39',
      ],
      ['decode', '--protocol', 'ad-scale', 'ST,+000A2.45 kg'],
      ['decode', '--gatt', '2a35'],
      ['decode', '--protocol', 'no-such', 'x'],
      ['decode', '--help'],
      ['decode', '--gatt', '0x2A36', '00 a000 ff07 ff07'],
    ]);
    expect(line).toMatchObject({ code: 0 });
    expect(JSON.parse(line!.stdout)).toEqual({ kind: 'weight', weight: { value: 62.45, unit: 'kg' } });
    expect(JSON.parse(tanita!.stdout)).toMatchObject({ bodyFat: { value: 18.8 }, weight: { value: 89.2 } });
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringMatching(/^BAD_FORMAT: /) });
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringMatching(/give the characteristic value/) });
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringMatching(/^UNKNOWN_PROTOCOL: /) });
    expect(help).toMatchObject({ code: 0, stdout: expect.stringMatching(/--protocol <id>/) });
    expect(JSON.parse(cuff!.stdout)).toMatchObject({
      type: 'intermediate-cuff-pressure',
      cuff: { cuffPressure: { value: 160 } },
    });
  }, 120_000);
});
