import { fromHex } from './bytes.js';
import { shortUuid } from './gatt/characteristics.js';

/**
 * What a driver for a device that speaks its own Bluetooth (a vendor GATT service rather than the
 * standard health profiles) declares, so that the agent can ask the BLE gateway for it: the
 * characteristics whose values carry its readings, and the writes the device needs to send them.
 * Added in driver API 1.1 (optional: a serial driver has none).
 */
export interface BluetoothProfile {
  /**
   * The characteristics the gateway subscribes to (notify or indicate, whichever the device
   * offers) on every connection. Every value of one of them is handed to the driver's `decode`, as
   * the bytes the device sent. At most 4 (the gateway's limit per device).
   */
  readonly notifications: readonly BluetoothCharacteristic[];
  /** Sent in this order after each connection, one at a time (each after the gateway's answer to the last). */
  readonly writes?: readonly BluetoothWrite[];
}

export interface BluetoothCharacteristic {
  /** A 16-bit (`"1809"`) or 128-bit (`"7b3a0001-5c1e-4d2b-9f00-4b4450000001"`) UUID. */
  readonly service: string;
  readonly characteristic: string;
}

export interface BluetoothWrite extends BluetoothCharacteristic {
  /** When to send it. `connected`: once the gateway says the device is connected and subscribed. */
  readonly when: 'connected';
  /** The value to write, as hex (`"01"`): fixed bytes, known when the driver is loaded. */
  readonly value: string;
  /** What it asks of the device, in a few words, for the log: `start a measurement`. */
  readonly purpose: string;
}

/** The most vendor characteristics the gateway subscribes to per device (docs/gateway-protocol.md). */
export const MAX_BLUETOOTH_NOTIFICATIONS = 4;

const UUID128 = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The UUID as the gateway line protocol writes it (16-bit short form, or 128-bit lower case), or undefined. */
export function normalizeUuid(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const short = shortUuid(text);
  if (short !== undefined) return short;
  const lower = text.trim().toLowerCase();
  return UUID128.test(lower) ? lower : undefined;
}

function characteristicProblems(value: unknown, where: string): string[] {
  if (typeof value !== 'object' || value === null) return [`${where} must be { service, characteristic }`];
  const c = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of ['service', 'characteristic']) {
    if (normalizeUuid(c[key]) === undefined)
      problems.push(
        `${where}.${key} ${JSON.stringify(c[key])} is not a 16-bit ("2a1c") or 128-bit ("7b3a0002-5c1e-4d2b-9f00-4b4450000001") UUID`,
      );
  }
  return problems;
}

/** Every problem with a driver's `bluetooth` declaration, in words a vendor can act on. */
export function bluetoothProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null)
    return ['bluetooth must be { notifications: [...], writes?: [...] }'];
  const b = value as Record<string, unknown>;
  const problems: string[] = [];
  const notifications = b['notifications'];
  if (!Array.isArray(notifications) || notifications.length === 0) {
    problems.push('bluetooth.notifications must list at least one { service, characteristic }');
  } else {
    if (notifications.length > MAX_BLUETOOTH_NOTIFICATIONS)
      problems.push(
        `bluetooth.notifications lists ${notifications.length}; the gateway subscribes to at most ${MAX_BLUETOOTH_NOTIFICATIONS} per device`,
      );
    notifications.forEach((n, i) => {
      problems.push(...characteristicProblems(n, `bluetooth.notifications[${i}]`));
    });
  }
  const writes = b['writes'];
  if (writes !== undefined && !Array.isArray(writes)) problems.push('bluetooth.writes must be an array');
  if (Array.isArray(writes)) {
    writes.forEach((w, i) => {
      const where = `bluetooth.writes[${i}]`;
      problems.push(...characteristicProblems(w, where));
      if (typeof w !== 'object' || w === null) return;
      const write = w as Record<string, unknown>;
      if (write['when'] !== 'connected') problems.push(`${where}.when must be "connected"`);
      const hex = write['value'];
      if (typeof hex !== 'string' || !/^(?:[0-9a-fA-F]{2}){1,240}$/.test(hex))
        problems.push(`${where}.value must be 1–240 bytes as hex, e.g. "01"`);
      if (typeof write['purpose'] !== 'string' || write['purpose'] === '')
        problems.push(`${where}.purpose must say what the write asks of the device`);
    });
  }
  return problems;
}

/** A checked declaration with its UUIDs in the gateway's spelling and its writes as bytes. */
export interface GatewaySubscriptions {
  readonly notifications: readonly BluetoothCharacteristic[];
  readonly writes: readonly { service: string; characteristic: string; value: Uint8Array; purpose: string }[];
}

/** The declaration as the gateway dialogue uses it; call `bluetoothProblems` first (this assumes it is valid). */
export function gatewaySubscriptionsOf(profile: BluetoothProfile): GatewaySubscriptions {
  const uuid = (text: string) => normalizeUuid(text) as string;
  return {
    notifications: profile.notifications.map((n) => ({
      service: uuid(n.service),
      characteristic: uuid(n.characteristic),
    })),
    writes: (profile.writes ?? []).map((w) => ({
      service: uuid(w.service),
      characteristic: uuid(w.characteristic),
      value: fromHex(w.value),
      purpose: w.purpose,
    })),
  };
}
