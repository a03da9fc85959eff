// Builds every published package and checks what its users will get: publint (package.json and
// exports) and attw (types resolve for ESM and CJS consumers, in Node 16+ and bundlers).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = (name) => join(root, 'node_modules/.bin', name);
const dirs = [
  ...readdirSync(join(root, 'packages')).map((d) => join(root, 'packages', d)),
  join(root, 'kiosk-agent'),
];
let failed = 0;
for (const dir of dirs) {
  let pkg;
  try {
    pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch {
    continue;
  }
  if (pkg.private) continue;
  const steps = [
    ['build', bin('tsup'), []],
    ['publint', bin('publint'), ['--strict']],
    [
      'attw',
      bin('attw'),
      [
        '--pack',
        '.',
        '--format',
        'table-flipped',
        ...(pkg.attwProfile ? ['--profile', pkg.attwProfile] : []),
      ],
    ],
  ];
  for (const [label, command, args] of steps) {
    const r = spawnSync(command, args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) {
      failed++;
      console.log(`${pkg.name}: ${label} FAILED\n${r.stdout}\n${r.stderr}`);
      break;
    }
    console.log(`${pkg.name}: ${label} ok`);
  }
}
process.exit(failed > 0 ? 1 : 0);
