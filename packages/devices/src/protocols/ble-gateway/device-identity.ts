import { DEVICE_INFO_EXTRA_KEYS, type DeviceMeasurement } from '@klinik-desa/protocol';
import { DecodeError } from '../../errors.js';
import { ID } from './lines.js';

/** The Device Information service. */
export const DIS_SERVICE = '180a';

/** What a device behind the gateway says of itself, from its Device Information service. */
export interface DeviceIdentity {
  manufacturer?: string;
  model?: string;
  serialNumber?: string;
  firmware?: string;
}

/** The characteristics read, in the order they are read, and where each value goes. */
export const IDENTITY_CHARACTERISTICS: readonly { characteristic: string; field: keyof DeviceIdentity }[] = [
  { characteristic: '2a29', field: 'manufacturer' },
  { characteristic: '2a24', field: 'model' },
  { characteristic: '2a25', field: 'serialNumber' },
  { characteristic: '2a26', field: 'firmware' },
];

/** Where an identity rides on a measurement (beside `deviceAddress`) until it becomes the reading's `device`. */
export const IDENTITY_EXTRA_KEYS: Readonly<Record<keyof DeviceIdentity, string>> = DEVICE_INFO_EXTRA_KEYS;

const MAX_TEXT = 64;

/**
 * A Device Information string (UTF-8, often padded with NULs or spaces by the firmware) as text the
 * record can carry: trimmed, at most 64 characters, no control characters. Anything else is refused
 * with the characteristic named, so a device that fills its serial with garbage is seen, not stored.
 */
export function decodeIdentityText(characteristic: string, bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DecodeError(
      'BAD_FORMAT',
      ID,
      `Device Information 0x${characteristic.toUpperCase()} is not UTF-8`,
    );
  }
  // Trailing NULs pad fixed-size fields in many firmwares: the end of the string, not part of it.
  text = text.replace(/\0+$/, '').trim();
  if (text === '')
    throw new DecodeError('BAD_FORMAT', ID, `Device Information 0x${characteristic.toUpperCase()} is empty`);
  if (/[\p{Cc}\p{Cs}]/u.test(text))
    throw new DecodeError(
      'BAD_FORMAT',
      ID,
      `Device Information 0x${characteristic.toUpperCase()} has control characters`,
    );
  if ([...text].length > MAX_TEXT)
    throw new DecodeError(
      'BAD_FORMAT',
      ID,
      `Device Information 0x${characteristic.toUpperCase()} is longer than ${MAX_TEXT} characters`,
    );
  return text;
}

/** The measurement with its device's identity beside its address. */
export function withIdentity<T extends DeviceMeasurement>(measurement: T, identity: DeviceIdentity): T {
  const extra: Record<string, string | number | boolean> = { ...measurement.extra };
  let any = false;
  for (const field of Object.keys(IDENTITY_EXTRA_KEYS) as (keyof DeviceIdentity)[]) {
    const value = identity[field];
    if (value === undefined) continue;
    extra[IDENTITY_EXTRA_KEYS[field]] = value;
    any = true;
  }
  return any ? { ...measurement, extra } : measurement;
}
