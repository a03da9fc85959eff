// The published packages as a user gets them: built, packed with `pnpm pack` (workspace and catalog
// versions written out, `files` applied), and installed together with npm into an empty folder
// outside the workspace, so nothing resolves to a workspace link or a TypeScript source.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureBuilt,
  keepBetterSqlitePrebuild,
  packPackages,
  prebuildCacheEnv,
  publicPackages,
  run,
  timed,
} from '@klinik-desa/packaging';

export interface InstalledPackages {
  /** The folder npm installed into: `node_modules/` and `package.json`, nothing else. */
  readonly dir: string;
  /** `node_modules/.bin/<name>`. */
  bin(name: string): string;
  /** Seconds each step took, for the test's report. */
  readonly seconds: Record<string, number>;
  /** Removes the install and the tarballs. */
  remove(): void;
}

/**
 * Builds (if stale), packs every public package and installs all the tarballs in one `npm install`
 * (so their dependencies on each other resolve to the tarballs, not the registry), plus `extra`
 * registry packages a user's project would have (a bundler).
 */
export function installPackedPackages(extra: string[] = []): InstalledPackages {
  const seconds: Record<string, number> = {};
  const packages = publicPackages();
  timed(seconds, 'build', () => ensureBuilt(packages));
  const dir = mkdtempSync(join(tmpdir(), 'kd-installed-'));
  const tarballs = mkdtempSync(join(tmpdir(), 'kd-tarballs-'));
  const packed = timed(seconds, 'pack', () => packPackages(packages, tarballs));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'a-user', private: true }, null, 2)}\n`);
  timed(seconds, 'npm install', () =>
    run('npm', ['install', '--no-audit', '--no-fund', ...packed, ...extra], {
      cwd: dir,
      env: prebuildCacheEnv(),
    }),
  );
  keepBetterSqlitePrebuild(dir);
  return {
    dir,
    bin: (name) => join(dir, 'node_modules', '.bin', name),
    seconds,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
      rmSync(tarballs, { recursive: true, force: true });
    },
  };
}
