import { DEVICE_INFO_EXTRA_KEYS, DeviceInfoText, type ReadingDevice } from '@klinik-desa/protocol';

/** What a device said of itself, as a reading's `device` carries it. */
export type DeviceInfo = Pick<ReadingDevice, keyof typeof DEVICE_INFO_EXTRA_KEYS>;

/**
 * The device's maker, model, serial and firmware from a measurement's `extra`. A value that is not
 * printable text of at most 64 characters is left out, as a bad address is: the reading itself is
 * sound, and the driver that produced the value has already reported it.
 */
export function deviceInfoOf(extra: Readonly<Record<string, string | number | boolean>>): DeviceInfo {
  const info: DeviceInfo = {};
  for (const field of Object.keys(DEVICE_INFO_EXTRA_KEYS) as (keyof DeviceInfo)[]) {
    const value = extra[DEVICE_INFO_EXTRA_KEYS[field]];
    if (typeof value === 'string' && DeviceInfoText.safeParse(value).success) info[field] = value;
  }
  return info;
}
