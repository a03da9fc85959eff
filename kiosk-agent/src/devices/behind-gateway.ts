import type { DialogueEvent } from '@klinik-desa/devices';
import {
  type BehindGatewayStatus,
  DEVICE_INFO_EXTRA_KEYS,
  DeviceAddress,
  DeviceInfoText,
  type DeviceStatus,
} from '@klinik-desa/protocol';

/** At most this many devices behind one gateway are listed: a gateway watches far fewer. */
const MAX_LISTED = 64;

function entry(status: DeviceStatus, address: string): BehindGatewayStatus | undefined {
  status.behind ??= [];
  const list = status.behind;
  const found = list.find((d) => d.address === address);
  if (found) return found;
  if (list.length >= MAX_LISTED) return undefined;
  const created: BehindGatewayStatus = { address };
  list.push(created);
  return created;
}

/**
 * A gateway dialogue's event, kept in the port's status where it says something about a device
 * behind the gateway: what it said of itself (`device-identified`) and its clock (`device-clock`).
 * Returns whether the status changed.
 */
export function noteBehindGateway(status: DeviceStatus, event: DialogueEvent): boolean {
  const address = event.detail['address'];
  if (typeof address !== 'string' || !DeviceAddress.safeParse(address).success) return false;
  if (event.type === 'device-identified') {
    const device = entry(status, address);
    if (!device) return false;
    for (const field of Object.keys(DEVICE_INFO_EXTRA_KEYS) as (keyof typeof DEVICE_INFO_EXTRA_KEYS)[]) {
      const value = event.detail[field];
      if (typeof value === 'string' && DeviceInfoText.safeParse(value).success) device[field] = value;
    }
    return true;
  }
  if (event.type === 'device-clock') {
    const state = event.detail['state'];
    if (state !== 'set' && state !== 'unsupported' && state !== 'failed') return false;
    const device = entry(status, address);
    if (!device) return false;
    const at = event.detail['at'];
    const reason = event.detail['reason'];
    device.clock = { state };
    if (typeof at === 'string') device.clock.at = at;
    if (typeof reason === 'string') device.clock.reason = reason.slice(0, 200);
    return true;
  }
  return false;
}

/** The device's clock as a health worker or operator reads it in the status. */
export function describeDeviceClock(device: BehindGatewayStatus): string | undefined {
  const clock = device.clock;
  if (!clock) return undefined;
  if (clock.state === 'set') return `clock set at ${clock.at ?? '?'}`;
  if (clock.state === 'unsupported') return 'clock cannot be set (no Current Time Service)';
  return `clock not set (${clock.reason ?? 'the device refused the time'})`;
}

/** One line per device behind a gateway: address, what it is, and its clock. */
export function describeBehindGateway(device: BehindGatewayStatus): string {
  const what = [device.manufacturer, device.model].filter(Boolean).join(' ');
  const serial = device.serialNumber ? `serial ${device.serialNumber}` : undefined;
  const firmware = device.firmware ? `firmware ${device.firmware}` : undefined;
  const parts = [what || undefined, serial, firmware, describeDeviceClock(device)].filter(Boolean);
  return `${device.address}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

/**
 * What the agent adds to a gateway's dialogue options: it sets each device's clock from the kiosk's
 * trusted time in the clinic's zone, and reads each device's identity once while the agent runs
 * (one map for every dialogue on the port). Nothing for other protocols.
 */
export function gatewayDialogueOptions(
  device: { protocol: string },
  clock: { now(): number },
  timeZone: string,
): { dialogueOptions?: Record<string, unknown> } {
  if (device.protocol !== 'ble-gateway') return {};
  return { dialogueOptions: { kioskTime: () => clock.now(), timeZone, identities: new Map() } };
}
