// The kiosk agent's Debian package, built for amd64 as `pnpm deb` builds it: lintian-clean, its
// service verified by systemd, and, as root, installed with dpkg, run as its own user, and purged.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningProcess, startProcess, waitFor } from '@klinik-desa/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_PREFIX, type BuiltDeb, buildDeb, PACKAGE_NAME } from './build-deb.js';
import { lintian, verifyStagedUnit, verifyUnit } from './check-deb.js';
import { DEBIAN_NODE_MAJOR } from './target.js';

const USER = 'klinik-desa-kiosk';
const CONFIG = '/etc/klinik-desa/kiosk.yaml';
const STATE = '/var/lib/klinik-desa-kiosk';
const isRoot = process.getuid?.() === 0;
// The package is built for and run by Debian's Node 20 whichever Node runs the tests: the run of the
// suite on the current LTS would build and install the same package again.
const onDebianNode = Number(process.versions.node.split('.')[0]) === DEBIAN_NODE_MAJOR;

function sh(command: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(command, args, { encoding: 'utf8', cwd: '/' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Runs a program as the package's user with its groups, as the service does. */
function asUser(args: string[]): { status: number | null; out: string } {
  return sh('setpriv', ['--reuid', USER, '--regid', USER, '--init-groups', '--', ...args]);
}

function mode(path: string): string {
  return (statSync(path).mode & 0o777).toString(8).padStart(4, '0');
}

/** A field of the installed package, as dpkg-query's `${Field}` format gives it. */
function dpkgField(field: string): string {
  return sh('dpkg-query', ['--show', `--showformat=\${${field}}`, PACKAGE_NAME]).out;
}

function installed(): boolean {
  return dpkgField('db:Status-Status') === 'installed';
}

describe.skipIf(!onDebianNode)(`the Debian package (built for Debian's Node ${DEBIAN_NODE_MAJOR})`, () => {
  let outDir: string;
  let built: BuiltDeb;

  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'kd-deb-'));
    built = buildDeb({ arch: 'amd64', outDir });
    const mb = (statSync(built.file).size / 1e6).toFixed(1);
    console.log(`${built.file}: ${mb} MB; steps (seconds): ${JSON.stringify(built.seconds)}`);
  }, 900_000);

  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('is lintian clean', () => {
    expect(lintian(built.file).findings).toEqual([]);
  }, 120_000);

  it('has a service systemd-analyze verify accepts', () => {
    expect(verifyStagedUnit(built.stagingDir)).toEqual({ ok: true, findings: [] });
  });

  it('depends on Debian nodejs and holds native files for amd64 only', () => {
    const depends = sh('dpkg-deb', ['--field', built.file, 'Depends']).out;
    expect(depends).toContain(`nodejs (>= ${DEBIAN_NODE_MAJOR})`);
    expect(depends).toContain('adduser');
    const contents = sh('dpkg-deb', ['--contents', built.file]).out;
    for (const path of [
      './usr/bin/kiosk-agent',
      `./usr/lib/systemd/system/${PACKAGE_NAME}.service`,
      `./usr/lib/udev/rules.d/60-${PACKAGE_NAME}.rules`,
      `./${APP_PREFIX}/node_modules/better-sqlite3/build/Release/better_sqlite3.node`,
      `./${APP_PREFIX}/node_modules/@serialport/bindings-cpp/prebuilds/linux-x64/@serialport+bindings-cpp.glibc.node`,
      `./usr/share/doc/${PACKAGE_NAME}/copyright`,
      './usr/share/man/man1/kiosk-agent.1.gz',
    ])
      expect(contents).toContain(path);
    const foreign = contents
      .split('\n')
      .filter((line) =>
        /\/prebuilds\/(?!linux-x64\/)[^/]+\/|\.musl\.node|better-sqlite3\/(deps|src)\//.test(line),
      );
    expect(foreign).toEqual([]);
    expect(sh('dpkg-deb', ['--info', built.file]).out).toMatch(/conffiles/);
  });

  it("has an example config the agent's checker accepts", () => {
    const cli = join(built.stagingDir, APP_PREFIX, 'node_modules/@klinik-desa/kiosk-agent/dist/cli.js');
    const r = sh('/usr/bin/node', [cli, 'check-config', '--config', join(built.stagingDir, CONFIG)]);
    expect(r.out).toMatch(/: OK \(kiosk kiosk-1 of clinic kdmp-0000-000, 1 device\(s\)/);
    expect(r.status).toBe(0);
  });

  describe.skipIf(!isRoot)('installed with dpkg (as root only: it adds a user and system files)', () => {
    let agent: RunningProcess | undefined;

    beforeAll(() => {
      if (installed()) sh('dpkg', ['--purge', PACKAGE_NAME]);
      const r = sh('dpkg', ['--install', built.file]);
      // Missing dependencies leave the package unconfigured: apt installs them and finishes it.
      if (r.status !== 0) expect(sh('apt-get', ['install', '--fix-broken', '--yes']).status).toBe(0);
      expect(installed(), r.out).toBe(true);
    }, 300_000);

    afterAll(async () => {
      await agent?.stop();
      if (installed()) sh('dpkg', ['--purge', PACKAGE_NAME]);
    });

    it('adds its system user, in the dialout group', () => {
      const passwd = sh('getent', ['passwd', USER]).out.trim().split(':');
      expect(passwd[5]).toBe(STATE);
      expect(passwd[6]).toMatch(/nologin$/);
      expect(sh('id', ['-nG', USER]).out.split(/\s+/)).toContain('dialout');
    });

    it('installs the config readable by the agent only, and a private state folder', () => {
      expect(mode(CONFIG)).toBe('0640');
      expect(sh('stat', ['-c', '%U:%G', CONFIG]).out.trim()).toBe(`root:${USER}`);
      expect(mode(STATE)).toBe('0700');
      expect(sh('stat', ['-c', '%U', STATE]).out.trim()).toBe(USER);
      expect(dpkgField('Conffiles')).toContain(CONFIG);
    });

    it('runs kiosk-agent --help and check-config as its user', () => {
      const help = asUser(['kiosk-agent', '--help']);
      expect(help.status, help.out).toBe(0);
      expect(help.out).toMatch(/Usage: kiosk-agent <command>/);
      const check = asUser(['kiosk-agent', 'check-config', '--config', CONFIG]);
      expect(check.status, check.out).toBe(0);
      expect(check.out).toContain(`${CONFIG}: OK`);
    });

    it('keeps the config readable by the agent when root sets the page PIN', () => {
      const r = spawnSync('kiosk-agent', ['set-pin', '--config', CONFIG], {
        input: '2468\n',
        encoding: 'utf8',
      });
      expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
      expect(mode(CONFIG)).toBe('0640');
      expect(sh('stat', ['-c', '%U:%G', CONFIG]).out.trim()).toBe(`root:${USER}`);
      const check = asUser(['kiosk-agent', 'check-config', '--config', CONFIG]);
      expect(check.status, check.out).toBe(0);
      expect(check.out).not.toMatch(/pinHash is not set/);
    });

    it('has an installed service systemd-analyze verify accepts', () => {
      expect(verifyUnit(`/usr/lib/systemd/system/${PACKAGE_NAME}.service`)).toEqual({
        ok: true,
        findings: [],
      });
    });

    it('starts offline as its user and keeps the outbox mode 0600', async () => {
      const outbox = join(STATE, 'outbox.db');
      agent = startProcess(
        'installed agent',
        'setpriv',
        ['--reuid', USER, '--regid', USER, '--init-groups', '--', 'kiosk-agent', 'start', '--config', CONFIG],
        { cwd: '/' },
      );
      // No broker and no gateway plugged in: the agent keeps running and serves its status.
      const status = await waitFor(
        async () => {
          const r = await fetch('http://127.0.0.1:8710/status').catch(() => undefined);
          return r?.ok ? ((await r.json()) as Record<string, unknown>) : undefined;
        },
        { timeoutMs: 30_000, what: `the installed agent's /status (output: ${agent.output()})` },
      );
      expect(status).toBeTypeOf('object');
      expect(existsSync(outbox)).toBe(true);
      for (const file of [outbox, `${outbox}-wal`, `${outbox}-shm`])
        if (existsSync(file)) expect(`${file} ${mode(file)}`).toBe(`${file} 0600`);
      expect(sh('stat', ['-c', '%U', outbox]).out.trim()).toBe(USER);
      expect(await agent.stop()).toBe(0);
      agent = undefined;
    }, 60_000);

    it('is purged with its state and config', () => {
      const r = sh('dpkg', ['--purge', PACKAGE_NAME]);
      expect(r.status, r.out).toBe(0);
      for (const gone of ['/usr/bin/kiosk-agent', `/${APP_PREFIX}`, STATE, CONFIG])
        expect(existsSync(gone), gone).toBe(false);
    });
  });
});
