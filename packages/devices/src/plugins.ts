import type { DeviceDriver } from './driver.js';
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
}

/**
 * Loads a vendor's driver package by name (as listed in the kiosk config), checks every driver it
 * exports and registers them. A package exports its drivers as `default` (one driver or an array),
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
    throw new DriverError(
      'PACKAGE_NOT_FOUND',
      `cannot import driver package ${JSON.stringify(name)}: ${String((error as Error)?.message ?? error)}`,
      {
        cause: error,
      },
    );
  }
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
