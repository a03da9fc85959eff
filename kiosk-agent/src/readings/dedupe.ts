import type { DeviceMeasurement } from '@klinik-desa/protocol';

/**
 * How a record is recognised when a device hands it over again (a glucometer dumps its whole memory
 * at every connection): by the device's sequence number when it has one, else by the device's own
 * time plus the values. Live measurements without either (a scale) have no key: each is new.
 */
export function dedupeKey(deviceId: string, m: DeviceMeasurement): string | undefined {
  if (m.sequenceNumber !== undefined) return `${deviceId}#seq:${m.sequenceNumber}`;
  if (m.deviceTime === undefined) return undefined;
  const values = Object.entries(m)
    .filter(([, v]) => typeof v === 'object' && v !== null && 'unit' in v)
    .map(
      ([name, v]) =>
        `${name}=${(v as { value: number | null }).value ?? 'null'}${(v as { unit: string }).unit}`,
    )
    .sort()
    .join(',');
  return `${deviceId}#t:${m.deviceTime}#${values}`;
}
