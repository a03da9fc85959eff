// `pnpm bench`: runs every benchmark script in the repo, one after another (they measure, so they
// must not share the two cores), and passes their output through. A benchmark is any
// `bench/*.bench.ts` file in a package; each prints its figures beside a baseline it measured in
// the same run, as ratios. `pnpm bench <filter>` runs only the files whose path contains the filter.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const filter = process.argv[2];
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
  console.error(filter ? `no benchmark matches "${filter}"` : 'no benchmarks found');
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  console.log(`\n== ${relative(root, file)}`);
  const run = spawnSync(
    process.execPath,
    ['--conditions=@klinik-desa/source', '--import', 'tsx', '--expose-gc', file],
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
