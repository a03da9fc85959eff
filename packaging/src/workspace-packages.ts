import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PackagingError } from './errors.js';
import { pnpm } from './run.js';

/** The repository this package sits in. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkspacePackage {
  name: string;
  version: string;
  dir: string;
  /** Its `dependencies` (not dev), as written in its package.json. */
  dependencies: Record<string, string>;
}

function readPackage(dir: string): (WorkspacePackage & { private?: boolean }) | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as {
    name: string;
    version: string;
    private?: boolean;
    dependencies?: Record<string, string>;
  };
  return { ...pkg, dir, dependencies: pkg.dependencies ?? {} };
}

/** Every package of the workspace that is published (not `private`). */
export function publicPackages(root = repoRoot): WorkspacePackage[] {
  const dirs = [
    ...readdirSync(join(root, 'packages')).map((d) => join(root, 'packages', d)),
    join(root, 'kiosk-agent'),
  ];
  return dirs.flatMap((dir) => {
    const pkg = readPackage(dir);
    if (!pkg || pkg.private) return [];
    return [{ name: pkg.name, version: pkg.version, dir, dependencies: pkg.dependencies }];
  });
}

/** `name` and every workspace package it depends on at run time, directly or not. */
export function withWorkspaceDependencies(name: string, packages: WorkspacePackage[]): WorkspacePackage[] {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const found = new Map<string, WorkspacePackage>();
  const visit = (n: string) => {
    if (found.has(n)) return;
    const pkg = byName.get(n);
    if (!pkg)
      throw new PackagingError('UNKNOWN_PACKAGE', `${n} is not a published package of this workspace`);
    found.set(n, pkg);
    for (const [dep, range] of Object.entries(pkg.dependencies))
      if (range.startsWith('workspace:')) visit(dep);
  };
  visit(name);
  return [...found.values()];
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
export function ensureBuilt(packages: WorkspacePackage[], root = repoRoot): void {
  if (packages.every((p) => builtAt(p.dir) > newestSource(p.dir))) return;
  pnpm(['run', 'build'], root);
}

/**
 * Packs `packages` with `pnpm pack` into `destination`: workspace and catalog versions written out
 * and `files` applied, as the registry would serve them. Answers the tarballs' paths.
 */
export function packPackages(packages: WorkspacePackage[], destination: string, root = repoRoot): string[] {
  const only = packages.flatMap((p) => ['--filter', p.name]);
  pnpm(['-r', ...only, 'pack', '--pack-destination', destination], root);
  return readdirSync(destination)
    .filter((f) => f.endsWith('.tgz'))
    .map((f) => join(destination, f));
}
