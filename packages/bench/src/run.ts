// `pnpm bench`: runs every benchmark script in the repo, one after another (they measure, so they
// must not share the two cores), and passes their output through. A benchmark is any
// `bench/*.bench.ts` file in a package; each prints its figures beside a baseline it measured in
// the same run, as ratios. `pnpm bench <filter>` runs only the files whose path contains the filter.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const USAGE = `Usage: pnpm bench [--list] [<filter>] [-- <options of the benchmark>]

Runs every bench/*.bench.ts file of the packages, one after another, each printing its figures
beside a baseline measured in the same run. With <filter>, only the files whose path contains it
(e.g. \`pnpm bench clinic-server\`). Everything after \`--\` goes to each benchmark file run
(e.g. \`pnpm bench national -- --kiosks 50 --idle 500\`).

Options:
  --list        name the benchmark files (those the filter selects) and run none
  -h, --help    this help`;

/** `--help` and a bad option end here: no benchmark starts (they take minutes and both cores). */
function benchOptions(): { filter: string | undefined; list: boolean; rest: string[] } {
  const argv = process.argv.slice(2);
  const cut = argv.indexOf('--');
  const rest = cut < 0 ? [] : argv.slice(cut + 1);
  try {
    const { values, positionals } = parseArgs({
      args: cut < 0 ? argv : argv.slice(0, cut),
      strict: true,
      allowPositionals: true,
      options: { list: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    if (positionals.length > 1) throw new Error(`Expected one filter, got ${positionals.length}`);
    return { filter: positionals[0], list: values.list === true, rest };
  } catch (error) {
    // parseArgs says what was wrong in its first sentence ("Unknown option '--foo'").
    const what = (error as Error).message.split('. ')[0];
    console.error(`bench: ${what}; usage: pnpm bench [--list] [<filter>], options: --list, --help`);
    process.exit(2);
  }
}

const root = fileURLToPath(new URL('../../../', import.meta.url));
const { filter, list, rest } = benchOptions();
const homes = [
  ...readdirSync(join(root, 'packages')).map((d) => join(root, 'packages', d)),
  join(root, 'kiosk-agent'),
];
const files = homes
  .map((home) => join(home, 'bench'))
  .filter((dir) => existsSync(dir))
  .flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.bench.ts'))
      .map((f) => join(dir, f)),
  )
  .filter((file) => !filter || file.includes(filter))
  .sort();

if (files.length === 0) {
  console.error(
    filter
      ? `bench: no benchmark matches "${filter}"; \`pnpm bench --list\` names them`
      : 'no benchmarks found',
  );
  process.exit(1);
}
if (list) {
  for (const file of files) console.log(relative(root, file));
  process.exit(0);
}
let failed = 0;
for (const file of files) {
  console.log(`\n== ${relative(root, file)}`);
  const run = spawnSync(
    process.execPath,
    ['--conditions=@klinik-desa/source', '--import', 'tsx', '--expose-gc', file, ...rest],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (run.status !== 0) failed++;
}
if (failed > 0) {
  console.error(`\n${failed} benchmark file(s) failed`);
  process.exit(1);
}
