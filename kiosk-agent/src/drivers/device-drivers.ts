import { type DeviceDriver, getDriver, hasDriver } from '@klinik-desa/devices';
import type { DeviceConfig } from '../config/config.js';
import type { ContainedDecoding } from '../devices/device-connection.js';
import { DRIVER_BUDGET, type DriverBudget } from './driver-budget.js';
import type { KioskDrivers } from './load-drivers.js';
import { WorkerDecoder } from './worker-decoder.js';

/** How one configured device will decode: its driver (contained when a vendor's), or why it cannot run. */
export type DeviceDriverPlan =
  | { readonly driver: DeviceDriver; readonly contained?: ContainedDecoding }
  | { readonly refused: string };

/**
 * Picks each device's driver. A built-in driver runs in the agent's thread; a vendor's runs in a
 * worker under `budget`. A device whose protocol no driver gives, when a vendor package was
 * refused, is planned off (its driver is probably the refused one) and the others go on; with no
 * refusal it is a config error, thrown as before anything opens.
 */
export function planDeviceDriver(
  device: DeviceConfig,
  drivers: KioskDrivers,
  budget: DriverBudget = DRIVER_BUDGET,
): DeviceDriverPlan {
  if (!hasDriver(device.protocol)) {
    if (drivers.refused.length === 0) getDriver(device.protocol);
    return {
      refused: `device ${device.id} is off: no driver gives protocol "${device.protocol}" (refused at start: ${drivers.refused.map((r) => r.spec).join(', ')}); the other devices go on`,
    };
  }
  const driver = getDriver(device.protocol);
  const from = drivers.loaded.find((p) => p.drivers.includes(driver));
  if (!from) return { driver };
  if (driver.mode !== 'stream' || driver.framing.type !== 'line') {
    // Their framers and dialogues are the driver's code too, and run per byte: not contained yet.
    return {
      refused: `device ${device.id} is off: driver ${driver.id} (${from.spec}) is a ${driver.mode} driver with ${driver.framing.type} framing, and this agent contains only line-framed stream drivers from packages; fix: use a built-in protocol or a line-framed driver`,
    };
  }
  return { driver, contained: { decoder: new WorkerDecoder(from.file, driver.id, budget), budget } };
}
