import type { DialogueStep } from '../../driver.js';
import type { GatewayCommand } from './lines.js';
import type { DeviceState, GatewayNotification } from './records.js';

type NewCommand<T extends GatewayCommand['type']> = Omit<Extract<GatewayCommand, { type: T }>, 'id'>;
/** Sends a command with a fresh id (remembered as pending by the dialogue) and gives the id. */
export type Issue = (command: NewCommand<'subscribe'> | NewCommand<'write'>) => number;

/** Right after each CONNECT: the gateway forgets subscriptions with the registration, so they go again. */
export function subscribeVendor(device: DeviceState, address: string, issue: Issue): void {
  const vendor = device.config.vendor;
  if (!vendor) return;
  for (const { service, characteristic } of vendor.subscriptions.notifications)
    issue({ type: 'subscribe', address, service, characteristic });
}

function sendNext(device: DeviceState, address: string, issue: Issue): void {
  const writes = device.vendorWrites;
  const next = writes?.queue.shift();
  if (!writes || !next) {
    if (writes) delete writes.waitingFor;
    return;
  }
  writes.waitingFor = issue({
    type: 'write',
    address,
    service: next.service,
    characteristic: next.characteristic,
    payload: next.value,
  });
}

/** `STATE connected`: the device's writes (start a measurement, ...) go, one after the other. */
export function startVendorWrites(device: DeviceState, address: string, issue: Issue): void {
  const vendor = device.config.vendor;
  if (!vendor || vendor.subscriptions.writes.length === 0) return;
  device.vendorWrites = { queue: [...vendor.subscriptions.writes] };
  sendNext(device, address, issue);
}

/** The device went away: what was left to write is for the next connection (which starts over). */
export function stopVendorWrites(device: DeviceState): void {
  delete device.vendorWrites;
}

/** The gateway answered command `id` (OK or ERR): when it was this device's write, the next one goes. */
export function vendorAnswered(
  device: DeviceState | undefined,
  address: string,
  id: number,
  issue: Issue,
): void {
  if (device?.vendorWrites?.waitingFor !== id) return;
  sendNext(device, address, issue);
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
