// Deno and Bun for the SDK's runtime tests: the real programs, pinned, taken from the npm registry
// (the one registry every machine that installs this repo reaches) into a cache outside the repo,
// once per machine. Debian packages neither; their own installers download from GitHub.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type JsRuntime = 'deno' | 'bun';

/** Pinned: a runtime's new release must not change what a test run means. */
export const JS_RUNTIME_VERSIONS: Readonly<Record<JsRuntime, string>> = { deno: '2.9.5', bun: '1.4.5' };

/** The npm package that holds each runtime's binary for a platform, and the binary's path in it. */
function distribution(runtime: JsRuntime): { pkg: string; binary: string } | undefined {
  const key = `${process.platform}-${process.arch}`;
  const exe = process.platform === 'win32' ? '.exe' : '';
  const deno: Record<string, string> = {
    'linux-x64': '@deno/linux-x64-glibc',
    'linux-arm64': '@deno/linux-arm64-glibc',
    'darwin-x64': '@deno/darwin-x64',
    'darwin-arm64': '@deno/darwin-arm64',
    'win32-x64': '@deno/win32-x64',
  };
  const bun: Record<string, string> = {
    'linux-x64': '@oven/bun-linux-x64',
    'linux-arm64': '@oven/bun-linux-aarch64',
    'darwin-x64': '@oven/bun-darwin-x64',
    'darwin-arm64': '@oven/bun-darwin-aarch64',
    'win32-x64': '@oven/bun-windows-x64',
  };
  const pkg = (runtime === 'deno' ? deno : bun)[key];
  if (!pkg) return undefined;
  return { pkg, binary: runtime === 'deno' ? `deno${exe}` : join('bin', `bun${exe}`) };
}

export class JsRuntimeUnavailableError extends Error {
  readonly code = 'KD_JS_RUNTIME_UNAVAILABLE';
  override name = 'JsRuntimeUnavailableError';
}

function cacheRoot(): string {
  const base = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(base, 'klinik-desa', 'runtimes');
}

/**
 * The path of a runtime's binary: `KD_DENO` / `KD_BUN` when set, else the pinned version from the
 * cache, installed there first if missing (about 50 MB each, a few seconds). Several test
 * processes may ask at once: each installs into its own folder and the first rename wins.
 */
export function jsRuntime(runtime: JsRuntime): string {
  const override = process.env[`KD_${runtime.toUpperCase()}`];
  if (override) return override;
  const dist = distribution(runtime);
  if (!dist) {
    throw new JsRuntimeUnavailableError(
      `no ${runtime} build is published for ${process.platform}-${process.arch}: set KD_${runtime.toUpperCase()} to a ${runtime} binary`,
    );
  }
  const version = JS_RUNTIME_VERSIONS[runtime];
  const home = join(cacheRoot(), `${runtime}-${version}-${process.platform}-${process.arch}`);
  const binary = join(home, 'node_modules', ...dist.pkg.split('/'), dist.binary);
  if (existsSync(binary)) return binary;

  mkdirSync(cacheRoot(), { recursive: true });
  const staging = mkdtempSync(join(cacheRoot(), `.${runtime}-`));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const install = spawnSync(
    npm,
    [
      'install',
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--prefix',
      staging,
      `${dist.pkg}@${version}`,
    ],
    { encoding: 'utf8', timeout: 300_000 },
  );
  const staged = join(staging, 'node_modules', ...dist.pkg.split('/'), dist.binary);
  if (install.status !== 0 || !existsSync(staged)) {
    rmSync(staging, { recursive: true, force: true });
    throw new JsRuntimeUnavailableError(
      `could not install ${runtime} ${version} from the npm registry (npm install ${dist.pkg}@${version}): ${(install.stderr || install.error?.message || '').trim().split('\n').slice(-3).join(' ')}`,
    );
  }
  try {
    renameSync(staging, home);
  } catch (error) {
    // Another process put it there first: use theirs.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(binary)) throw error;
  }
  return binary;
}
