import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { run } from './run.js';

/** The Node a native addon is built for: its ABI (`process.versions.modules`) and architecture. */
export interface AddonTarget {
  abi: string;
  /** Node's name for it: `x64`, `arm64`. */
  arch: string;
}

export const thisNode: AddonTarget = { abi: process.versions.modules, arch: process.arch };

/**
 * better-sqlite3 installs a prebuilt binary when prebuild-install can fetch one, and compiles SQLite
 * otherwise (minutes on a small machine). Where GitHub is out of reach, the binary this machine
 * compiled once is kept in prebuild-install's own format (`build/Release/better_sqlite3.node` in a
 * `.tar.gz` named as the download), and offered to the next install as a local prebuild: give
 * `npm install` the environment `prebuildCacheEnv()` answers.
 */
export function prebuildCache(): string {
  const base = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  const dir = join(base, 'klinik-desa', 'prebuilds');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function prebuildCacheEnv(cache = prebuildCache()): NodeJS.ProcessEnv {
  return { npm_config_better_sqlite3_local_prebuilds: cache };
}

/** Keeps the better-sqlite3 binary npm just built in `installDir` for `target`, unless one is kept already. */
export function keepBetterSqlitePrebuild(
  installDir: string,
  target: AddonTarget = thisNode,
  cache = prebuildCache(),
): void {
  const pkgDir = join(installDir, 'node_modules', 'better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  // prebuild-install's name for glibc systems (musl ones add `musl` and simply compile each time).
  const name = `better-sqlite3-v${version}-node-v${target.abi}-linux-${target.arch}.tar.gz`;
  if (existsSync(join(cache, name)) || !existsSync(join(pkgDir, 'build/Release/better_sqlite3.node'))) return;
  run('tar', ['-czf', join(cache, name), 'build/Release/better_sqlite3.node'], { cwd: pkgDir });
}
