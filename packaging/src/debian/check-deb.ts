import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_NAME } from './build-deb.js';

export interface CheckResult {
  ok: boolean;
  /** What the checker said (findings, warnings), one item a line. */
  findings: string[];
}

/**
 * lintian's errors, warnings and informational tags for a .deb (an override in the package, with
 * its reason, silences one); no finding is a clean package.
 */
export function lintian(deb: string): CheckResult {
  const r = spawnSync('lintian', ['--info', deb], { encoding: 'utf8' });
  if (r.error) return { ok: false, findings: [`lintian could not run: ${r.error.message}`] };
  const findings = `${r.stdout}${r.stderr}`.split('\n').filter((l) => /^[EWI]: /.test(l));
  return { ok: r.status === 0 && findings.length === 0, findings };
}

/**
 * `systemd-analyze verify` of the service as the staging tree holds it. verify wants the ExecStart
 * program and the Documentation man page to exist, so the copy it checks starts the staged
 * `kiosk-agent`, and MANPATH leads `man` to the staged manual; every other line is the package's.
 */
export function verifyStagedUnit(stagingDir: string): CheckResult {
  const unit = readFileSync(join(stagingDir, `usr/lib/systemd/system/${PACKAGE_NAME}.service`), 'utf8');
  const dir = mkdtempSync(join(tmpdir(), 'kd-unit-'));
  try {
    const copy = join(dir, `${PACKAGE_NAME}.service`);
    writeFileSync(copy, unit.replace(/^ExecStart=\/usr\/bin\//m, `ExecStart=${stagingDir}/usr/bin/`));
    return verifyUnit(copy, { MANPATH: join(stagingDir, 'usr/share/man') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `systemd-analyze verify` of a unit file: clean when it exits 0 and says nothing. */
export function verifyUnit(unitFile: string, env: NodeJS.ProcessEnv = {}): CheckResult {
  // verify looks the Documentation= man page up with man; a system without man-db cannot.
  const man = spawnSync('man', ['--version']).status === 0 ? [] : ['--man=no'];
  const r = spawnSync('systemd-analyze', ['verify', ...man, unitFile], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (r.error) return { ok: false, findings: [`systemd-analyze could not run: ${r.error.message}`] };
  const findings = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() !== '');
  return { ok: r.status === 0 && findings.length === 0, findings };
}
