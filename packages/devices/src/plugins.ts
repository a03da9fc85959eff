import type { DeviceDriver } from './driver.js';
import { driverApiMismatch } from './driver-api.js';
import { DriverError } from './errors.js';
import { assertDeviceDriver } from './plugin-shape.js';
import { registerDriver } from './registry.js';

export interface LoadDriverOptions {
  /**
   * Imports the package. Default: `import(name)` from this package, which finds packages installed
   * beside it. The agent passes `(name) => import(name)` from its own module so that packages
   * installed for the agent are found (pnpm keeps each package's dependencies to itself).
   */
  importModule?: (specifier: string) => Promise<unknown>;
  /** Register the drivers (default true). False only validates and returns them. */
  register?: boolean;
  /**
   * Tells "not installed" from "throws while loading" (default: Node's ERR_MODULE_NOT_FOUND naming
   * the package itself). The agent, which resolves the file first, says every failure is a throw.
   */
  isNotFound?: (error: unknown) => boolean;
}

/**
 * Loads a vendor's driver package by name (as listed in the kiosk config), checks the driver API
 * version it declares (`driverApiVersion`) and every driver it exports, and registers them. A package exports its drivers as `default` (one driver or an array),
 * `driver` or `drivers`.
 */
export async function loadDriverPackage(
  name: string,
  options: LoadDriverOptions = {},
): Promise<DeviceDriver[]> {
  const importModule = options.importModule ?? ((specifier: string) => import(specifier));
  let module: Record<string, unknown>;
  try {
    module = (await importModule(name)) as Record<string, unknown>;
  } catch (error) {
    const message = String((error as Error)?.message ?? error).split('\n')[0];
    const notFound = (options.isNotFound ?? ((e) => isMissing(e, name)))(error);
    throw new DriverError(
      notFound ? 'PACKAGE_NOT_FOUND' : 'IMPORT_FAILED',
      notFound
        ? `cannot find driver package ${JSON.stringify(name)}: ${message}`
        : `driver package ${JSON.stringify(name)} throws while loading: ${message}`,
      { cause: error },
    );
  }
  const mismatch = driverApiMismatch(module?.['driverApiVersion']);
  if (mismatch !== undefined) throw new DriverError('INCOMPATIBLE_API', `${name}: ${mismatch}`);
  const found: unknown[] = [];
  for (const key of ['default', 'driver', 'drivers']) {
    const exported = module?.[key];
    if (exported === undefined) continue;
    for (const candidate of Array.isArray(exported) ? exported : [exported]) {
      if (!found.includes(candidate)) found.push(candidate);
    }
  }
  if (found.length === 0) {
    throw new DriverError(
      'NO_DRIVERS_EXPORTED',
      `${name} exports no driver (expected default, driver or drivers)`,
    );
  }
  found.forEach((candidate, index) => {
    assertDeviceDriver(candidate, `${name} export #${index + 1}`);
  });
  const drivers = found as DeviceDriver[];
  if (options.register !== false) for (const driver of drivers) registerDriver(driver);
  return drivers;
}

function isMissing(error: unknown, name: string): boolean {
  const e = error as { code?: unknown; message?: unknown };
  return (
    (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') &&
    typeof e.message === 'string' &&
    e.message.includes(name)
  );
}
