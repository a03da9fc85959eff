// `pnpm test`: everything that proves main works, in one command, ending with one line
// `N passed, N failed[, N skipped]` summed over every check and test runner it ran.
//
//   1. system programs the tests need (socat, mosquitto): installed when missing (as root)
//   2. lint and format (biome)          counted as 1 check
//   3. typecheck of every package        counted as 1 check per package (its `typecheck` script)
//   4. build + publint + attw           counted as 1 check per published package
//   5. vitest: unit and integration     every test counted (on Node 20, the floor: the machine's `node`)
//   6. C tests of the BLE gateway core  every CTest test counted (.ci/ctest.mjs; main run only)
//   7. the same on Node 24              1 check for its install, then every test counted, tagged
//                                       [Node 24] when it fails (.ci/current-node.mjs says how),
//                                       end-to-end only SECOND_PASS_END_TO_END (below)
//   8. nothing left running             counted as 1 check: every process this run started has ended
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runGatewayCoreTests } from './ctest.mjs';
import {
  CURRENT_NODE_MAJOR,
  currentNodeEnv,
  installCurrentNode,
  mirrorWorkingTree,
} from './current-node.mjs';

const USAGE = `Usage: pnpm test

Runs every check and test, as CI does, and ends with one line: N passed, N failed[, N skipped].
Installs the system programs the tests need when run as root on Debian/Ubuntu. The last check
lists any process the run started that is still alive (socat, Mosquitto, Chromium, node...).
One tier of tests alone: pnpm test:unit, pnpm test:integration.`;
try {
  if (parseArgs({ strict: true, options: { help: { type: 'boolean', short: 'h' } } }).values.help) {
    console.log(USAGE);
    process.exit(0);
  }
} catch (error) {
  console.error(`test: ${error.message.split('. ')[0]}; options: --help (it takes no others)`);
  process.exit(2);
}

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

// ── What runs before the run (services such as PostgreSQL, the system Mosquitto, RabbitMQ, other
// people's work), so that the end can tell what this run left behind. Every process the run
// starts inherits KD_TEST_RUN: an orphan re-parented to init keeps it in its environment, where its
// parent chain no longer leads here. Linux only (/proc); elsewhere the check is skipped.
const procfs = existsSync('/proc/self/stat');
const runMark = `${process.pid}-${Date.now()}`;
process.env.KD_TEST_RUN = runMark;

/** pid → { ppid, started (clock ticks since boot: a reused pid is a different process), command }. */
function processTable() {
  const table = new Map();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      table.set(Number(pid), { ppid: Number(fields[1]), started: fields[19], command });
    } catch {
      // ended while we looked
    }
  }
  return table;
}

function markedByThisRun(pid) {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`KD_TEST_RUN=${runMark}`);
  } catch {
    return false;
  }
}

const before = procfs ? processTable() : new Map();

/** Started after the snapshot, and ours: below this process, or carrying this run's mark. */
function survivors() {
  const now = processTable();
  const ours = (pid) => {
    for (let p = now.get(pid)?.ppid; p && p > 1; p = now.get(p)?.ppid) if (p === process.pid) return true;
    return markedByThisRun(pid);
  };
  return [...now]
    .filter(([pid, p]) => pid !== process.pid && before.get(pid)?.started !== p.started && ours(pid))
    .map(([pid, p]) => ({ pid, ...p }));
}

// Under .ci/run, the README's demo command ran first in the same bare clone: one check of this run.
if (process.env.KD_README_DEMO) check("the README's demo command", process.env.KD_README_DEMO === 'passed');

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

