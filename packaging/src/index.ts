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
