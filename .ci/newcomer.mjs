// CI as a newcomer meets the project: this commit cloned into an empty folder with nothing beside
// it (no ../shared, no node_modules, no caches of this checkout), then the two commands README.md
// gives, run there as written: the demo's, then the test command's. The test command's last line,
// `N passed, N failed`, ends the run, with the demo counted in it as one check.
//
// It tests what is committed (HEAD); a checkout's uncommitted changes are not in the clone.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const USAGE = `Usage: .ci/run [--keep]

Clones this repository's HEAD into an empty folder under the system's temp directory and runs the
two commands README.md gives there: the demo's, then the test command's (which ends with
N passed, N failed). --keep leaves the clone in place afterwards.`;

let keep = false;
try {
  const { values } = parseArgs({
    strict: true,
    options: { help: { type: 'boolean', short: 'h' }, keep: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  keep = values.keep ?? false;
} catch (error) {
  console.error(`.ci/run: ${error.message.split('. ')[0]}; options: --keep, --help`);
  process.exit(2);
}

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** The README's set-up commands, as a newcomer copies them: `<install> && <pnpm> demo|test`. */
export function readmeCommands(readme) {
  const lines = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].trim().split('\n'));
  const find = (script) => {
    const found = lines.filter((l) =>
      new RegExp(`^npx --yes pnpm@[\\d.]+ install && npx --yes pnpm@[\\d.]+ ${script}$`).test(l),
    );
    if (found.length !== 1)
      throw new Error(
        `README.md should give one "... install && ... ${script}" command; found ${found.length}`,
      );
    return found[0];
  };
  return { demo: find('demo'), test: find('test') };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const commands = readmeCommands(readFileSync(join(root, 'README.md'), 'utf8'));
  const dirty = spawnSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }).stdout.trim();
  if (dirty) console.log('note: uncommitted changes are not in the clone; this run tests HEAD');
  const empty = mkdtempSync(join(tmpdir(), 'kd-newcomer-'));
  const clone = join(empty, 'klinik-desa');
  const cloned = spawnSync('git', ['clone', '--quiet', '--no-local', root, clone], { stdio: 'inherit' });
  if (cloned.status !== 0) {
    console.log('\n0 passed, 1 failed');
    process.exit(1);
  }
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
    cwd: clone,
    encoding: 'utf8',
  }).stdout.trim();
  console.log(`── a newcomer's clone of ${head} in ${clone}, nothing beside it`);
  console.log(`── the README's demo command: ${commands.demo}`);
  const demo = spawnSync('bash', ['-c', commands.demo], { cwd: clone, stdio: 'inherit' });
  console.log(
    `── the README's demo command: ${demo.status === 0 ? 'ok' : `FAILED (exit ${demo.status ?? demo.signal})`}`,
  );
  console.log(`── the README's test command: ${commands.test}`);
  const test = spawnSync('bash', ['-c', commands.test], {
    cwd: clone,
    stdio: 'inherit',
    // The test command counts the demo's outcome as one check of its own run.
    env: { ...process.env, KD_README_DEMO: demo.status === 0 ? 'passed' : 'failed' },
  });
  if (!keep) rmSync(empty, { recursive: true, force: true });
  process.exit(test.status === 0 && demo.status === 0 ? 0 : 1);
}
