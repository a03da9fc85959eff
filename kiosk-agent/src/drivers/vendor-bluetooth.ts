import { type DeviceDriver, type GatewayVendorDevice, gatewaySubscriptionsOf } from '@klinik-desa/devices';
import type { DeviceConfig } from '../config/config.js';
import type { KioskDrivers, LoadedDriverPackage } from './load-drivers.js';

/** A vendor driver a device behind the gateway uses, and the package it came from (for its worker). */
export interface VendorBluetoothDriver {
  readonly driver: DeviceDriver;
  readonly from: LoadedDriverPackage;
}

/** What the vendor-Bluetooth devices behind one gateway need. */
export interface VendorBluetoothPlan {
  /**
   * The gateway's dialogue options with each vendor device's subscriptions and writes filled in
   * (`vendor`); a device whose driver cannot run is left out, so the others behind it go on.
   */
  readonly dialogue: Record<string, unknown> | undefined;
  /** The vendor drivers used, by protocol id. */
  readonly drivers: ReadonlyMap<string, VendorBluetoothDriver>;
  /** One line per device whose driver cannot run: which device, why, the fix. */
  readonly problems: readonly string[];
}

type Entry = Record<string, unknown>;

function findDriver(
  named: string,
  drivers: KioskDrivers,
): { found: VendorBluetoothDriver } | { why: string; fix: string } {
  const from =
    drivers.loaded.find((p) => p.spec === named) ??
    drivers.loaded.find((p) => p.drivers.some((d) => d.id === named));
  if (!from) {
    const refused = drivers.refused.some((r) => r.spec === named);
    return refused
      ? { why: 'which was refused at start (see its line)', fix: 'install a working version of it' }
      : {
          why: 'which is not loaded',
          fix: `add "${named}" to drivers: in kiosk.yaml and install it beside the agent`,
        };
  }
  const speaking = from.drivers.filter((d) => d.bluetooth !== undefined);
  const driver = speaking.find((d) => d.id === named) ?? (from.spec === named ? speaking[0] : undefined);
  if (!driver)
    return {
      why: `which declares no Bluetooth (${from.drivers.length > 1 ? 'its drivers' : 'its driver'} ${from.drivers.map((d) => d.id).join(', ')} ${from.drivers.length > 1 ? 'give' : 'gives'} no \`bluetooth\`)`,
      fix: 'name a driver made for a vendor-Bluetooth device, or remove driver: for a device that speaks a standard health profile',
    };
  return { found: { driver, from } };
}

/**
 * Resolves the `driver:` of every device behind a BLE gateway (`dialogue.devices`) to a loaded
 * driver that declares `bluetooth`, and gives the gateway dialogue what to subscribe and write for
 * it. Devices without `driver:` are standard-profile devices and are passed on as they are.
 * `where` names the device in the config for the problem lines (`devices.0`).
 */
export function planVendorBluetooth(
  device: DeviceConfig,
  drivers: KioskDrivers,
  where: string,
): VendorBluetoothPlan {
  const used = new Map<string, VendorBluetoothDriver>();
  const problems: string[] = [];
  const entries = device.dialogue?.['devices'];
  if (device.protocol !== 'ble-gateway' || !Array.isArray(entries))
    return { dialogue: device.dialogue, drivers: used, problems };
  const kept: unknown[] = [];
  entries.forEach((entry: unknown, i) => {
    const named = (entry as Entry | null)?.['driver'];
    if (named === undefined) {
      kept.push(entry);
      return;
    }
    const address = String((entry as Entry)['address']);
    const key = `${where}.dialogue.devices.${i}.driver`;
    if (typeof named !== 'string' || named === '') {
      problems.push(`${key}: must name a driver package listed in drivers:, e.g. "@acme/kd-therm"`);
      return;
    }
    const result = findDriver(named, drivers);
    if ('why' in result) {
      problems.push(
        `${key}: BLE device ${address} names driver "${named}", ${result.why}; fix: ${result.fix}`,
      );
      return;
    }
    const { driver } = result.found;
    used.set(driver.id, result.found);
    const vendor: GatewayVendorDevice = {
      driverId: driver.id,
      // Checked when the package was loaded (driverProblems): the UUIDs and writes are valid.
      subscriptions: gatewaySubscriptionsOf(driver.bluetooth!),
    };
    kept.push({ ...(entry as Entry), vendor });
  });
  return { dialogue: { ...device.dialogue, devices: kept }, drivers: used, problems };
}
