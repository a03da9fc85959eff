// The C tests of the BLE gateway core (examples/ble-gateway-esp32): configure, build and run CTest
// in .cache/ (git-ignored), then count every CTest test from its JUnit report, so the test
// command's end line includes them one by one and names each failure.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE = 'examples/ble-gateway-esp32';

/**
 * @param {string} root the repository
 * @param {(label: string, command: string, args: string[]) => boolean} run the test command's runner
 * @returns {{ passed: number, failed: number, failures: string[] }}
 */
export function runGatewayCoreTests(root, run) {
  const build = join(root, '.cache/ble-gateway-core');
  const report = join(build, 'ctest-junit.xml');
  const failures = [];
  const configured =
    run('configure the gateway core (cmake)', 'cmake', ['-S', join(root, SOURCE), '-B', build]) &&
    run('build the gateway core and its tests', 'cmake', ['--build', build, '-j2']);
  if (!configured)
    return { passed: 0, failed: 1, failures: ['gateway core: cmake configure or build failed'] };
  rmSync(report, { force: true });
  run('gateway core tests (ctest)', 'ctest', ['--test-dir', build, '-j2', '--output-junit', report]);
  if (!existsSync(report)) return { passed: 0, failed: 1, failures: ['gateway core: ctest wrote no report'] };
  let passed = 0;
  for (const [, name, status] of readFileSync(report, 'utf8').matchAll(
    /<testcase name="([^"]*)"[^>]*?status="([^"]*)"/g,
  )) {
    // "run" is a pass; "fail", and "notrun" (its executable is missing), are failures.
    if (status === 'run') passed++;
    else failures.push(`gateway core (ctest): ${name} [${status}]`);
  }
  if (passed + failures.length === 0) failures.push('gateway core: ctest ran no tests');
  return { passed, failed: failures.length, failures };
}
