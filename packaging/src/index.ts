export { type BuiltDeb, buildDeb, type DebBuildOptions } from './debian/build-deb.js';
export { DEB_ARCHES, type DebArch } from './debian/target.js';
export { PackagingError } from './errors.js';
export {
  type AddonTarget,
  keepBetterSqlitePrebuild,
  prebuildCache,
  prebuildCacheEnv,
  thisNode,
} from './prebuild-cache.js';
export { pnpm, run, timed } from './run.js';
export {
  ensureBuilt,
  packPackages,
  publicPackages,
  repoRoot,
  type WorkspacePackage,
  withWorkspaceDependencies,
} from './workspace-packages.js';
