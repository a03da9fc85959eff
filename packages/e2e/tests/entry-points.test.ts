// Every command a user can type answers `--help` with its usage and exit 0 without doing its work,
// and turns a bad option into one line on stderr and a non-zero exit, never a stack trace. The list
// is read from the files (the root's and every workspace package's package.json scripts, every package's
// `bin`, and the commands each CLI's usage lists), so a new entry point is walked without being
// named here.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot } from '@klinik-desa/testkit';
import { describe, expect, it } from 'vitest';

interface EntryPoint {
  /** How the test names it: what a user types. */
  readonly name: string;
  readonly cwd: string;
  readonly argv: readonly string[];
}

/** The TypeScript a built `bin` (./dist/cli.js) is made from: run from source, as the scripts do. */
const SOURCE_RUN = ['node', '--conditions=@klinik-desa/source', '--import', 'tsx'];

/**
 * Scripts that run other people's tools (vitest, biome, tsc, pnpm -r) answer --help themselves;
 * `.ci/*.mjs` are the test command and its package check, which this test runs inside of.
 */
function ownEntry(command: string): boolean {
  return command.startsWith('node ') && !/\s\.ci\//.test(command);
}

function packageJson(dir: string): { scripts?: Record<string, string>; bin?: Record<string, string> } {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

function workspaceDirs(): string[] {
  const under = (parent: string) =>
    readdirSync(join(repoRoot, parent), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(repoRoot, parent, d.name))
      // A workspace package has a package.json; the gateway firmware (C, built by CMake) has none.
      .filter((dir) => existsSync(join(dir, 'package.json')));
  return [...under('packages'), ...under('examples'), join(repoRoot, 'kiosk-agent')];
}

function entryPoints(): EntryPoint[] {
  const found = new Map<string, EntryPoint>();
  const add = (name: string, cwd: string, argv: string[]) => {
    // The same file reached twice (`pnpm kiosk-agent` and the `klinik-desa-agent` bin) is walked once.
    const key = join(cwd, argv.at(-1) ?? '');
    if (!found.has(key)) found.set(key, { name, cwd, argv });
  };
  const withScripts = [repoRoot, ...workspaceDirs()];
  for (const dir of withScripts) {
    for (const [script, command] of Object.entries(packageJson(dir).scripts ?? {})) {
      if (!ownEntry(command)) continue;
      const where = dir === repoRoot ? '' : ` (in ${relative(repoRoot, dir)})`;
      add(`pnpm ${script}${where}`, dir, command.split(/\s+/));
    }
  }
  for (const dir of workspaceDirs()) {
    for (const [bin, target] of Object.entries(packageJson(dir).bin ?? {})) {
      const source = target.replace(/^\.\/dist\//, 'src/').replace(/\.c?js$/, '.ts');
      add(bin, repoRoot, [...SOURCE_RUN, relative(repoRoot, join(dir, source))]);
    }
  }
  return [...found.values()];
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** What the command left in its own empty TMPDIR (tsx's compile cache aside). */
  tmpLeft: string[];
}

/** Two at a time: each is a Node with tsx compiling TypeScript, on a machine of two cores. */
const slots = { free: 2, waiting: [] as (() => void)[] };
async function inSlot<T>(work: () => Promise<T>): Promise<T> {
  if (slots.free === 0) await new Promise<void>((resolve) => slots.waiting.push(resolve));
  else slots.free--;
  try {
    return await work();
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free++;
  }
}

/** Long enough for tsx on a busy machine; the demo or a benchmark doing its work takes longer. */
const KILL_AFTER_MS = 40_000;

function run(entry: EntryPoint, args: string[]): Promise<Outcome> {
  return inSlot(() => runNow(entry, args));
}

/**
 * Each run gets an empty TMPDIR, to see what it wrote there; tsx's compile cache in it points to
 * the shared one, or every run would compile the whole program again.
 */
function emptyTmpdir(): string {
  const tmp = mkdtempSync(join(tmpdir(), 'kd-entry-'));
  const cache = `tsx-${process.getuid?.() ?? 'user'}`;
  mkdirSync(join(tmpdir(), cache), { recursive: true, mode: 0o700 });
  symlinkSync(join(tmpdir(), cache), join(tmp, cache));
  return tmp;
}

function runNow(entry: EntryPoint, args: string[]): Promise<Outcome> {
  const tmp = emptyTmpdir();
  const started = Date.now();
  const [command, ...rest] = entry.argv as [string, ...string[]];
  return new Promise((resolve) => {
    execFile(
      command === 'node' ? process.execPath : command,
      [...rest, ...args],
      { cwd: entry.cwd, env: { ...process.env, TMPDIR: tmp }, timeout: KILL_AFTER_MS, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const tmpLeft = readdirSync(tmp).filter((f) => !f.startsWith('tsx-'));
        rmSync(tmp, { recursive: true, force: true });
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started, tmpLeft });
      },
    );
  });
}

/** The commands a CLI's usage lists under "Commands:" (two spaces, the name, two spaces, a summary). */
function subcommands(usage: string): string[] {
  const section = usage.split(/^Commands:$/m)[1]?.split(/\n\s*\n/)[0] ?? '';
  return [...section.matchAll(/^ {2}(\S+) {2,}/gm)].map((m) => m[1] as string);
}

async function expectHelp(entry: EntryPoint, args: string[]): Promise<Outcome> {
  const what = `${entry.name} ${args.join(' ')}`;
  const help = await run(entry, args);
  expect(help.stderr, `${what}: stderr`).toBe('');
  expect(help.code, `${what}: exit code; stdout:\n${help.stdout}`).toBe(0);
  // The usage comes first: nothing was started, connected or written before it.
  expect(help.stdout, `${what}: stdout`).toMatch(/^Usage/);
  expect(help.tmpLeft, `${what}: files it made in TMPDIR`).toEqual([]);
  expect(help.ms, `${what}: took ${help.ms} ms`).toBeLessThan(KILL_AFTER_MS);
  return help;
}

async function expectBadOption(entry: EntryPoint, args: string[]): Promise<void> {
  const what = `${entry.name} ${args.join(' ')}`;
  const bad = await run(entry, args);
  expect(bad.code, `${what}: exit code; stderr:\n${bad.stderr}`).not.toBe(0);
  expect(bad.code, `${what}: killed after ${KILL_AFTER_MS} ms`).not.toBe(null);
  expect(bad.stdout, `${what}: stdout`).toBe('');
  const lines = bad.stderr.trimEnd().split('\n');
  expect(lines, `${what}: stderr is one line`).toHaveLength(1);
  // One line that names the option: not "Error" alone, not the first line of a stack trace.
  expect(lines[0], `${what}: stderr`).toContain('--no-such-option');
  expect(bad.tmpLeft, `${what}: files it made in TMPDIR`).toEqual([]);
}

const entries = entryPoints();

describe('entry points', () => {
  it("are found in the package.json files: the root's and every package's scripts, and the bins", () => {
    const names = entries.map((e) => e.name);
    for (const expected of [
      'pnpm demo',
      'pnpm bench',
      'pnpm schemas',
      'pnpm kiosk-agent',
      'pnpm clinic-server',
      'pnpm screenshots',
    ])
      expect(names).toContain(expected);
    expect(names.some((n) => n.includes('examples/partner-app'))).toBe(true);
    expect(names).toContain('pnpm write-docs (in packages/screening)');
  });

  describe.concurrent.each(entries.map((e) => [e.name, e] as const))('%s', (_name, entry) => {
    it('answers --help with its usage and exit 0, without doing its work', async () => {
      await expectHelp(entry, ['--help']);
    });

    it('turns an unknown option into one line on stderr and a non-zero exit', async () => {
      await expectBadOption(entry, ['--no-such-option']);
    });

    it('does the same for each command its usage lists', async () => {
      const { stdout } = await run(entry, ['--help']);
      for (const command of subcommands(stdout)) {
        await expectHelp(entry, [command, '--help']);
        await expectBadOption(entry, [command, '--no-such-option']);
      }
    }, 600_000);
  });
});
