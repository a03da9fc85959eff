import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A package of the installed tree: where it is, what it declares, and its license file's text. */
interface TreePackage {
  /** Relative to the app folder: `node_modules/mqtt`, `node_modules/a/node_modules/b`. */
  path: string;
  name: string;
  version: string;
  license: string;
  author?: string;
  licenseText?: string;
}

/** Licenses whose full text Debian keeps in /usr/share/common-licenses (copyright points there). */
const COMMON_LICENSES: Record<string, string> = {
  'Apache-2.0': 'Apache-2.0',
  'GPL-2.0': 'GPL-2',
  'GPL-3.0': 'GPL-3',
  'LGPL-2.1': 'LGPL-2.1',
  'LGPL-3.0': 'LGPL-3',
  'MPL-2.0': 'MPL-2.0',
  'CC0-1.0': 'CC0-1.0',
};

const LICENSE_FILE = /^(licen[cs]e|copying)(-\w+)?(\.(md|txt|markdown|bsd|mit|apache2?))?$/i;

function packageDirs(modules: string): string[] {
  if (!existsSync(modules)) return [];
  return readdirSync(modules).flatMap((entry) => {
    if (entry.startsWith('.')) return [];
    if (entry.startsWith('@')) return readdirSync(join(modules, entry)).map((n) => join(modules, entry, n));
    return [join(modules, entry)];
  });
}

function treePackages(appDir: string, modules = join(appDir, 'node_modules')): TreePackage[] {
  return packageDirs(modules).flatMap((dir) => {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) return [];
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as {
      name: string;
      version: string;
      license?: string | { type: string };
      author?: string | { name: string };
    };
    const licenseFile = readdirSync(dir).find((f) => LICENSE_FILE.test(f));
    const author = typeof pkg.author === 'string' ? pkg.author : pkg.author?.name;
    const found: TreePackage = {
      path: relative(appDir, dir),
      name: pkg.name,
      version: pkg.version,
      license: (typeof pkg.license === 'string' ? pkg.license : pkg.license?.type) ?? 'UNKNOWN',
      ...(author ? { author } : {}),
      ...(licenseFile ? { licenseText: readFileSync(join(dir, licenseFile), 'utf8') } : {}),
    };
    return [found, ...treePackages(appDir, join(dir, 'node_modules'))];
  });
}

/** A copyright-format field value: continuation lines start with a space, empty ones are " .". */
function fieldText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .trim()
    .split('\n')
    .map((line) => (line.trim() === '' ? ' .' : ` ${line.replace(/\s+$/, '')}`))
    .join('\n');
}

function copyrightHolders(pkg: TreePackage): string {
  const lines = (pkg.licenseText ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(copyright\b|\(c\)|©)/i.test(l) && !/copyright (notice|holder|owner)s?\b/i.test(l))
    .map((l) => l.replace(/^copyright\s*(\(c\)|©)?\s*/i, '').trim());
  if (lines.length > 0) return lines.join('\n ');
  return pkg.author ?? `the authors of ${pkg.name}`;
}

function licenseParagraph(license: string, text: string | undefined, declaredBy: string): string {
  const common = COMMON_LICENSES[license];
  if (common)
    return `License: ${license}\n On Debian systems, the full text of the license is in\n /usr/share/common-licenses/${common}.`;
  if (text) return `License: ${license}\n${fieldText(text)}`;
  return `License: ${license}\n ${declaredBy} declares the license ${license} in its package.json and ships no license text.`;
}

/**
 * debian/copyright in the machine-readable format: the kiosk agent's own packages under
 * Apache-2.0, then one paragraph per npm package in the tree with its holders and its license's
 * full text (or the common-licenses file Debian has for it), gathered before the tree is pruned.
 */
export function copyrightFile(appDir: string, installPrefix: string, ownLicense: string): string {
  const paragraphs = [
    'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: klinik-desa\nComment: The kiosk agent and the npm packages it runs on, as installed by npm.',
  ];
  const packages = treePackages(appDir).sort((a, b) => a.path.localeCompare(b.path));
  const own = packages.filter((p) => p.name.startsWith('@klinik-desa/'));
  paragraphs.push(
    `Files: *\nCopyright: the klinik-desa contributors\nComment: ${own.map((p) => `${p.name} ${p.version}`).join(', ')}\n${licenseParagraph(ownLicense, undefined, 'klinik-desa')}`,
  );
  for (const pkg of packages) {
    if (pkg.name.startsWith('@klinik-desa/')) continue;
    paragraphs.push(
      `Files: ${installPrefix}/${pkg.path}/*\nCopyright: ${copyrightHolders(pkg)}\nComment: npm package ${pkg.name} ${pkg.version}\n${licenseParagraph(pkg.license, pkg.licenseText, `${pkg.name} ${pkg.version}`)}`,
    );
  }
  return `${paragraphs.join('\n\n')}\n`;
}
