import { type DeviceDriver, getDriver, hasDriver } from '@klinik-desa/devices';
import type { DeviceConfig } from '../config/config.js';
import type { ContainedDecoding, VendorDecoding } from '../devices/device-connection.js';
import type { DeviceReadings, ReadingPipeline } from '../readings/index.js';
import { DRIVER_BUDGET, type DriverBudget } from './driver-budget.js';
import type { FrameDecoder } from './frame-decoder.js';
import type { KioskDrivers } from './load-drivers.js';
import { planVendorBluetooth } from './vendor-bluetooth.js';
import { WorkerDecoder } from './worker-decoder.js';

/** How one configured device will decode: its driver (contained when a vendor's), or why it cannot run. */
export type DeviceDriverPlan =
  | {
      /** The device's config as it will run: a gateway's with its vendor devices' subscriptions. */
      readonly device: DeviceConfig;
      readonly driver: DeviceDriver;
      readonly contained?: ContainedDecoding;
      /** A gateway with vendor-Bluetooth devices behind it: their drivers, contained. */
      readonly vendor?: VendorDecoding;
    }
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
  if (!from) return { device, driver, ...vendorPlan(device, drivers, budget) };
  if (driver.mode !== 'stream' || driver.framing.type !== 'line') {
    // Their framers and dialogues are the driver's code too, and run per byte: not contained yet.
    return {
      refused: `device ${device.id} is off: driver ${driver.id} (${from.spec}) is a ${driver.mode} driver with ${driver.framing.type} framing, and this agent contains only line-framed stream drivers from packages; fix: use a built-in protocol or a line-framed driver`,
    };
  }
  return { device, driver, contained: { decoder: new WorkerDecoder(from.file, driver.id, budget), budget } };
}

/** The vendor-Bluetooth devices behind a gateway: each one's driver decodes in its own worker. */
function vendorPlan(
  device: DeviceConfig,
  drivers: KioskDrivers,
  budget: DriverBudget,
): { device?: DeviceConfig; vendor?: VendorDecoding } {
  const plan = planVendorBluetooth(device, drivers, `device ${device.id}`);
  if (plan.drivers.size === 0 && plan.problems.length === 0) return {};
  const decoders = new Map<string, FrameDecoder>();
  for (const [id, { from }] of plan.drivers) decoders.set(id, new WorkerDecoder(from.file, id, budget));
  const withVendors: DeviceConfig = { ...device };
  if (plan.dialogue) withVendors.dialogue = plan.dialogue;
  return { device: withVendors, vendor: { decoders, budget, problems: plan.problems } };
}

/**
 * The pipeline's entrances for the vendor devices behind one gateway: their readings carry their
 * driver's protocol id (not the gateway's), one entrance per driver, made when first needed.
 */
export function vendorEntrances(
  readings: Pick<ReadingPipeline, 'forDevice'>,
  deviceId: string,
): (driverId: string) => DeviceReadings {
  const entrances = new Map<string, DeviceReadings>();
  return (driverId) => {
    let entrance = entrances.get(driverId);
    if (!entrance) {
      entrance = readings.forDevice({ id: deviceId, protocol: driverId, mode: 'dialogue' });
      entrances.set(driverId, entrance);
    }
    return entrance;
  };
}
