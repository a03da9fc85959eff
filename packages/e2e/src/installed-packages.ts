// The published packages as a user gets them: built, packed with `pnpm pack` (workspace and catalog
// versions written out, `files` applied), and installed together with npm into an empty folder
// outside the workspace, so nothing resolves to a workspace link or a TypeScript source.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@klinik-desa/testkit';

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

interface PublicPackage {
  name: string;
  dir: string;
}

/** Every package of the workspace that is published (not `private`). */
export function publicPackages(): PublicPackage[] {
  const dirs = [
    ...readdirSync(join(repoRoot, 'packages')).map((d) => join(repoRoot, 'packages', d)),
    join(repoRoot, 'kiosk-agent'),
  ];
  return dirs.flatMap((dir) => {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) return [];
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name: string; private?: boolean };
    return pkg.private ? [] : [{ name: pkg.name, dir }];
  });
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: 900_000,
    env: { ...process.env, ...env },
  });
  if (r.status !== 0)
    throw new Error(
      `${command} ${args.join(' ')} failed (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`,
    );
  return r.stdout;
}

/**
 * pnpm itself: under `pnpm test` npm_execpath is pnpm's script; run alone (`vitest run ...`), the
 * version the workspace names in `packageManager`, through npx.
 */
function pnpm(args: string[], cwd: string): string {
  const script = process.env['npm_execpath'];
  if (script && /pnpm/.test(script)) return run(process.execPath, [script, ...args], cwd);
  const { packageManager } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    packageManager: string;
  };
  return run('npx', ['--yes', packageManager, ...args], cwd);
}

function newestSource(dir: string): number {
  let latest = statSync(join(dir, 'package.json')).mtimeMs;
  for (const entry of readdirSync(join(dir, 'src'), { withFileTypes: true, recursive: true }))
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  return latest;
}

function builtAt(dir: string): number {
  const index = join(dir, 'dist/index.js');
  return existsSync(index) ? statSync(index).mtimeMs : 0;
}

/** `pnpm build` when a package's dist/ is missing or older than its sources (the test command builds first). */
function ensureBuilt(packages: PublicPackage[]): void {
  if (packages.every((p) => builtAt(p.dir) > newestSource(p.dir))) return;
  pnpm(['run', 'build'], repoRoot);
}

/**
 * better-sqlite3 installs a prebuilt binary when prebuild-install can fetch one, and compiles SQLite
 * otherwise (minutes on a small machine). Where GitHub is out of reach, the binary this machine
 * compiled once is kept in prebuild-install's own format (`build/Release/better_sqlite3.node` in a
 * `.tar.gz` named as the download), and offered to the next install as a local prebuild.
 */
function prebuildCache(): string {
  const base = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  const dir = join(base, 'klinik-desa', 'prebuilds');
  mkdirSync(dir, { recursive: true });
  return dir;
}

function keepBetterSqlitePrebuild(installDir: string, cache: string): void {
  const pkgDir = join(installDir, 'node_modules', 'better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  // prebuild-install's name for glibc systems (musl ones add `musl` and simply compile each time).
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  if (existsSync(join(cache, name)) || !existsSync(join(pkgDir, 'build/Release/better_sqlite3.node'))) return;
  run('tar', ['-czf', join(cache, name), 'build/Release/better_sqlite3.node'], pkgDir);
}

/**
 * Builds (if stale), packs every public package and installs all the tarballs in one `npm install`
 * (so their dependencies on each other resolve to the tarballs, not the registry), plus `extra`
 * registry packages a user's project would have (a bundler).
 */
export function installPackedPackages(extra: string[] = []): InstalledPackages {
  const seconds: Record<string, number> = {};
  const timed = <T>(step: string, work: () => T): T => {
    const started = Date.now();
    const result = work();
    seconds[step] = Math.round((Date.now() - started) / 100) / 10;
    return result;
  };
  const packages = publicPackages();
  timed('build', () => ensureBuilt(packages));
  const dir = mkdtempSync(join(tmpdir(), 'kd-installed-'));
  const tarballs = mkdtempSync(join(tmpdir(), 'kd-tarballs-'));
  const only = packages.flatMap((p) => ['--filter', p.name]);
  timed('pack', () => pnpm(['-r', ...only, 'pack', '--pack-destination', tarballs], repoRoot));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'a-user', private: true }, null, 2)}\n`);
  const cache = prebuildCache();
  timed('npm install', () =>
    run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        ...readdirSync(tarballs).map((t) => join(tarballs, t)),
        ...extra,
      ],
      dir,
      { npm_config_better_sqlite3_local_prebuilds: cache },
    ),
  );
  keepBetterSqlitePrebuild(dir, cache);
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
