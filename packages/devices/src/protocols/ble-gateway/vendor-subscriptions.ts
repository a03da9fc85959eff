import type { DialogueStep } from '../../driver.js';
import type { GatewayCommand } from './lines.js';
import type { DeviceState, GatewayNotification } from './records.js';

type NewCommand<T extends GatewayCommand['type']> = Omit<Extract<GatewayCommand, { type: T }>, 'id'>;
/** Sends a command with a fresh id (remembered as pending by the dialogue until it is answered). */
export type Issue = (command: NewCommand<'subscribe'>) => void;

/** Right after each CONNECT: the gateway forgets subscriptions with the registration, so they go again. */
export function subscribeVendor(device: DeviceState, address: string, issue: Issue): void {
  const vendor = device.config.vendor;
  if (!vendor) return;
  for (const { service, characteristic } of vendor.subscriptions.notifications)
    issue({ type: 'subscribe', address, service, characteristic });
}

/**
 * A notification or indication of one of the vendor's subscribed characteristics is handed on for
 * its driver (true), never decoded here; any other is left to the standard profiles (false).
 */
export function routeVendorValue(
  message: GatewayNotification,
  device: DeviceState | undefined,
  result: DialogueStep,
): boolean {
  const vendor = device?.config.vendor;
  if (!vendor) return false;
  const subscribed = vendor.subscriptions.notifications.some(
    (n) => n.service === message.service && n.characteristic === message.characteristic,
  );
  if (!subscribed) return false;
  const value = {
    driverId: vendor.driverId,
    deviceAddress: message.address,
    service: message.service,
    characteristic: message.characteristic,
    value: message.payload,
  };
  result.vendorValues = [...(result.vendorValues ?? []), value];
  return true;
}
