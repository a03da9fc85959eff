import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PackagingError } from '../errors.js';
import { type AddonTarget, keepBetterSqlitePrebuild, prebuildCacheEnv } from '../prebuild-cache.js';
import { run } from '../run.js';
import type { DebTarget } from './target.js';

/** The Node the tree is installed for: Debian's major, its headers from the npm registry's package. */
export interface TargetNode {
  /** Its folder: `include/node` holds the headers node-gyp compiles against. */
  nodeDir: string;
  version: string;
}

/** NODE_MODULE_VERSION of the headers: the ABI an addon built against them loads in. */
export function nodeAbi(nodeDir: string): string {
  const header = readFileSync(join(nodeDir, 'include/node/node_version.h'), 'utf8');
  const abi = /#define NODE_MODULE_VERSION (\d+)/.exec(header)?.[1];
  if (!abi) throw new PackagingError('NODE_UNAVAILABLE', `no NODE_MODULE_VERSION in ${nodeDir}`);
  return abi;
}

/**
 * The environment npm's install scripts need to build for the target: node-gyp and prebuild-install
 * read the target Node and architecture from npm_config_*, node-gyp-build picks a prebuilt binary by
 * npm_config_arch, and a cross build compiles with Debian's cross compiler.
 */
function buildEnv(target: DebTarget, node: TargetNode): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...prebuildCacheEnv(),
    npm_config_arch: target.nodeArch,
    npm_config_target_arch: target.nodeArch,
    npm_config_platform: 'linux',
    npm_config_target: node.version,
    npm_config_runtime: 'node',
    npm_config_nodedir: node.nodeDir,
  };
  if (target.crossTriplet) {
    const t = target.crossTriplet;
    if (spawnSync(`${t}-g++`, ['--version']).status !== 0)
      throw new PackagingError(
        'CROSS_COMPILER_MISSING',
        `${t}-g++ is not installed; install it with: apt-get install g++-${t}`,
      );
    Object.assign(env, { CC: `${t}-gcc`, CXX: `${t}-g++`, LINK: `${t}-g++`, AR: `${t}-ar` });
  }
  return env;
}

/**
 * Installs `tarballs` and their production dependencies with npm into `appDir` (which becomes
 * `/usr/lib/klinik-desa-kiosk` on the kiosk), with every native addon for the target.
 */
export function installNodeTree(
  appDir: string,
  tarballs: string[],
  target: DebTarget,
  node: TargetNode,
): void {
  mkdirSync(appDir, { recursive: true });
  writeFileSync(
    join(appDir, 'package.json'),
    `${JSON.stringify({ name: 'klinik-desa-kiosk', private: true }, null, 2)}\n`,
  );
  run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--no-package-lock', ...tarballs], {
    cwd: appDir,
    env: buildEnv(target, node),
  });
  const addon: AddonTarget = { abi: nodeAbi(node.nodeDir), arch: target.nodeArch };
  keepBetterSqlitePrebuild(appDir, addon);
}

/** Every file below `dir`, as full paths. */
export function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() || e.isSymbolicLink())
    .map((e) => join(e.parentPath, e.name));
}

/** Names of files a running kiosk never reads: documentation, types, source maps, licenses (kept in copyright). */
const NOT_RUN = [
  /\.(md|markdown)$/i,
  /\.map$/,
  /\.d\.[cm]?ts$/,
  /^(licen[cs]e|copying|notice)(-\w+)?(\.(md|txt|markdown|bsd|mit|apache2?))?$/i,
  /^\./,
];

/** Folders at a package's top that only its developers use: tests, examples, git hooks. */
const NOT_RUN_DIRS = /^(\..+|tests?|examples?|benchmarks?|docs?)$/;

/** Every package folder of a node_modules tree, nested ones too. */
function packageDirs(modules: string): string[] {
  if (!existsSync(modules)) return [];
  return readdirSync(modules).flatMap((entry) => {
    if (entry.startsWith('.')) return [];
    const dirs = entry.startsWith('@')
      ? readdirSync(join(modules, entry)).map((n) => join(modules, entry, n))
      : [join(modules, entry)];
    return dirs.flatMap((dir) => [dir, ...packageDirs(join(dir, 'node_modules'))]);
  });
}

