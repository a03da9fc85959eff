import { PackagingError } from '../errors.js';
import { run } from '../run.js';

/** The Debian package of each shared library the addons link to (all in every Debian system). */
const LIBRARY_PACKAGES: Record<string, string> = {
  'libc.so.6': 'libc6',
  'libm.so.6': 'libc6',
  'libpthread.so.0': 'libc6',
  'libdl.so.2': 'libc6',
  'ld-linux-x86-64.so.2': 'libc6',
  'ld-linux-aarch64.so.1': 'libc6',
  'libstdc++.so.6': 'libstdc++6',
  'libgcc_s.so.1': 'libgcc-s1',
};

function versionParts(v: string): number[] {
  return v.split('.').map(Number);
}

function newer(a: string, b: string): boolean {
  const [x, y] = [versionParts(a), versionParts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++)
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return false;
}

/**
 * The `Depends` the native files need, from their ELF headers (readelf reads any architecture, so
 * this works for a cross build, where dpkg-shlibdeps would want the target's libraries installed):
 * each needed library's package, libc6 at the newest GLIBC symbol version used.
 */
export function nativeDepends(files: string[], cwd: string): string[] {
  const packages = new Set<string>();
  let glibc = '2.17';
  for (const file of files) {
    const dynamic = run('readelf', ['--dynamic', '--wide', file], { cwd });
    for (const [, lib] of dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)) {
      const pkg = LIBRARY_PACKAGES[lib as string];
      if (!pkg)
        throw new PackagingError(
          'UNKNOWN_SHARED_LIBRARY',
          `${file} needs ${lib}, which has no Debian package in packaging/src/debian/native-deps.ts`,
        );
      packages.add(pkg);
    }
    const versions = run('readelf', ['--version-info', '--wide', file], { cwd });
    for (const [, v] of versions.matchAll(/Name: GLIBC_(\d+(?:\.\d+)+)/g))
      if (newer(v as string, glibc)) glibc = v as string;
  }
  return [...packages].sort().map((p) => (p === 'libc6' ? `libc6 (>= ${glibc})` : p));
}
