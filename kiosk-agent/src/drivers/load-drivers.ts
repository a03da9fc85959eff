import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type DeviceDriver,
  DriverError,
  type DriverErrorCode,
  loadDriverPackage,
  registerDriver,
  unregisterDriver,
} from '@klinik-desa/devices';
import { AgentError } from '../errors.js';
import { DRIVER_BUDGET, type DriverBudget } from './driver-budget.js';
import { isPathSpec, resolveDriverModule } from './driver-module.js';
import { probeDriverModule } from './probe-driver-module.js';

/** A driver package named in `drivers:` (or `--driver`) that the agent will not run, and why. */
export class DriverRefusedError extends AgentError {
  override readonly name = 'DriverRefusedError';
  override readonly code = 'DRIVER_REFUSED';
  override readonly retryable = false;
  constructor(
    /** The entry as written in the config. */
    readonly spec: string,
    /** Why: the devices package's code (PACKAGE_NOT_FOUND, IMPORT_FAILED, INCOMPATIBLE_API, ...). */
    readonly reason: DriverErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A vendor's package, loaded and registered: the file its drivers are imported from, for the worker. */
export interface LoadedDriverPackage {
  readonly spec: string;
  readonly file: string;
  readonly drivers: readonly DeviceDriver[];
}

export interface KioskDrivers {
  readonly loaded: readonly LoadedDriverPackage[];
  readonly refused: readonly DriverRefusedError[];
}

function fixFor(spec: string, code: DriverErrorCode, baseDir: string): string {
  switch (code) {
    case 'PACKAGE_NOT_FOUND':
      return isPathSpec(spec)
        ? `correct the path (it is relative to the folder of kiosk.yaml, ${baseDir})`
        : `install it beside the agent (npm install ${spec} in ${baseDir}) or correct the name`;
    case 'DUPLICATE_PROTOCOL':
      return 'two packages give the same protocol id: keep one of them in drivers:';
    case 'INCOMPATIBLE_API':
      // The devices package words this fix itself (which version to install).
      return '';
    default:
      return `ask the driver's maker for a fixed version, and take it out of drivers: until then`;
  }
}

function refused(spec: string, code: DriverErrorCode, detail: string, baseDir: string): DriverRefusedError {
  const fix = fixFor(spec, code, baseDir);
  return new DriverRefusedError(
    spec,
    code,
    `driver ${JSON.stringify(spec)} refused (${code}): ${detail}${fix ? `; fix: ${fix}` : ''}`,
  );
}

/**
 * Loads the vendor drivers a kiosk names, the one way every command does: each entry is a package
 * name (installed beside kiosk.yaml or beside the agent) or a path relative to `baseDir`. A package
 * that is missing, throws or hangs while loading (it is tried in a worker first), exports no valid
 * driver, takes a protocol id already taken or was built for another driver API is refused, with
 * one line naming it and its fix; the others are registered and run.
 */
export async function loadKioskDrivers(
  specs: readonly string[],
  baseDir: string,
  budget: Pick<DriverBudget, 'startMs' | 'memoryMb'> = DRIVER_BUDGET,
): Promise<KioskDrivers> {
  const loaded: LoadedDriverPackage[] = [];
  const refusals: DriverRefusedError[] = [];
  for (const spec of new Set(specs)) {
    let file: string | undefined;
    try {
      file = resolveDriverModule(spec, baseDir);
    } catch (error) {
      // A package.json that is not JSON, a folder that cannot be read.
      refusals.push(refused(spec, 'IMPORT_FAILED', `cannot read it: ${(error as Error).message}`, baseDir));
      continue;
    }
    if (file === undefined) {
      refusals.push(refused(spec, 'PACKAGE_NOT_FOUND', `nothing found at ${spec}`, baseDir));
      continue;
    }
    // A TypeScript source is the workspace's dev loop (the agent run with tsx, which a worker does
    // not get): it is loaded in the agent's thread only. What a kiosk installs is JavaScript.
    const unloadable = /\.[cm]?ts$/.test(file) ? undefined : await probeDriverModule(file, budget);
    if (unloadable !== undefined) {
      refusals.push(refused(spec, 'IMPORT_FAILED', `it cannot be loaded: ${unloadable}`, baseDir));
      continue;
    }
    let drivers: DeviceDriver[];
    try {
      drivers = await loadDriverPackage(spec, {
        importModule: () => import(pathToFileURL(file).href),
        isNotFound: () => false,
        register: false,
      });
    } catch (error) {
      if (!(error instanceof DriverError)) throw error;
      // The devices package's message starts with the package's name, which the refusal already says.
      const detail = error.message.replace(
        new RegExp(`^${spec.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:? ?`),
        '',
      );
      refusals.push(refused(spec, error.code, detail, baseDir));
      continue;
    }
    const registered: DeviceDriver[] = [];
    try {
      for (const driver of drivers) {
        registerDriver(driver);
        registered.push(driver);
      }
    } catch (error) {
      if (!(error instanceof DriverError)) throw error;
      for (const driver of registered) unregisterDriver(driver.id);
      refusals.push(refused(spec, error.code, error.message, baseDir));
      continue;
    }
    loaded.push({ spec, file, drivers });
  }
  return { loaded, refused: refusals };
}

/**
 * The drivers of one command run: those its kiosk.yaml names (found from the file's folder) and
 * those given with `--driver` (found from the working folder), loaded the one way.
 */
export async function loadCommandDrivers(options: {
  configPath?: string | undefined;
  configured?: readonly string[] | undefined;
  flags?: readonly string[] | undefined;
}): Promise<KioskDrivers> {
  const fromConfig =
    options.configPath && options.configured?.length
      ? await loadKioskDrivers(options.configured, dirname(resolve(options.configPath)))
      : { loaded: [], refused: [] };
  const fromFlags = options.flags?.length
    ? await loadKioskDrivers(options.flags, process.cwd())
    : { loaded: [], refused: [] };
  return {
    loaded: [...fromConfig.loaded, ...fromFlags.loaded],
    refused: [...fromConfig.refused, ...fromFlags.refused],
  };
}