/**
 * Removes what a kiosk does not run: each package's docs, types and maps (licenses go to the
 * copyright file first), native build leftovers, the compiler's intermediate files, and the prebuilt
 * binaries of other systems that @serialport/bindings-cpp ships for every platform.
 */
export function pruneNodeTree(appDir: string, target: DebTarget): void {
  const modules = join(appDir, 'node_modules');
  for (const path of [join(modules, '.bin'), join(modules, '.package-lock.json')])
    rmSync(path, { recursive: true, force: true });
  // The workspace packages ship their TypeScript for the workspace's source condition; node runs dist/.
  for (const pkg of readdirSync(join(modules, '@klinik-desa')))
    rmSync(join(modules, '@klinik-desa', pkg, 'src'), { recursive: true, force: true });
  const sqlite = join(modules, 'better-sqlite3');
  for (const leftover of ['deps', 'src', 'binding.gyp'])
    rmSync(join(sqlite, leftover), { recursive: true, force: true });
  const release = join(sqlite, 'build', 'Release');
  for (const entry of readdirSync(release))
    if (entry !== 'better_sqlite3.node') rmSync(join(release, entry), { recursive: true, force: true });
  for (const entry of readdirSync(join(sqlite, 'build')))
    if (entry !== 'Release') rmSync(join(sqlite, 'build', entry), { recursive: true, force: true });
  const bindings = join(modules, '@serialport', 'bindings-cpp');
  for (const leftover of ['src', 'binding.gyp', 'build'])
    rmSync(join(bindings, leftover), { recursive: true, force: true });
  const prebuilds = join(bindings, 'prebuilds');
  for (const platform of readdirSync(prebuilds)) {
    const dir = join(prebuilds, platform);
    if (platform !== `linux-${target.nodeArch}`) rmSync(dir, { recursive: true, force: true });
    // Debian's C library is glibc: the musl builds would never load.
    else for (const f of readdirSync(dir)) if (f.includes('.musl.')) rmSync(join(dir, f));
  }
  for (const dir of packageDirs(modules))
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      if (entry.isDirectory() && NOT_RUN_DIRS.test(entry.name))
        rmSync(join(dir, entry.name), { recursive: true, force: true });
  for (const file of filesBelow(modules)) {
    const name = basename(file);
    // The agent's own page is HTML; a dependency's HTML is its documentation site.
    const docPage = name.endsWith('.html') && !file.includes('/@klinik-desa/');
    if (docPage || NOT_RUN.some((p) => p.test(name))) rmSync(file);
  }
  removeEmptyDirs(modules);
}

function removeEmptyDirs(dir: string): boolean {
  let empty = true;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && removeEmptyDirs(join(dir, entry.name))) continue;
    empty = false;
  }
  if (empty) rmSync(dir, { recursive: true });
  return empty;
}

/**
 * Every native file of the tree, stripped of its symbols with the target's `strip`, and checked to
 * be built for the target (a host binary in an arm64 package would fail only on the kiosk).
 */
export function finishNativeFiles(appDir: string, target: DebTarget): string[] {
  const natives = filesBelow(appDir).filter((f) => f.endsWith('.node'));
  const strip = target.crossTriplet ? `${target.crossTriplet}-strip` : 'strip';
  for (const file of natives) {
    run(strip, ['--strip-unneeded', '--remove-section=.comment', '--remove-section=.note', file], {
      cwd: appDir,
    });
    const kind = run('file', ['-b', file], { cwd: appDir });
    if (!target.elfMachine.test(kind))
      throw new PackagingError(
        'WRONG_ARCHITECTURE',
        `${file} is not built for ${target.arch}: ${kind.trim()}`,
      );
  }
  if (!existsSync(join(appDir, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')))
    throw new PackagingError('COMMAND_FAILED', 'npm install left no better_sqlite3.node');
  return natives;
}
