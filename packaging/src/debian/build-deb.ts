import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { installNodeFromNpm } from '../../../.ci/current-node.mjs';
import { PackagingError } from '../errors.js';
import { run, timed } from '../run.js';
import {
  ensureBuilt,
  packPackages,
  publicPackages,
  repoRoot,
  withWorkspaceDependencies,
} from '../workspace-packages.js';
import { changelogEntry, controlFile } from './control.js';
import { copyrightFile } from './copyright.js';
import { manPage } from './man-page.js';
import { nativeDepends } from './native-deps.js';
import { filesBelow, finishNativeFiles, installNodeTree, pruneNodeTree } from './stage-node-tree.js';
import { DEBIAN_NODE_MAJOR, type DebArch, debTarget } from './target.js';

export const PACKAGE_NAME = 'klinik-desa-kiosk';
/** Where the agent and its npm packages live on the kiosk. */
export const APP_PREFIX = 'usr/lib/klinik-desa-kiosk';
const AGENT = '@klinik-desa/kiosk-agent';
/** The package's Debian revision: raise it for a change of the packaging alone. */
const DEBIAN_REVISION = '1';
const MAINTAINER = 'klinik-desa maintainers <maintainers@users.noreply.h-seed-0ebe2d9f.example>';
const FILES = fileURLToPath(new URL('files', import.meta.url));

export interface DebBuildOptions {
  arch: DebArch;
  /** The .deb and its staging tree go here. */
  outDir: string;
  root?: string;
}

export interface BuiltDeb {
  /** The .deb file. */
  file: string;
  /** The package's files as they will be installed (the .deb's contents, and DEBIAN/). */
  stagingDir: string;
  version: string;
  /** Seconds each step took. */
  seconds: Record<string, number>;
}

/** The installed size as dpkg counts it: KiB per file, rounded up, and one per folder. */
function installedSizeKiB(dir: string): number {
  let kib = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.parentPath.startsWith(join(dir, 'DEBIAN'))) continue;
    kib += entry.isFile() ? Math.ceil(statSync(join(entry.parentPath, entry.name)).size / 1024) : 1;
  }
  return kib;
}

function put(staging: string, path: string, content: string | Buffer, mode = 0o644): void {
  const file = join(staging, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  chmodSync(file, mode);
}

/**
 * npm leaves modes as each tarball had them: every folder 0755, a script (`#!`) 0755 as its first
 * line says it is meant to be run, every other file 0644.
 */
function normalizeModes(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isDirectory()) chmodSync(path, 0o755);
    else chmodSync(path, readFileSync(path).subarray(0, 2).toString() === '#!' ? 0o755 : 0o644);
  }
}

function lastCommitDate(root: string): Date {
  const seconds = Number(run('git', ['log', '-1', '--format=%ct'], { cwd: root }).trim());
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date();
}

/**
 * Builds klinik-desa-kiosk_<version>_<arch>.deb: the agent and its npm dependencies installed with
 * npm for Debian's Node.js on `arch` (native addons compiled, or cross-compiled, against that
 * Node's headers), the `kiosk-agent` command, the systemd service, the udev rules, the example
 * config as a conffile, the maintainer scripts, copyright, changelog and manual.
 */
