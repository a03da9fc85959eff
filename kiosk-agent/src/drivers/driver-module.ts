import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the agent's own `node_modules` is: drivers installed beside the agent (the Debian package's
 * folder, or `npm install` next to it) are found from here as well as from the config's folder.
 */
const AGENT_DIR = dirname(fileURLToPath(import.meta.url));

/** A `drivers:` entry that names a local folder or file rather than a package. */
export function isPathSpec(spec: string): boolean {
  return spec.startsWith('.') || isAbsolute(spec);
}

/** The file a package folder's `import` entry points at (`exports["."]`, then `module`, `main`). */
function entryOf(packageDir: string): string | undefined {
  const manifest = join(packageDir, 'package.json');
  if (!existsSync(manifest)) {
    const index = join(packageDir, 'index.js');
    return existsSync(index) ? index : undefined;
  }
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports?: unknown;
    module?: string;
    main?: string;
  };
  let target: unknown = pkg.exports;
  if (typeof target === 'object' && target !== null && '.' in target)
    target = (target as Record<string, unknown>)['.'];
  // Conditions in the order Node picks them for an `import` (the source condition is the workspace's, not a user's).
  while (typeof target === 'object' && target !== null) {
    const conditions = target as Record<string, unknown>;
    target = conditions['import'] ?? conditions['node'] ?? conditions['default'];
  }
  const entry = typeof target === 'string' ? target : (pkg.module ?? pkg.main ?? 'index.js');
  return join(packageDir, entry);
}

/** Finds `node_modules/<name>` walking up from `from`, as Node does. */
function findPackage(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The file to import for one `drivers:` entry: a path (relative to the config's folder) to a
 * package folder or a file, or a package name installed beside the config or beside the agent.
 * Undefined when there is nothing there.
 */
export function resolveDriverModule(spec: string, baseDir: string): string | undefined {
  if (isPathSpec(spec)) {
    const path = resolve(baseDir, spec);
    if (!existsSync(path)) return undefined;
    return statSync(path).isDirectory() ? entryOf(path) : path;
  }
  const packageDir = findPackage(spec, baseDir) ?? findPackage(spec, AGENT_DIR);
  return packageDir === undefined ? undefined : entryOf(packageDir);
}
