// `pnpm test`: everything that proves main works, in one command, ending with one line
// `N passed, N failed[, N skipped]` summed over every check and test runner it ran.
//
//   1. system programs the tests need (socat, mosquitto): installed when missing (as root)
//   2. lint and format (biome)          counted as 1 check
//   3. typecheck of every package        counted as 1 check per package (its `typecheck` script)
//   4. build + publint + attw           counted as 1 check per published package
//   5. vitest: unit and integration     every test counted
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const pnpm = process.env.npm_execpath;
const results = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(label, command, args, options = {}) {
  console.log(`\n── ${label}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  console.log(
    `── ${label}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds} s`,
  );
  return ok;
}

function check(label, ok) {
  if (ok) results.passed++;
  else {
    results.failed++;
    failures.push(label);
  }
}

function runPnpm(label, args) {
  // Under `pnpm test`, npm_execpath is pnpm itself; run it with this Node.
  return pnpm ? run(label, process.execPath, [pnpm, ...args]) : run(label, 'pnpm', args);
}

if (!run('system programs for the tests', 'bash', [join(root, '.ci/system-deps.sh')])) {
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}

check('lint (biome)', run('lint and format (biome)', join(root, 'node_modules/.bin/biome'), ['check', '.']));

const lsArgs = ['ls', '-r', '--depth', '-1', '--json'];
const workspaces = JSON.parse(
  (pnpm
    ? spawnSync(process.execPath, [pnpm, ...lsArgs], { cwd: root, encoding: 'utf8' })
    : spawnSync('pnpm', lsArgs, { cwd: root, encoding: 'utf8' })
  ).stdout || '[]',
);
// No workspaces listed means pnpm could not be run: that must not pass as "nothing to typecheck".
check('workspace listing (pnpm ls)', workspaces.length > 1);
for (const ws of workspaces) {
  if (ws.path === root) continue; // the workspace root has no sources of its own
  const pkg = JSON.parse(readFileSync(join(ws.path, 'package.json'), 'utf8'));
  if (!pkg.scripts?.typecheck) continue;
  check(
    `typecheck ${pkg.name}`,
    // Each package's own typecheck script: some check more than one tsconfig (sources and tests).
    run(
      `typecheck ${pkg.name}`,
      pnpm ? process.execPath : 'pnpm',
      [...(pnpm ? [pnpm] : []), 'run', '--silent', 'typecheck'],
      {
        cwd: ws.path,
      },
    ),
  );
}

check(
  'package checks',
  runPnpm('build, publint and attw of the published packages', ['run', 'check:packages']),
);

const report = join(root, '.vitest-report.json');
rmSync(report, { force: true });
run('tests (vitest: unit + integration)', join(root, 'node_modules/.bin/vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
]);
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  results.passed += r.numPassedTests;
  results.failed += r.numFailedTests;
  results.skipped += r.numPendingTests + r.numTodoTests;
  // A test file that fails to load has no tests to count: count it as one failure.
  const brokenFiles = r.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0);
  for (const f of brokenFiles) failures.push(`test file did not run: ${f.name}`);
  results.failed += brokenFiles.length;
  for (const f of r.testResults)
    for (const a of f.assertionResults) if (a.status === 'failed') failures.push(a.fullName);
} else {
  failures.push('vitest wrote no report');
  results.failed++;
}

if (failures.length > 0) {
  console.log('\nFailed:');
  for (const f of failures) console.log(`  - ${f}`);
}
const skipped = results.skipped > 0 ? `, ${results.skipped} skipped` : '';
console.log(`\n${results.passed} passed, ${results.failed} failed${skipped}`);
process.exit(results.failed > 0 ? 1 : 0);