export function buildDeb(options: DebBuildOptions): BuiltDeb {
  const root = options.root ?? repoRoot;
  const target = debTarget(options.arch);
  const seconds: Record<string, number> = {};
  const node = timed(seconds, 'node headers', () =>
    installNodeFromNpm(root, { major: DEBIAN_NODE_MAJOR, arch: target.nodeArch }),
  );
  if (node.error !== undefined)
    throw new PackagingError(
      'NODE_UNAVAILABLE',
      `Node ${DEBIAN_NODE_MAJOR} for ${target.arch}: ${node.error}`,
    );

  const packages = withWorkspaceDependencies(AGENT, publicPackages(root));
  const agent = packages[0] as (typeof packages)[0];
  const version = `${agent.version}-${DEBIAN_REVISION}`;
  timed(seconds, 'build', () => ensureBuilt(packages, root));
  const tarballs = mkdtempSync(join(tmpdir(), 'kd-deb-tarballs-'));
  const staging = join(options.outDir, `${PACKAGE_NAME}_${version}_${target.arch}`);
  rmSync(staging, { recursive: true, force: true });
  const appDir = join(staging, APP_PREFIX);
  try {
    const packed = timed(seconds, 'pack', () => packPackages(packages, tarballs, root));
    timed(seconds, 'npm install', () => installNodeTree(appDir, packed, target, node));
  } finally {
    rmSync(tarballs, { recursive: true, force: true });
  }

  const date = lastCommitDate(root);
  const docDir = `usr/share/doc/${PACKAGE_NAME}`;
  const natives = timed(seconds, 'prune and strip', () => {
    // Licenses are read before the prune removes them from the tree.
    put(staging, `${docDir}/copyright`, copyrightFile(appDir, APP_PREFIX, 'Apache-2.0'));
    pruneNodeTree(appDir, target);
    normalizeModes(appDir);
    return finishNativeFiles(appDir, target);
  });

  const file = (name: string) => readFileSync(join(FILES, name));
  put(staging, 'usr/bin/kiosk-agent', file('kiosk-agent'), 0o755);
  put(staging, `usr/lib/systemd/system/${PACKAGE_NAME}.service`, file(`${PACKAGE_NAME}.service`));
  put(staging, `usr/lib/udev/rules.d/60-${PACKAGE_NAME}.rules`, file(`60-${PACKAGE_NAME}.rules`));
  put(staging, 'etc/klinik-desa/kiosk.yaml', file('kiosk.yaml'));
  put(staging, `usr/share/lintian/overrides/${PACKAGE_NAME}`, file('lintian-overrides'));
  put(
    staging,
    `${docDir}/changelog.Debian.gz`,
    gzipSync(changelogEntry(version, agent.version, MAINTAINER, date), { level: 9 }),
  );
  // The help texts are the same JavaScript on every architecture: the workspace's build prints them.
  const man = manPage(join(agent.dir, 'dist/cli.js'), agent.version, date.toISOString().slice(0, 10));
  put(staging, 'usr/share/man/man1/kiosk-agent.1.gz', gzipSync(man, { level: 9 }));
  for (const dir of readdirSync(staging, { recursive: true, withFileTypes: true }))
    if (dir.isDirectory()) chmodSync(join(dir.parentPath, dir.name), 0o755);

  const depends = [`nodejs (>= ${DEBIAN_NODE_MAJOR})`, 'adduser', ...nativeDepends(natives, staging)];
  const md5sums = filesBelow(staging)
    .map((f) => `${createHash('md5').update(readFileSync(f)).digest('hex')}  ${relative(staging, f)}`)
    .sort((a, b) => a.slice(34).localeCompare(b.slice(34)));
  const control = controlFile({
    version,
    arch: target.arch,
    maintainer: MAINTAINER,
    installedSizeKiB: installedSizeKiB(staging),
    depends,
  });
  put(staging, 'DEBIAN/control', control);
  put(staging, 'DEBIAN/md5sums', `${md5sums.join('\n')}\n`);
  put(staging, 'DEBIAN/conffiles', '/etc/klinik-desa/kiosk.yaml\n');
  for (const script of ['postinst', 'prerm', 'postrm'])
    copyFileSync(join(FILES, script), join(staging, 'DEBIAN', script));
  for (const script of ['postinst', 'prerm', 'postrm']) chmodSync(join(staging, 'DEBIAN', script), 0o755);
  chmodSync(join(staging, 'DEBIAN'), 0o755);

  const deb = join(options.outDir, `${PACKAGE_NAME}_${version}_${target.arch}.deb`);
  timed(seconds, 'dpkg-deb', () =>
    run('dpkg-deb', ['--build', '--root-owner-group', '-Zxz', staging, deb], { cwd: options.outDir }),
  );
  return { file: deb, stagingDir: staging, version, seconds };
}
