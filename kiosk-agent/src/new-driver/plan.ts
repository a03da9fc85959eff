import { AgentError } from '../errors.js';

/**
 * What `kiosk-agent new-driver` writes, worked out without touching the disk: the template's files
 * with the package's name, protocol id and versions filled in.
 */

/** npm's rule for a package name, scoped or not. */
const PACKAGE_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
/** The agent's rule for a protocol id (the same as the devices package's driver check). */
const PROTOCOL_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

export interface DriverPackageNames {
  /** The npm package name, e.g. `@acme/thermo-t1`. */
  packageName: string;
  /** The protocol id the kiosk config names, e.g. `acme-thermo-t1`. */
  protocolId: string;
  /** The folder it is written to, by default the name without its scope. */
  folder: string;
  /** What `npm pack` will call the tarball. */
  tarball: string;
}

export interface TemplateFile {
  /** Path inside the new package. */
  path: string;
  text: string;
}

export interface Versions {
  /** The driver API the agent runs, written into the package as the one it was built for. */
  driverApi: string;
  /** The version of @klinik-desa/devices and @klinik-desa/protocol beside this agent. */
  klinikDesa: string;
}

/** A problem with what was asked, in one line with its fix. */
export class NewDriverError extends AgentError {
  override readonly name = 'NewDriverError';
  readonly code = 'NEW_DRIVER_REFUSED';
  readonly retryable = false;
}

export function driverNames(packageName: string, protocolId?: string, folder?: string): DriverPackageNames {
  if (packageName.length > 214 || !PACKAGE_NAME.test(packageName)) {
    throw new NewDriverError(
      `${JSON.stringify(packageName)} is not an npm package name; fix: lower case letters, digits and - . _ ~, optionally under a scope, e.g. @acme/thermo-t1`,
    );
  }
  const bare = packageName.replace(/^@[^/]+\//, '');
  const id = protocolId ?? bare.replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  if (!PROTOCOL_ID.test(id)) {
    throw new NewDriverError(
      `${JSON.stringify(id)} cannot be a protocol id; fix: --protocol <id> in kebab-case (a-z, 0-9, -), at most 64 characters`,
    );
  }
  return {
    packageName,
    protocolId: id,
    folder: folder ?? bare,
    tarball: `${packageName.replace(/^@/, '').replace('/', '-')}-0.1.0.tgz`,
  };
}

/** The template's file names that change on the way: npm drops `.gitignore` from a tarball. */
const RENAMED: Record<string, string> = { gitignore: '.gitignore', 'package.json.template': 'package.json' };

export function fillTemplate(
  files: readonly TemplateFile[],
  names: DriverPackageNames,
  versions: Versions,
): TemplateFile[] {
  const tokens: Record<string, string> = {
    __PACKAGE_NAME__: names.packageName,
    __PROTOCOL_ID__: names.protocolId,
    __DRIVER_API_VERSION__: versions.driverApi,
    __KLINIK_DESA_VERSION__: versions.klinikDesa,
    __TARBALL__: names.tarball,
  };
  return files.map(({ path, text }) => ({
    path: RENAMED[path] ?? path,
    text: text.replace(/__[A-Z_]+__/g, (token) => tokens[token] ?? token),
  }));
}
