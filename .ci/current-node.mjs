// The current LTS Node for the test command: Node 20 (the machine's `node`) is the floor every
// package supports, and the unit and end-to-end suites also run on the Node a new user installs
// today. Used by .ci/test.mjs; nothing here runs a test.
//
// Why a second copy of the workspace, and not better-sqlite3's `nativeBinding` option: a native
// addon is built for one Node ABI, and pnpm builds it once, inside the package folder every
// workspace package links to. Selecting a second build by an environment variable would change the
// opening code of every SQLite database (the clinic store, the kiosk outbox, the tests that read
// them) and leave the other native addons (the serial port) to chance; a copy of the working tree
// installed by pnpm under Node 24 builds every addon the way a Node 24 user's install does, and
// leaves the Node 20 tree alone. The copy lives outside the repository, because vitest's
// `**/*.integration.test.ts` would find its test files inside it; pnpm's store makes its install
// a few seconds once the first one has built better-sqlite3 against Node 24's headers.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

/** The major the test command runs beside the floor; its newest release comes from the npm registry. */
export const CURRENT_NODE_MAJOR = 24;

/**
 * Node 24's folder (its `bin/node` and the headers node-gyp builds addons against), installed from
 * the npm registry's `node-<platform>-<arch>` package into `.cache/node24` (git-ignored) the first
 * time, about 190 MB and 15 s. Returns `{ error }` with a reason when it cannot be had.
 */
export function installCurrentNode(root) {
  return installNodeFromNpm(root, { major: CURRENT_NODE_MAJOR });
}

/**
 * A Node release of `major` for Linux on `arch` (`x64`, `arm64`) from the npm registry's
 * `node-linux-<arch>` package, kept in `.cache/node<major>` (`.cache/node<major>-<arch>` for
 * another architecture than this machine's). Its folder holds `bin/node` and `include/node`, the
 * headers node-gyp compiles addons against (for any architecture: they are plain C++ headers).
 */
export function installNodeFromNpm(root, { major, arch = process.arch }) {
  const pkg = `node-linux-${arch}`;
  const home = join(root, '.cache', arch === process.arch ? `node${major}` : `node${major}-${arch}`);
  const nodeDir = join(home, 'node_modules', pkg);
  const node = join(nodeDir, 'bin', 'node');
  if (existsSync(node)) return { node, nodeDir, version: versionOf(nodeDir) };
  // Into a staging folder first, so an interrupted download is not mistaken for an installed Node.
  const staging = `${home}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const npmArgs = ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix'];
  // --force: npm refuses a package whose `cpu` is not this machine's, and a cross build wants exactly that.
  const force = arch === process.arch ? [] : ['--force'];
  const r = spawnSync('npm', [...npmArgs, staging, ...force, `${pkg}@${major}`], {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 600_000,
  });
  if (r.status !== 0 || !existsSync(join(staging, 'node_modules', pkg, 'bin', 'node'))) {
    rmSync(staging, { recursive: true, force: true });
    return { error: `npm install ${pkg}@${major} failed (exit ${r.status ?? r.signal})` };
  }
  rmSync(home, { recursive: true, force: true });
  renameSync(staging, home);
  return { node, nodeDir, version: versionOf(nodeDir) };
}

function versionOf(nodeDir) {
  return JSON.parse(readFileSync(join(nodeDir, 'package.json'), 'utf8')).version;
}

/**
 * The files of the working tree as git sees them (tracked and new, less the ignored and the
 * deleted), and the packages' built dist/ folders: plain JavaScript the same for every Node, which
 * the tests that use the built packages would otherwise build again.
 */
function workingTreeFiles(root) {
  const git = (args) => {
    const r = spawnSync('git', ['ls-files', '-z', ...args], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ls-files failed: ${r.stderr}`);
    return r.stdout.split('\0').filter((f) => f !== '');
  };
  const files = git(['--cached', '--others', '--exclude-standard']).filter((f) => existsSync(join(root, f)));
  const builds = git(['--others', '--ignored', '--exclude-standard', '--directory']).filter(
    (d) => /(^|\/)dist\/$/.test(d) && !d.includes('node_modules/'),
  );
  for (const d of builds) files.push(...filesBelow(join(root, d)).map((f) => join(d, f)));
  return files;
}

/** Every file under `dir` but node_modules, as paths relative to `base`. */
function filesBelow(dir, base = dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesBelow(path, base));
    else out.push(relative(base, path));
  }
  return out;
}

/**
 * Mirrors the working tree into a folder outside it (one per checkout, kept between runs): changed
 * files copied, removed files removed, each node_modules kept so the next install has little to do.
 */
export function mirrorWorkingTree(root) {
  const hash = createHash('sha256').update(root).digest('hex').slice(0, 12);
  const copy = join(tmpdir(), `klinik-desa-node${CURRENT_NODE_MAJOR}-${hash}`);
  const files = workingTreeFiles(root);
  const wanted = new Set(files);
  if (existsSync(copy)) for (const f of filesBelow(copy)) if (!wanted.has(f)) rmSync(join(copy, f));
  for (const f of files) {
    const from = join(root, f);
    const to = join(copy, f);
    const source = statSync(from);
    if (source.isDirectory()) continue; // a submodule or an empty folder git lists
    const target = existsSync(to) ? statSync(to) : undefined;
    if (target && target.size === source.size && target.mtimeMs === source.mtimeMs) continue;
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
    // Keep the source's mtime, so the next run sees the file unchanged.
    utimesSync(to, source.atime, source.mtime);
  }
  return copy;
}

/**
 * The environment for every process of the Node 24 run: its `node` first on the PATH (pnpm's
 * build scripts and every child process), and node-gyp pointed at its headers, so a native addon
 * without a prebuilt binary compiles here instead of downloading headers from nodejs.org.
 */
export function currentNodeEnv({ node, nodeDir }) {
  return {
    ...process.env,
    PATH: `${dirname(node)}:${process.env.PATH}`,
    npm_config_nodedir: nodeDir,
  };
}
