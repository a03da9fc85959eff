import { fromHex } from './bytes.js';
import type { BluetoothCharacteristic, BluetoothProfile } from './driver.js';
import { shortUuid } from './gatt/characteristics.js';

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