/** Runs vitest in `cwd` with `node`, and counts every test of its JSON report (failures named with `tag` first). */
function runVitest(label, node, cwd, { env = process.env, tag = '' } = {}) {
  const report = join(cwd, '.vitest-report.json');
  rmSync(report, { force: true });
  run(
    label,
    node,
    [
      join(cwd, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ],
    { cwd, env },
  );
  if (!existsSync(report)) {
    failures.push(`${tag}vitest wrote no report`);
    results.failed++;
    return;
  }
  const r = JSON.parse(readFileSync(report, 'utf8'));
  results.passed += r.numPassedTests;
  results.failed += r.numFailedTests;
  results.skipped += r.numPendingTests + r.numTodoTests;
  // A test file that fails to load has no tests to count: count it as one failure.
  // So does a file whose set-up failed (its tests then count as skipped, none as failed).
  const brokenFiles = r.testResults.filter(
    (f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'),
  );
  for (const f of brokenFiles) failures.push(`${tag}test file did not run: ${f.name}`);
  results.failed += brokenFiles.length;
  for (const f of r.testResults)
    for (const a of f.assertionResults) if (a.status === 'failed') failures.push(`${tag}${a.fullName}`);
}

runVitest('tests (vitest: unit + integration)', process.execPath, root);

// ── The gateway firmware's C core: its tests do not depend on Node, so they run once, here.
const gatewayCore = runGatewayCoreTests(root, run);
results.passed += gatewayCore.passed;
results.failed += gatewayCore.failed;
failures.push(...gatewayCore.failures);

// ── The same tests on the current LTS Node (see .ci/current-node.mjs for why in a mirrored copy):
// every unit and integration test (worker threads, native addons, the PostgreSQL driver, the
// publisher), but of the end-to-end tests (packages/e2e/tests) only a few where the Node version is
// what is tested: the agent and the clinic server as processes with their native addons (serial
// ports, SQLite, the gateway dialogue), and the SDK. The others (other programs' behaviour:
// RabbitMQ, Mosquitto, Chromium, npm installs of the packed packages, pg_dump, a full disk, the C
// gateway) run once, in the first pass: running them twice would take the whole run past 40 minutes
// on a 2-core machine.
const SECOND_PASS_END_TO_END = [
  'agent-damaged-files.test.ts',
  'agent-gateway.test.ts',
  'agent-session.test.ts',
  'clinic-ingest.test.ts',
  'kiosk-events.test.ts',
  'sdk/contract.test.ts',
  'sdk/runtime-flow.test.ts',
];
const endToEndDir = join(root, 'packages/e2e/tests');
const SECOND_PASS_LEFT_OUT = [
  ...readdirSync(endToEndDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts') && !SECOND_PASS_END_TO_END.includes(file))
    .map((file) => `packages/e2e/tests/${file}`),
  'packages/testkit/src/rabbitmq.integration.test.ts',
  'packages/clinic-server/src/transport/ingest-contract.integration.test.ts',
];
const current = installCurrentNode(root);
if (current.error) check(`Node ${CURRENT_NODE_MAJOR}: ${current.error}`, false);
else {
  const copy = mirrorWorkingTree(root);
  const env = { ...currentNodeEnv(current), KD_TEST_EXCLUDE: SECOND_PASS_LEFT_OUT.join(',') };
  const label = `install under Node ${CURRENT_NODE_MAJOR} (in ${copy})`;
  const args = ['install', '--frozen-lockfile'];
  // pnpm's own script run by Node 24, or the `pnpm` on PATH, whose `node` is Node 24's first.
  const installed = pnpm
    ? run(label, current.node, [pnpm, ...args], { cwd: copy, env })
    : run(label, 'pnpm', args, { cwd: copy, env });
  check(`install under Node ${CURRENT_NODE_MAJOR}`, installed);
  if (installed)
    runVitest(`tests on Node ${CURRENT_NODE_MAJOR} (vitest: unit + integration)`, current.node, copy, {
      env,
      tag: `[Node ${CURRENT_NODE_MAJOR}] `,
    });
}

console.log('\n── nothing left running');
if (!procfs) {
  console.log('── nothing left running: skipped (it reads /proc, which this system does not have)');
  results.skipped++;
} else {
  // A process stopped at the end of the last test may take a moment to go.
  let left = survivors();
  for (let waited = 0; left.length > 0 && waited < 10_000; waited += 500) {
    spawnSync('sleep', ['0.5']);
    left = survivors();
  }
  for (const p of left)
    console.log(`  still running: pid ${p.pid}, parent ${p.ppid}: ${p.command.slice(0, 200)}`);
  check(`nothing left running (${left.length} process(es) of this run still alive)`, left.length === 0);
  // Listed and counted: now end them, so that running the tests again does not collect them.
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  console.log(`── nothing left running: ${left.length === 0 ? 'ok' : `FAILED (${left.length} ended now)`}`);
}

if (failures.length > 0) {
  console.log('\nFailed:');
  for (const f of failures) console.log(`  - ${f}`);
}
const skipped = results.skipped > 0 ? `, ${results.skipped} skipped` : '';
console.log(`\n${results.passed} passed, ${results.failed} failed${skipped}`);
process.exit(results.failed > 0 ? 1 : 0);
