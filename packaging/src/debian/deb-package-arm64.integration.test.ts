// The arm64 package for Raspberry-Pi-class kiosks, cross-built on this machine: every native file an
// aarch64 ELF, lintian clean, and the agent run by arm64 Node 20 under qemu-user: its help, the
// example config's check, and both native addons loaded. About 75 s, and 2.5 min the first time
// (SQLite cross-compiled), on top of the amd64 package's test; KD_TEST_DEB_ARM64=0 leaves it out.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installNodeFromNpm } from '../../../.ci/current-node.mjs';
import { repoRoot } from '../workspace-packages.js';
import { APP_PREFIX, type BuiltDeb, buildDeb } from './build-deb.js';
import { lintian } from './check-deb.js';
import { filesBelow } from './stage-node-tree.js';
import { DEBIAN_NODE_MAJOR } from './target.js';

const onDebianNode = Number(process.versions.node.split('.')[0]) === DEBIAN_NODE_MAJOR;
const optedIn = process.env['KD_TEST_DEB_ARM64'] !== '0';
/** Debian's arm64 C library for qemu-user, installed with the cross compiler. */
const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';
const canEmulate = spawnSync('qemu-aarch64', ['--version']).status === 0 && existsSync(ARM64_SYSROOT);

describe.skipIf(!onDebianNode || !optedIn)('the arm64 Debian package', () => {
  let outDir: string;
  let built: BuiltDeb;

  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'kd-deb-arm64-'));
    built = buildDeb({ arch: 'arm64', outDir });
    const mb = (statSync(built.file).size / 1e6).toFixed(1);
    console.log(`${built.file}: ${mb} MB; steps (seconds): ${JSON.stringify(built.seconds)}`);
  }, 900_000);

  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('holds only aarch64 native files', () => {
    const natives = filesBelow(built.stagingDir).filter((f) => f.endsWith('.node'));
    expect(natives.map((f) => f.replace(/.*node_modules\//, '')).sort()).toEqual([
      '@serialport/bindings-cpp/prebuilds/linux-arm64/@serialport+bindings-cpp.armv8.glibc.node',
      'better-sqlite3/build/Release/better_sqlite3.node',
    ]);
    for (const file of natives) {
      const header = spawnSync('readelf', ['--file-header', file], { encoding: 'utf8' }).stdout;
      expect(header, file).toMatch(/Machine:\s+AArch64/);
    }
    expect(
      spawnSync('dpkg-deb', ['--field', built.file, 'Architecture'], { encoding: 'utf8' }).stdout.trim(),
    ).toBe('arm64');
  });

  it('is lintian clean', () => {
    expect(lintian(built.file).findings).toEqual([]);
  }, 120_000);

  describe.skipIf(!canEmulate)(
    `run by arm64 Node ${DEBIAN_NODE_MAJOR} under qemu-user (needs qemu-user)`,
    () => {
      const app = () => join(built.stagingDir, APP_PREFIX, 'node_modules');
      function arm64Node(args: string[]): { status: number | null; out: string } {
        const node = installNodeFromNpm(repoRoot, { major: DEBIAN_NODE_MAJOR, arch: 'arm64' });
        if (node.error !== undefined) throw new Error(node.error);
        const r = spawnSync('qemu-aarch64', ['-L', ARM64_SYSROOT, node.node, ...args], {
          encoding: 'utf8',
          timeout: 60_000,
        });
        return { status: r.status, out: `${r.stdout}${r.stderr}` };
      }

      it('runs kiosk-agent --help and accepts the example config', () => {
        const cli = join(app(), '@klinik-desa/kiosk-agent/dist/cli.js');
        const help = arm64Node([cli, '--help']);
        expect(help.status, help.out).toBe(0);
        expect(help.out).toMatch(/Usage: kiosk-agent <command>/);
        const check = arm64Node([
          cli,
          'check-config',
          '--config',
          join(built.stagingDir, 'etc/klinik-desa/kiosk.yaml'),
        ]);
        expect(check.status, check.out).toBe(0);
        expect(check.out).toMatch(/: OK \(kiosk kiosk-1/);
      }, 120_000);

      it('loads better-sqlite3 and the serial port binding', () => {
        const script = `const Database = require(${JSON.stringify(join(app(), 'better-sqlite3'))});
const db = new Database(':memory:');
const { autoDetect } = require(${JSON.stringify(join(app(), '@serialport/bindings-cpp'))});
console.log(JSON.stringify({ arch: process.arch, abi: process.versions.modules,
  sqlite: db.prepare('select sqlite_version() as v').get().v, binding: typeof autoDetect().list }));`;
        const r = arm64Node(['-e', script]);
        expect(r.status, r.out).toBe(0);
        expect(JSON.parse(r.out)).toMatchObject({ arch: 'arm64', abi: '115', binding: 'function' });
      }, 120_000);
    },
  );
});
